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


def check_keymap(
    keymap: dict[str, str], defaults: dict[str, str]
) -> tuple[dict[str, str], list[str]]:
    """The keymap entries that can be used, and what was wrong with the others.

    `defaults` maps each binding id to its default keys ("j,down"). An unknown id, or a key
    that two binding ids would share (in the keymap, or with a binding left at its default
    keys), is reported and its entries dropped: no key ever does two things, and `quit`
    always keeps a key (its default when its own entry is dropped).
    """
    problems: list[str] = []
    unknown = sorted(k for k in keymap if k not in defaults)
    if unknown:
        problems.append(f"unknown binding ids {', '.join(unknown)} (see ? for the ids)")
    wanted = {
        k: [key.strip() for key in v.split(",") if key.strip()]
        for k, v in keymap.items()
        if k in defaults
    }
    while True:
        owners: dict[str, list[str]] = {}
        for binding, spec in defaults.items():
            keys = wanted.get(binding, [key.strip() for key in spec.split(",") if key.strip()])
            for key in dict.fromkeys(keys):
                owners.setdefault(key, []).append(binding)
        clash = next(  # default keys shared on purpose (enter: open, leave the filter) stay
            ((k, ids) for k, ids in owners.items() if len(ids) > 1 and set(ids) & set(wanted)),
            None,
        )
        if clash is None:
            break
        key, ids = clash
        dropped = sorted(i for i in ids if i in wanted)
        problems.append(f"key {key!r} is bound to {', '.join(sorted(ids))}: "
                        f"ignored the entries for {', '.join(dropped)}")  # fmt: skip
        for binding in dropped:
            del wanted[binding]
    for binding in [b for b, keys in wanted.items() if not keys]:
        problems.append(f"{binding} has no key: it keeps its default")
        del wanted[binding]
    return {k: ",".join(v) for k, v in wanted.items()}, problems
