"""Text → ParsedDocument: one module per layout, and the registry that picks one."""
