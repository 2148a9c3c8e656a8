"""Opening an item's link: in the browser when there is one to open it on, else shown to copy."""

from __future__ import annotations

import os
import sys
from collections.abc import Mapping
from urllib.parse import urlsplit


def browser_reachable(
    environ: Mapping[str, str] | None = None, platform: str | None = None
) -> bool:
    """Whether a browser would open where the user is looking.

    A display (X11 or Wayland; forwarded over SSH too) has one. Without one, over SSH the
    browser would open on the remote machine (or a text browser would take over the
    reader's terminal), and so would it on a Linux or BSD console: the link is shown
    instead. macOS and Windows open their browser without a DISPLAY.
    """
    env = os.environ if environ is None else environ
    if env.get("DISPLAY") or env.get("WAYLAND_DISPLAY"):
        return True
    if env.get("SSH_CONNECTION") or env.get("SSH_CLIENT") or env.get("SSH_TTY"):
        return False
    return (platform or sys.platform) in ("darwin", "win32", "cygwin")


def openable(link: str) -> bool:
    """Only web links are handed to the browser (a feed's link is data, not a command)."""
    try:
        parts = urlsplit(link)
    except ValueError:
        return False
    return parts.scheme.lower() in ("http", "https") and bool(parts.hostname)


def open_in_browser(link: str) -> bool:
    """Ask the browser to open `link`; False when none took it (or it failed)."""
    import webbrowser

    if not openable(link):
        return False
    try:
        return bool(webbrowser.open(link, new=2))
    except (webbrowser.Error, OSError):
        return False
