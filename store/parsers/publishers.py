"""The layouts' publishers and their short names, apart from the parsers so that showing a
publisher (the reader's first paint, a one-shot table) never imports a parser.

Each layout's `Layout` names its publisher and short name; a test keeps this table equal to
theirs.
"""

SHORT_PUBLISHERS: dict[str, str] = {
    "EqualOcean": "EqualOcean",
    "Caixin Global": "Caixin",
    "STAR Market Daily": "STAR Daily",
    "Search digest": "Digest",
    "Web article": "Article",
}
