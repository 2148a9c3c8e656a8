"""newsdesk's terminal side: the reader app, its screens and widgets, and the CLI."""

__version__ = "0.1.0"  # the one place the version is written (pyproject reads it)
