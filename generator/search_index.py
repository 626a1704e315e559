"""Site search: Pagefind indexes the freshly written site folder before it is swapped in."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

SUBDIR = "pagefind"


class SearchError(Exception):
    pass


def index(folder: Path) -> None:
    """Run Pagefind over `folder` (writes folder/pagefind/). Raises SearchError."""
    try:
        import pagefind  # noqa: F401  (only to say clearly when it is missing)
    except ImportError as exc:
        raise SearchError("search needs Pagefind: pip install 'pagefind[bin]' "
                          "(or set search.enabled: false in hub.yaml)") from exc
    done = subprocess.run([sys.executable, "-m", "pagefind", "--site", str(folder),
                           "--output-subdir", SUBDIR, "--silent"],
                          capture_output=True, text=True, timeout=600)
    if done.returncode != 0 or not (folder / SUBDIR / "pagefind.js").is_file():
        raise SearchError("Pagefind could not index the site: "
                          + (done.stderr or done.stdout).strip()[-500:])
