"""Stage 1: files on disk → SourceFile records, with no interpretation of their fields."""
