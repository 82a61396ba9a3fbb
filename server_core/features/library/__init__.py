"""The library: shared markdown knowledge bases with members, pages, revisions and collections."""
