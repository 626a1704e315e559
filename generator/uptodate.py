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
from generator.read.git import git_state
from generator.read.where import stat_of

Signature = list[int]  # where.stat_of: size, mtime_ns, inode, ctime_ns ([] when unreadable)


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
                found[entry.path] = list(stat_of(entry.stat()))
        except OSError:
            found[entry.path] = []


def snapshot(root: Path, folders: Iterable[Path]) -> dict[str, Signature]:
    """The stat of every file a build of `root` reads: hub.yaml, content/, static/, themes/ and
    the theme `folders` (wherever they are). Git's state is noted apart (read.git.git_state)."""
    found: dict[str, Signature] = {}
    try:
        found[str(root / "hub.yaml")] = list(stat_of(os.stat(root / "hub.yaml")))
    except OSError:
        found[str(root / "hub.yaml")] = []
    for folder in (root / "content", root / "static", root / "themes", *folders):
        _walk(folder, found)
    return found


def _git(root: Path) -> list[list[Any]]:
    return [list(item) for item in git_state(root)]


def add_folders(found: dict[str, Signature], folders: Iterable[Path]) -> None:
    """The theme folders' files into a snapshot (known once hub.yaml is read)."""
    for folder in folders:
        _walk(folder, found)


def _note_path(root: Path, out: Path) -> Path:
    from generator.cache import path_for

    return path_for(root, out).with_suffix(".up")


def options(out: Path, now: str | None, *, drafts: bool, future: bool, strict: bool,
            link_check: bool, require_git: bool) -> dict[str, Any]:
    """What a build is asked for, as its note records it (`now`: the clock, ISO 8601)."""
    return {"now": now, "drafts": drafts, "future": future, "strict": strict,
            "link_check": link_check, "require_git": require_git, "out": str(out.resolve())}


def options_key(options: dict[str, Any]) -> str:
    return json.dumps({**options, "foyer": __version__, "python": sys.version}, sort_keys=True,
                      default=str)


def _mac(key: bytes, body: bytes) -> str:
    return hmac.new(key, body, hashlib.sha256).hexdigest()


def check(root: Path, out: Path, options: dict[str, Any], given: str | None = None
          ) -> dict[str, Any] | None:
    """What the last build reported, when the site in `out` is what building `root` with
    `options` would write; else None. When `given` (how this build's clock was given:
    clock.given) is not the one noted, the note is made again with it, for `quick`."""
    note = _note(root, out)
    if note is None:
        return None
    result = _verified(note, root, out, options)
    if result is not None and given is not None and note.get("clock") != given:
        _sign(root, out, {**note, "clock": given, "now": options["now"]})
    return result


def quick(root: Path, out: Path, given: str | None, options: dict[str, Any]
          ) -> tuple[dict[str, Any] | None, bool]:
    """check, before the hub's settings are read: with the clock as it was given (clock.given)
    instead of the date-time it makes in the hub's time zone, taken from the note when the
    last build was given the same (`options`' now is not looked at). (What check would give,
    whether that is its answer): not when the note was made with the clock given otherwise,
    which only check can compare (a build then makes it)."""
    note = _note(root, out)
    if note is None or given is None:
        return None, True
    if note.get("clock") != given:
        return None, False
    return _verified(note, root, out, {**options, "now": note.get("now")}), True


def _note(root: Path, out: Path) -> dict[str, Any] | None:
    """The last build's note for `out`, if this machine signed it."""
    from generator.cache import _key

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
    return note if isinstance(note, dict) else None


def _verified(note: dict[str, Any], root: Path, out: Path, options: dict[str, Any]
              ) -> dict[str, Any] | None:
    from generator.cache import site_signature_or_none

    if note.get("options") != options_key(options):
        return None
    if note.get("site") != list(site_signature_or_none(out) or ()) or note.get("git") != _git(root):
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
           problems: list[Problem], given: str | None = None) -> None:
    """Note the build that just wrote `out` from `inputs` (its snapshot, taken at the file
    system's time `taken`, before it read anything: a file changed during the build makes the
    next one build). No note when a file was stamped at or after `taken`: a second write in
    the same tick of the file system's clock could leave its stat as it was (git's "racy"
    files). `given`: the clock as it was given (clock.given), for `quick`."""
    from generator.cache import _key, site_signature_or_none

    key = _key()
    signature = site_signature_or_none(out)
    racy = any(s and max(s[1], s[3]) >= taken for s in inputs.values())
    if key is None or signature is None or racy:
        forget(root, out)
        return
    note = {"options": options_key(options), "clock": given, "now": options["now"],
            "site": list(signature), "git": _git(root),
            "folders": [str(f) for f in folders], "inputs": inputs, "outputs": outputs,
            "result": {**result, "problems": [[p.path, p.line, p.message, p.hint, p.severity]
                                              for p in problems]}}
    _sign(root, out, note)


def _sign(root: Path, out: Path, note: dict[str, Any]) -> None:
    from generator.cache import _key, _write

    key = _key()
    if key is None:
        return
    body = json.dumps(note, separators=(",", ":")).encode()
    path = _note_path(root, out)
    try:
        path.parent.mkdir(exist_ok=True)
        _write(path, body + b"\n" + _mac(key, body).encode() + b"\n")
    except OSError:
        forget(root, out)


def forget(root: Path, out: Path) -> None:
    """No note for `out` (a build without the cache wrote it)."""
    _note_path(root, out).unlink(missing_ok=True)
