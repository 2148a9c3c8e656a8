"""Pure string helpers with no I/O: sanitising untrusted text, prose, dates, scripts."""
