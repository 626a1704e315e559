"""`python -m generator` runs the foyer command."""

from generator.cli import main

raise SystemExit(main())
