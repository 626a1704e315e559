"""Stage 3: Hub → outputs (path, bytes). Pure: never touches the disk."""
