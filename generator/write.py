"""Stage 4: outputs and static files → a fresh folder beside the site, swapped in atomically.

The previous site stays whole until the new one is complete: a failed or killed build never
leaves a half-written site, and the last good one is never lost.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import errno
import os
import shutil
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path

from generator.render.outputs import Output

MARKER = ".foyer"
MARKER_TEXT = b"This folder is written by foyer build. Edits here are lost at the next build.\n"
_RENAME_EXCHANGE = 2


class WriteError(Exception):
    """The site could not be written; the previous site is untouched."""


def check_target(out: Path, root: Path) -> str | None:
    """Why writing to `out` would be unsafe, or None."""
    out = out.resolve()
    root = root.resolve()
    if out == root or root.is_relative_to(out):
        return f"the output folder {out} holds the hub itself"
    if (root / "content").resolve().is_relative_to(out) or out.is_relative_to(root / "content"):
        return f"the output folder {out} overlaps content/"
    if out.is_relative_to(root / "static"):
        return f"the output folder {out} is inside static/"
    if out.exists() and not out.is_dir():
        return f"{out} exists and is not a folder"
    if out.is_dir() and any(out.iterdir()) and not (out / MARKER).exists():
        return (f"{out} is not empty and was not written by foyer; remove it or choose "
                "another --out")
    return None


def _safe_relative(path: str) -> bool:
    parts = path.split("/")
    return bool(path) and not path.startswith("/") and ".." not in parts and "" not in parts[:-1]


def link_or_copy(source: str | Path, target: str | Path) -> None:
    """A hard link to a file of the previous site (no data written), else a copy."""
    try:
        os.link(source, target)
    except OSError as exc:
        if exc.errno not in (errno.EXDEV, errno.EPERM, errno.EMLINK, errno.ENOTSUP):
            raise
        shutil.copyfile(source, target)


def link_tree(source: Path, dest: Path) -> None:
    for dirpath, _, filenames in os.walk(source):
        here = dest / Path(dirpath).relative_to(source)
        here.mkdir(parents=True, exist_ok=True)
        for name in filenames:
            link_or_copy(Path(dirpath) / name, here / name)


class SiteWriter:
    """A new site folder beside `out`, written output by output as they are rendered (nothing is
    kept in memory), then swapped in whole by `finish`, or removed by `abort` (the previous site
    stays untouched). Outputs marked `reused` are hard-linked from the site in `out`; as long as
    every output is reused, nothing is written yet: when none changed, `keep` leaves the site
    in `out` as it is (it is already this build's)."""

    def __init__(self, out: Path):
        self.out = out.resolve()
        self.new = self.out.parent / f".{self.out.name}.foyer-new-{os.getpid()}"
        self.count = 0
        self.pending: list[str] = []  # reused outputs, before the folder is made
        self.made: set[str] = set()
        self.written: set[str] = set()
        self.started = False
        self._new = str(self.new)
        self._out = str(self.out)

    def _start(self) -> None:
        self.started = True
        try:
            self.out.parent.mkdir(parents=True, exist_ok=True)
            _remove_stale(self.out)
            if self.new.exists():
                shutil.rmtree(self.new)
            self.new.mkdir()
        except OSError as exc:
            raise _write_error(exc, self.out) from exc
        self.made = {self._new}
        for path in self.pending:
            self._put(path, None)
        self.pending = []

    def add(self, output: Output) -> None:
        if not _safe_relative(output.path):
            raise WriteError(f"refusing to write outside the site: {output.path!r}")
        if output.path in self.written:
            raise WriteError(f"two outputs for {output.path}")
        self.written.add(output.path)
        self.count += 1
        if not self.started and output.reused:
            self.pending.append(output.path)
            return
        if not self.started:
            self._start()
        self._put(output.path, None if output.reused else output.data)

    def keep(self, paths: Iterable[str], static: Iterable[tuple[Path, str]],
             static_seen: dict[str, tuple[int, int]]) -> int | None:
        """When every output was reused, they are the last build's `paths` and the static
        files are unchanged: the files of the site in `out`, which stays as it is. Else None
        (then `finish`)."""
        if self.started or not self.out.is_dir() or set(self.pending) != set(paths) \
                or not (self.out / MARKER).is_dir():
            return None
        static = list(static)
        if not static_unchanged(static, self.out, static_seen):
            return None
        return self.count + len(static_seen)

    def _put(self, path: str, data: bytes | None) -> None:
        """One output into the new folder: `data`, or the last build's file (None)."""
        target = os.path.join(self._new, path)  # strings: 17,000 outputs at 10,000 stories
        try:
            parent = os.path.dirname(target)
            if parent not in self.made:
                os.makedirs(parent, exist_ok=True)
                self.made.add(parent)
            if data is None:
                link_or_copy(os.path.join(self._out, path), target)
            else:
                with open(target, "wb") as f:
                    f.write(data)
        except OSError as exc:
            raise _write_error(exc, self.out) from exc

    def finish(self, static: Iterable[tuple[Path, str]],
               finish: Callable[[Path], None] | None = None, *,
               static_seen: dict[str, tuple[int, int]] | None = None) -> int:
        """Copy static files (hard-linking those whose source has the (size, mtime) that
        `static_seen` recorded; it is updated), run `finish` on the folder (e.g. the search
        indexer), swap it with `out`. Returns files written."""
        if not self.started:
            self._start()
        try:
            seen: dict[str, tuple[int, int]] = {}
            for source, prefix in static:
                self.count += _copy_tree(source, self.new / prefix if prefix else self.new,
                                         prefix, self.out, static_seen or {}, seen)
            if static_seen is not None:
                static_seen.clear()
                static_seen.update(seen)
            if finish is not None:
                finish(self.new)
            (self.new / MARKER).mkdir(exist_ok=True)
            (self.new / MARKER / "README").write_bytes(MARKER_TEXT)
            _fsync_dir(self.new)
            _swap(self.new, self.out)
        except OSError as exc:
            self.abort()
            raise _write_error(exc, self.out) from exc
        except BaseException:
            self.abort()
            raise
        return self.count

    def abort(self) -> None:
        if self.started:
            shutil.rmtree(self.new, ignore_errors=True)

    def __enter__(self) -> SiteWriter:
        return self

    def __exit__(self, kind: object, *_: object) -> None:
        if kind is not None:
            self.abort()


def _write_error(exc: OSError, out: Path) -> WriteError:
    what = exc.strerror or str(exc)
    if exc.errno == errno.ENOSPC:
        what = "the disk is full"
    return WriteError(f"cannot write the site next to {out}: {what}; "
                      "the previous site is untouched")


def _static_files(source: Path, prefix: str
                  ) -> Iterator[tuple[Path, str, tuple[int, int]]]:
    """(file, its path in the site, its (size, mtime_ns)) of each static file under `source`."""
    for dirpath, dirnames, filenames in os.walk(source):
        dirnames[:] = sorted(d for d in dirnames if not d.startswith("."))
        rel = Path(dirpath).relative_to(source)
        for name in sorted(filenames):
            if name.startswith(".") or name.endswith(("~", ".swp")):
                continue
            path = Path(dirpath) / name
            if path.is_symlink() and not path.resolve().is_relative_to(source.resolve()):
                continue  # reported by the reader; never published
            st = path.stat()
            yield path, (Path(prefix) / rel / name).as_posix(), (st.st_size, st.st_mtime_ns)


def _copy_tree(source: Path, dest: Path, prefix: str, out: Path,
               known: dict[str, tuple[int, int]], seen: dict[str, tuple[int, int]]) -> int:
    count = 0
    dest.mkdir(parents=True, exist_ok=True)
    for path, site_path, signature in _static_files(source, prefix):
        target = dest / Path(site_path).relative_to(prefix) if prefix else dest / site_path
        target.parent.mkdir(parents=True, exist_ok=True)
        old = out / site_path
        if known.get(site_path) == signature and old.is_file():
            link_or_copy(old, target)
        else:
            shutil.copyfile(path, target)
        seen[site_path] = signature
        count += 1
    return count


def static_unchanged(static: Iterable[tuple[Path, str]], out: Path,
                     known: dict[str, tuple[int, int]]) -> bool:
    """Every static file is in `out` as `known` recorded it (same size and mtime), and no other."""
    seen = {site_path: signature for source, prefix in static
            for _, site_path, signature in _static_files(source, prefix)}
    return seen == known and all((out / site_path).is_file() for site_path in seen)


def _swap(new: Path, out: Path) -> None:
    if not out.exists():
        os.rename(new, out)
        return
    if _exchange(new, out):
        shutil.rmtree(new)  # now holds the previous site
        return
    old = out.parent / f".{out.name}.foyer-old-{os.getpid()}"
    os.rename(out, old)
    os.rename(new, out)
    shutil.rmtree(old, ignore_errors=True)


def _exchange(a: Path, b: Path) -> bool:
    """Atomically exchange two paths (Linux renameat2); False where unsupported."""
    name = ctypes.util.find_library("c")
    if not name:
        return False
    try:
        libc = ctypes.CDLL(name, use_errno=True)
        renameat2 = libc.renameat2
    except (OSError, AttributeError):
        return False
    at_fdcwd = -100
    result = renameat2(at_fdcwd, os.fsencode(a), at_fdcwd, os.fsencode(b), _RENAME_EXCHANGE)
    return bool(result == 0)


def _fsync_dir(path: Path) -> None:
    try:
        fd = os.open(path, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


def _remove_stale(out: Path) -> None:
    """Leftovers of killed builds: new folders never swapped in, old ones never removed.

    If a build was killed between the two renames of the fallback swap, the previous site is
    only in an '-old-' folder: put it back.
    """
    for leftover in sorted(out.parent.glob(f".{out.name}.foyer-*-*")):
        pid = leftover.name.rsplit("-", 1)[-1]
        if pid.isdigit() and int(pid) != os.getpid() and _alive(int(pid)):
            continue
        if "-old-" in leftover.name and not out.exists():
            os.rename(leftover, out)
        else:
            shutil.rmtree(leftover, ignore_errors=True)


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True
