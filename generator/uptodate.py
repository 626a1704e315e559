"""Is the site already what a build would give? The check a build makes before anything else.

After each successful build with the cache, foyer notes the stat of every file the build read
(hub.yaml, content/, static/, every theme folder, git's HEAD and index), the options and clock it
ran with, the files it wrote and what it reported. When a build finds all of them as noted, and
the site folder with every one of its files still there, there is nothing to do: the site on
disk is the one this build would write, and the problems are the ones it would report.

A file's stat is its size, its modification time, its inode and its change time. Tools that
restore a modification time (cp -p, rsync -t, tar) cannot restore the change time, so an edited
file never passes for an unchanged one. Without --now (or SOURCE_DATE_EPOCH) the clock moves
from one build to the next, and a build happens as usual (the cache still spares it most work).

The note is JSON, signed like the cache (generator/cache.py): a note that arrives with the
content cannot make foyer skip a build.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import os
import sys
import time
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from generator import __version__
from generator.problems import Problem

Signature = list[int]  # size, mtime_ns, ctime_ns, inode


def _signature(st: os.stat_result) -> Signature:
    return [st.st_size, st.st_mtime_ns, st.st_ctime_ns, st.st_ino]


def _walk(folder: Path, found: dict[str, Signature]) -> None:
    try:
        entries = list(os.scandir(folder))
    except OSError:
        return
    for entry in entries:
        try:
            if entry.is_dir(follow_symlinks=False):
                _walk(Path(entry.path), found)
            else:
                found[entry.path] = _signature(entry.stat())
        except OSError:
            found[entry.path] = []


def snapshot(root: Path, folders: Iterable[Path]) -> dict[str, Signature]:
    """The stat of every file a build of `root` reads: hub.yaml, content/, static/, themes/,
    the theme `folders` (wherever they are) and git's state."""
    found: dict[str, Signature] = {}
    for name in ("hub.yaml", ".git/HEAD", ".git/index", ".git/logs/HEAD", ".git/shallow"):
        try:
            found[str(root / name)] = _signature(os.stat(root / name))
        except OSError:
            found[str(root / name)] = []
    for folder in (root / "content", root / "static", root / "themes", *folders):
        _walk(folder, found)
    return found


def add_folders(found: dict[str, Signature], folders: Iterable[Path]) -> None:
    """The theme folders' files into a snapshot (known once hub.yaml is read)."""
    for folder in folders:
        _walk(folder, found)


def _note_path(root: Path, out: Path) -> Path:
    from generator.cache import FOLDER

    name = hashlib.blake2b(str(out.resolve()).encode(), digest_size=8).hexdigest()
    return root / FOLDER / f"build-{name}.up"


def options_key(options: dict[str, Any]) -> str:
    return json.dumps({**options, "foyer": __version__, "python": sys.version}, sort_keys=True,
                      default=str)


def _mac(key: bytes, body: bytes) -> str:
    return hmac.new(key, body, hashlib.sha256).hexdigest()


def check(root: Path, out: Path, options: dict[str, Any]) -> dict[str, Any] | None:
    """What the last build reported, when the site in `out` is what building `root` with
    `options` would write; else None."""
    from generator.cache import _key, site_signature_or_none

    key = _key()
    try:
        raw = _note_path(root, out).read_bytes()
    except OSError:
        return None
    body, _, mark = raw.rstrip(b"\n").rpartition(b"\n")
    if key is None or not hmac.compare_digest(mark, _mac(key, body).encode()):
        return None
    try:
        note = json.loads(body)
    except ValueError:
        return None
    if note.get("options") != options_key(options):
        return None
    if note.get("site") != list(site_signature_or_none(out) or ()):
        return None
    if snapshot(root, [Path(f) for f in note["folders"]]) != note["inputs"]:
        return None
    if not all(os.path.isfile(os.path.join(out, p)) for p in note["outputs"]):
        return None
    return note["result"]


def problems_of(result: dict[str, Any]) -> list[Problem]:
    return [Problem(*p) for p in result["problems"]]


def clock(root: Path) -> int:
    """The file system's own time, as it stamps files (its clock and its granularity): the
    time of a file touched now in .foyer-cache/."""
    from generator.cache import FOLDER

    stamp = root / FOLDER / ".clock"
    try:
        stamp.parent.mkdir(exist_ok=True)
        stamp.touch()
        os.utime(stamp)
        return stamp.stat().st_mtime_ns
    except OSError:
        return time.time_ns()


def record(root: Path, out: Path, options: dict[str, Any], inputs: dict[str, Signature],
           taken: int, folders: list[Path], outputs: list[str], result: dict[str, Any],
           problems: list[Problem]) -> None:
    """Note the build that just wrote `out` from `inputs` (its snapshot, taken at the file
    system's time `taken`, before it read anything: a file changed during the build makes the
    next one build). No note when a file was stamped at or after `taken`: a second write in
    the same tick of the file system's clock could leave its stat as it was (git's "racy"
    files)."""
    from generator.cache import _key, site_signature_or_none

    key = _key()
    path = _note_path(root, out)
    signature = site_signature_or_none(out)
    racy = any(s and max(s[1], s[2]) >= taken for s in inputs.values())
    if key is None or signature is None or racy:
        forget(root, out)
        return
    note = {"options": options_key(options), "site": list(signature),
            "folders": [str(f) for f in folders], "inputs": inputs, "outputs": outputs,
            "result": {**result, "problems": [[p.path, p.line, p.message, p.hint, p.severity]
                                              for p in problems]}}
    body = json.dumps(note, separators=(",", ":")).encode()
    temporary = path.with_name(path.name + f".{os.getpid()}.tmp")
    try:
        path.parent.mkdir(exist_ok=True)
        temporary.write_bytes(body + b"\n" + _mac(key, body).encode() + b"\n")
        os.replace(temporary, path)
    except OSError:
        temporary.unlink(missing_ok=True)


def forget(root: Path, out: Path) -> None:
    """No note for `out` (a build without the cache wrote it)."""
    _note_path(root, out).unlink(missing_ok=True)
