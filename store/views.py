"""What the CLI and the reader both show, computed once: a company's items, co-mentions,
a company card, the rows of a source, the store's sources."""
