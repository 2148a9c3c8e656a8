"""`python -m tui.cli`: the same as the `newsdesk` command."""

from tui.cli.parser import entry

entry()
