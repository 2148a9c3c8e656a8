"""The user's config file: for now, the keymap (binding id → keys)."""

from __future__ import annotations

import tomllib
from dataclasses import dataclass, field
from pathlib import Path

from store.paths import config_path


@dataclass(slots=True)
class Config:
    keymap: dict[str, str] = field(default_factory=dict)
    bell: bool = False  # [alerts] bell = true: ring for new items about watched companies
    problem: str | None = None  # why the file was not (fully) used, for a notification


def load_config(path: Path | None = None) -> Config:
    """Read `[keymap]` from the config file; a missing file is an empty config.

    Example `~/.config/newsdesk/config.toml`:

        [keymap]
        bookmark = "s"          # binding ids are listed in the help screen (?)
        next_unread = "n,space"

        [alerts]
        bell = true             # ring when items about watched companies arrive
    """
    path = path or config_path()
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return Config()
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
        return Config(problem=f"{path}: not read ({exc}); using the default keys")
    except RecursionError:  # e.g. 50,000 nested arrays
        return Config(problem=f"{path}: not read (nested too deeply); using the default keys")
    keymap = data.get("keymap", {})
    if not isinstance(keymap, dict):
        return Config(problem=f"{path}: [keymap] must be a table; using the default keys")
    good = {str(k): v for k, v in keymap.items() if isinstance(v, str) and v.strip()}
    bad = sorted(set(map(str, keymap)) - set(good))
    problem = f"{path}: ignored keymap entries {', '.join(bad)}" if bad else None
    alerts = data.get("alerts", {})
    bell = isinstance(alerts, dict) and alerts.get("bell") is True
    if isinstance(alerts, dict) and "bell" in alerts and not isinstance(alerts["bell"], bool):
        problem = f"{path}: [alerts] bell must be true or false; no bell"
    return Config(keymap=good, bell=bell, problem=problem)
