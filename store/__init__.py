"""newsdesk's headless core: parsing, the company directory, storage and search.

Nothing in this package imports textual (checked by import-linter).
"""
