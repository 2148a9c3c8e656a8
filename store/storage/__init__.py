"""The store on disk: crash-safe files, corpus segments, the item index, per-user state.

Nothing here knows about layouts, parsers or the company directory.
"""
