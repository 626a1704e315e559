"""Where a hub is, and what tells an unchanged file: all that the check a build makes before
anything else needs (generator/uptodate.py), without YAML, the model or the renderers, so that
`foyer build` with nothing to do answers before it imports them."""

from __future__ import annotations

import os
from pathlib import Path

HUB_FILE = "hub.yaml"
Stat = tuple[int, int, int, int]  # size, mtime_ns, inode, ctime_ns


def find_root(start: Path) -> Path | None:
    """The folder holding hub.yaml: `start` itself or one of its parents."""
    start = start.resolve()
    for folder in (start, *start.parents):
        if (folder / HUB_FILE).is_file():
            return folder
    return None


def stat_of(st: os.stat_result) -> Stat:
    """What tells an unchanged file: no tool restores a change time (cp -p, rsync -t and tar
    restore the modification time only)."""
    return (st.st_size, st.st_mtime_ns, st.st_ino, st.st_ctime_ns)
