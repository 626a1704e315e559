"""Site search: Pagefind indexes the freshly written site folder before it is swapped in."""

from __future__ import annotations

import posixpath
import re
import subprocess
import sys
from collections.abc import Iterable
from pathlib import Path

SUBDIR = "pagefind"
_PLAIN = re.compile(r"[A-Za-z0-9._/-]+")  # nothing a glob would read as a pattern


class SearchError(Exception):
    pass


def pages_glob(pages: Iterable[str]) -> str | None:
    """A glob Pagefind reads only `pages` by, and the few of their neighbours with the same
    shape (members/*/index.html): every page the theme marks for the index
    (data-pagefind-body), and not the thousands of list, tag and calendar pages it would
    open, parse and drop. None (every HTML file, Pagefind's own default) when there are no
    such pages or a path holds anything a glob would read."""
    shapes = set()
    for page in pages:
        if not _PLAIN.fullmatch(page):
            return None
        folder = posixpath.dirname(page)
        shapes.add(posixpath.join(posixpath.dirname(folder), "*", posixpath.basename(page))
                   if folder else page)
    if not shapes:
        return None
    return shapes.pop() if len(shapes) == 1 else "{" + ",".join(sorted(shapes)) + "}"


def index(folder: Path, pages: Iterable[str] | None = None) -> None:
    """Run Pagefind over `folder` (writes folder/pagefind/). With `pages` (the pages the theme
    marks for the index), only files of their shape are read (pages_glob). Raises
    SearchError."""
    try:
        import pagefind  # noqa: F401  (only to say clearly when it is missing)
    except ImportError as exc:
        raise SearchError("search needs Pagefind: pip install 'pagefind[bin]' "
                          "(or set search.enabled: false in hub.yaml)") from exc
    glob = pages_glob(pages) if pages is not None else None
    done = subprocess.run([sys.executable, "-m", "pagefind", "--site", str(folder),
                           "--output-subdir", SUBDIR, "--silent",
                           *(["--glob", glob] if glob else [])],
                          capture_output=True, text=True, timeout=600)
    if done.returncode != 0 or not (folder / SUBDIR / "pagefind.js").is_file():
        raise SearchError("Pagefind could not index the site: "
                          + (done.stderr or done.stdout).strip()[-500:])
