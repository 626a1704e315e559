"""Stage 2: SourceFiles → a validated, typed Hub. Pure: no disk, no clock."""
