"""Helpers for the store tests: a record factory and a child-process worker."""
