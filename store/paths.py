"""Where newsdesk keeps things: the one module that knows about user directories."""

from __future__ import annotations

import os
from pathlib import Path

APP_NAME = "newsdesk"


def _user_dir(kind: str) -> Path:
    """The user's data or config directory for newsdesk (platformdirs, imported only when
    no environment variable names the place: it costs a one-shot command ~10 ms)."""
    import platformdirs

    if kind == "config":
        return Path(platformdirs.user_config_dir(APP_NAME, appauthor=False))
    return Path(platformdirs.user_data_dir(APP_NAME, appauthor=False))


def default_store_path() -> Path:
    """The store folder: `$NEWSDESK_DB` if set, else the user data directory."""
    env = os.environ.get("NEWSDESK_DB")
    if env:
        return Path(env).expanduser()
    return _user_dir("data") / "store"


def bundled_seeds_dir() -> Path:
    """The seed documents shipped with newsdesk (source checkout or installed wheel)."""
    here = Path(__file__).resolve().parent
    for candidate in (here / "_seeds", here.parent / "seeds"):
        if candidate.is_dir():
            return candidate
    raise FileNotFoundError("the bundled seed documents are missing from this installation")


def config_path() -> Path:
    """The user's config file: `$NEWSDESK_CONFIG` if set, else in the user config directory."""
    env = os.environ.get("NEWSDESK_CONFIG")
    if env:
        return Path(env).expanduser()
    return _user_dir("config") / "config.toml"


def inbox_path() -> Path:
    """The folder `newsdesk watch` ingests from: `$NEWSDESK_INBOX` if set, else `inbox` in the
    user data directory."""
    env = os.environ.get("NEWSDESK_INBOX")
    if env:
        return Path(env).expanduser()
    return _user_dir("data") / "inbox"
