"""The `newsdesk` command: entry point and parser (`main`), one-shot commands, their output."""

from tui.cli.parser import entry, main

__all__ = ["entry", "main"]
