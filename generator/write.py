"""Stage 4: outputs and static files → a fresh folder beside the site, swapped in atomically.

The previous site stays whole until the new one is complete: a failed or killed build never
leaves a half-written site, and the last good one is never lost.
"""

from __future__ import annotations

import contextlib
import ctypes
import ctypes.util
import errno
import os
import queue
import shutil
import threading
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

from generator.render.outputs import Output

MARKER = ".foyer"
WRITE_QUEUE = 256  # outputs waiting for the writer thread, at most
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


class Direct:
    """Writes outputs straight into a new site folder from another process (a worker of a
    parallel render, render/shards.py): the main process then only notes them
    (SiteWriter.add of an Output marked `written`), and the file system's work on the
    folders and files is shared by the cores. Made by SiteWriter.direct."""

    def __init__(self, folder: str):
        self.folder = folder
        self.made: set[str] = {folder}

    def write(self, path: str, data: bytes) -> None:
        """`data` at `path` in the folder; OSError (and a path outside it) for the caller to
        hand the bytes to the main process instead, which writes them or says what failed."""
        if not _safe_relative(path):
            raise OSError(errno.EINVAL, f"not a path in the site: {path!r}")
        target = os.path.join(self.folder, path)
        _make_parent(target, self.made)  # exist_ok: the main process may be making it too
        _write_file(target, data)


@dataclass
class Spare:
    """The site before the current one, kept aside to be brought up to date and swapped in next
    time instead of making every folder again: where it is and what it holds."""

    path: str
    ident: tuple[int, int, int]  # st_dev, st_ino, st_mtime_ns of its folder when it was kept
    born: dict[str, str]  # output → the build that made its bytes
    static: dict[str, tuple[int, int]]  # static file → (size, mtime_ns) of its source then


def _ident(path: str | Path) -> tuple[int, int, int]:
    st = os.stat(path)
    return (st.st_dev, st.st_ino, st.st_mtime_ns)


class SiteWriter:
    """A new site folder beside `out`, written output by output as they are rendered (nothing is
    kept in memory), then swapped in whole by `finish`, or removed by `abort` (the previous site
    stays untouched). Outputs marked `reused` are hard-linked from the site in `out`; as long as
    every output is reused, nothing is written yet: when none changed, `keep` leaves the site
    in `out` as it is (it is already this build's).

    With a `spare` (the site before the current one, see Spare), the new folder is the spare
    brought up to date: only the files whose bytes differ from what it holds are replaced. With
    `keep_as`, the site it replaces is kept there (`kept` then says so) instead of removed."""

    def __init__(self, out: Path, *, spare: Spare | None = None, keep_as: Path | None = None):
        self.out = out.resolve()
        self.spare = spare
        self.reusing: Spare | None = None  # the spare, once taken as the new folder
        self.keep_as = keep_as
        self.kept: tuple[int, int, int] | None = None
        self.new = self.out.parent / f".{self.out.name}.foyer-new-{os.getpid()}"
        self.count = 0
        self.pending: list[tuple[str, str]] = []  # reused outputs before the folder is made
        self.made: set[str] = set()
        self.written: set[str] = set()
        self.started = False
        self.holds: set[str] = set()  # the spare's files there when it was taken
        self._new = str(self.new)
        self._out = str(self.out)
        # Files are written by a thread (file system calls release the GIL): rendering goes on
        # while the disk works. The first error it meets is raised by the next add or finish.
        self._queue: queue.Queue[tuple[str, bytes | None, str] | None] | None = None
        self._thread: threading.Thread | None = None
        self._error: BaseException | None = None

    def _start(self) -> None:
        self.started = True
        try:
            self.out.parent.mkdir(parents=True, exist_ok=True)
            _remove_stale(self.out)
            if self.new.exists():
                shutil.rmtree(self.new)
            if self._take_spare():
                self.reusing = self.spare
            else:
                self.new.mkdir()
        except OSError as exc:
            raise _write_error(exc, self.out) from exc
        self.made = {self._new}
        if self.reusing is not None:
            self.made |= {os.path.dirname(os.path.join(self._new, p)) for p in self.reusing.born}
            self.holds = files_in(self._new, self.reusing.born)  # before the thread starts
        self._queue = queue.Queue(maxsize=WRITE_QUEUE)
        self._thread = threading.Thread(target=self._drain, name="foyer-writer", daemon=True)
        self._thread.start()
        for path, born in self.pending:
            if not self._holds(path, born):
                self._queue.put((path, None, born))
        self.pending = []

    def _holds(self, path: str, born: str) -> bool:
        """The spare being brought up to date holds the bytes of `path` made by `born` (the
        build that made them): nothing to do for it."""
        return bool(born) and self.reusing is not None and path in self.holds \
            and self.reusing.born.get(path) == born

    def _drain(self) -> None:
        assert self._queue is not None
        while (item := self._queue.get()) is not None:
            if self._error is None:
                try:
                    self._put(*item)
                except BaseException as exc:  # noqa: BLE001 - handed to the main thread
                    self._error = exc

    def _settle(self) -> None:
        """Wait until every queued file is written; raise the writer's error, if any."""
        if self._thread is not None and self._queue is not None:
            self._queue.put(None)
            self._thread.join()
            self._thread = None
        if self._error is not None:
            error, self._error = self._error, None
            raise error

    def _take_spare(self) -> bool:
        """Move the spare in as the new folder, if it is still what it was kept as, on the same
        file system. A killed build leaves it as a '-new-' folder: removed as stale next time."""
        spare = self.spare
        if spare is None:
            return False
        try:
            if _ident(spare.path) != spare.ident or \
                    spare.ident[0] != os.stat(self.out.parent).st_dev:
                shutil.rmtree(spare.path, ignore_errors=True)
                return False
            os.rename(spare.path, self.new)
        except OSError:
            return False
        return True

    def direct(self) -> Direct | None:
        """For another process to write outputs into the new folder itself (made now), when it
        is a new folder; None when it is the spare brought up to date (a file there may be a
        hard link to the live site's: only this writer replaces them)."""
        if not self.started:
            self._start()
        return Direct(self._new) if self.reusing is None else None

    def add(self, output: Output) -> None:
        if not _safe_relative(output.path):
            raise WriteError(f"refusing to write outside the site: {output.path!r}")
        if output.path in self.written:
            raise WriteError(f"two outputs for {output.path}")
        self.written.add(output.path)
        self.count += 1
        if output.written:  # in the new folder already (Direct)
            return
        if not self.started and output.reused:
            self.pending.append((output.path, output.born))
            return
        if not self.started:
            self._start()
        if self._error is not None:
            self._settle()
        if output.reused and self._holds(output.path, output.born):
            return
        assert self._queue is not None
        self._queue.put((output.path, None if output.reused else output.data, output.born))

    def keep(self, paths: Iterable[str], static: Iterable[tuple[Path, str]],
             static_seen: dict[str, tuple[int, int]]) -> int | None:
        """When every output was reused, they are the last build's `paths` and the static
        files are unchanged: the files of the site in `out`, which stays as it is. Else None
        (then `finish`)."""
        if self.started or not self.out.is_dir() or {p for p, _ in self.pending} != set(paths) \
                or not (self.out / MARKER).is_dir():
            return None
        static = list(static)
        if not static_unchanged(static, self.out, static_seen):
            return None
        return self.count + len(static_seen)

    def _put(self, path: str, data: bytes | None, born: str) -> None:
        """One output into the new folder: `data`, or the last build's file (None). In a spare,
        a file that holds these bytes already (made by the same build) stays; any other is
        removed first: it may be a hard link to a file of the live site."""
        target = os.path.join(self._new, path)  # strings: 17,000 outputs at 10,000 stories
        try:
            if self.reusing is not None:  # (what it holds already never comes here: add)
                _clear(target, self._new)
            _make_parent(target, self.made)
            try:
                self._write(path, target, data)
            except FileNotFoundError:
                if self.reusing is None:
                    raise
                # a spare's folder was cleared on the way
                os.makedirs(os.path.dirname(target), exist_ok=True)
                self._write(path, target, data)
        except OSError as exc:
            raise _write_error(exc, self.out) from exc

    def _write(self, path: str, target: str, data: bytes | None) -> None:
        if data is None:
            link_or_copy(os.path.join(self._out, path), target)
        else:
            _write_file(target, data)

    def finish(self, static: Iterable[tuple[Path, str]],
               finish: Callable[[Path], None] | None = None, *,
               static_seen: dict[str, tuple[int, int]] | None = None,
               owned: str | None = None) -> int:
        """Copy static files (hard-linking those whose source has the (size, mtime) that
        `static_seen` recorded; it is updated), run `finish` on the folder (e.g. the search
        indexer, which writes the folder `owned` whole), swap it with `out`. Returns files
        written."""
        if not self.started:
            self._start()
        try:
            self._settle()
            seen: dict[str, tuple[int, int]] = {}
            spare = self.reusing
            for source, prefix in static:
                self.count += _copy_tree(source, self.new / prefix if prefix else self.new,
                                         prefix, self.out, static_seen or {}, seen,
                                         spare.static if spare is not None else None)
            if spare is not None:  # what the spare holds and this build does not
                self._drop([p for p in (*spare.born, *spare.static)
                            if p not in self.written and p not in seen])
                if owned:
                    shutil.rmtree(self.new / owned, ignore_errors=True)
            if static_seen is not None:
                static_seen.clear()
                static_seen.update(seen)
            if finish is not None:
                finish(self.new)
            (self.new / MARKER).mkdir(exist_ok=True)
            if not (self.new / MARKER / "README").is_file():
                (self.new / MARKER / "README").write_bytes(MARKER_TEXT)
            _fsync_dir(self.new)
            self.kept = _swap(self.new, self.out, self.keep_as)
        except OSError as exc:
            self.abort()
            raise _write_error(exc, self.out) from exc
        except BaseException:
            self.abort()
            raise
        return self.count

    def _drop(self, paths: list[str]) -> None:
        """Remove files of the spare this build does not have, and the folders they leave
        empty."""
        parents: set[str] = set()
        for path in paths:
            target = os.path.join(self._new, path)
            _clear(target, self._new)
            parents.add(os.path.dirname(target))
        for parent in sorted(parents, key=len, reverse=True):
            while parent != self._new and parent.startswith(self._new):
                try:
                    os.rmdir(parent)
                except OSError:
                    break  # not empty
                parent = os.path.dirname(parent)

    def abort(self) -> None:
        if self.started:
            with contextlib.suppress(BaseException):
                self._settle()  # no file written into the folder while it is removed
            shutil.rmtree(self.new, ignore_errors=True)

    def __enter__(self) -> SiteWriter:
        return self

    def __exit__(self, kind: object, *_: object) -> None:
        if kind is not None:
            self.abort()


def files_in(folder: str, paths: Iterable[str]) -> set[str]:
    """Which of `paths` are files in `folder`, all looked at in one pass. Asked one at a time
    while the writer thread works, each look (a system call, which releases the GIL) handed
    the GIL to that thread and waited to get it back."""
    return {p for p in paths if os.path.isfile(os.path.join(folder, p))}


def _make_parent(target: str, made: set[str]) -> None:
    """The folder `target` goes in, unless `made` (the folders made so far) has it."""
    parent = os.path.dirname(target)
    if parent not in made:
        os.makedirs(parent, exist_ok=True)
        made.add(parent)


# as open(target, "wb"): os.open's descriptors are not inherited (PEP 446) without O_CLOEXEC
_FLAGS = os.O_WRONLY | os.O_CREAT | os.O_TRUNC | getattr(os, "O_BINARY", 0)


def _write_file(target: str, data: bytes) -> None:
    """`data` into a new file, as open(target, "wb").write would, in three system calls:
    open, write, close (a Python file object also asks for the file's stat, whether it is a
    terminal and where it stands, 17,000 times at 10,000 stories)."""
    fd = os.open(target, _FLAGS, 0o666)
    try:
        view = memoryview(data)
        while view:
            view = view[os.write(fd, view):]
    finally:
        os.close(fd)


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
               known: dict[str, tuple[int, int]], seen: dict[str, tuple[int, int]],
               spare: dict[str, tuple[int, int]] | None = None) -> int:
    """Static files into `dest`: hard links to the previous site's when their source is as
    `known` recorded, else copies. `spare`: `dest` is a spare holding files as recorded there
    (kept when the same, removed first when not: they may be links to the live site's)."""
    count = 0
    dest.mkdir(parents=True, exist_ok=True)
    new = str(dest)
    for path, site_path, signature in _static_files(source, prefix):
        target = dest / Path(site_path).relative_to(prefix) if prefix else dest / site_path
        seen[site_path] = signature
        count += 1
        if spare is not None:
            if spare.get(site_path) == signature and target.is_file():
                continue
            _clear(str(target), new)
        target.parent.mkdir(parents=True, exist_ok=True)
        old = out / site_path
        if known.get(site_path) == signature and old.is_file():
            link_or_copy(old, target)
        else:
            shutil.copyfile(path, target)
    return count


def _clear(target: str, top: str) -> None:
    """Nothing at `target` (a file, or a folder where a file goes now), and no file where one
    of its folders goes, below `top`."""
    try:
        os.unlink(target)
        return
    except FileNotFoundError:
        pass
    except IsADirectoryError:
        shutil.rmtree(target)
        return
    except NotADirectoryError:
        pass
    parent = os.path.dirname(target)
    while parent.startswith(top) and parent != top:
        if os.path.isfile(parent) or os.path.islink(parent):
            os.unlink(parent)
            return
        parent = os.path.dirname(parent)


def static_unchanged(static: Iterable[tuple[Path, str]], out: Path,
                     known: dict[str, tuple[int, int]]) -> bool:
    """Every static file is in `out` as `known` recorded it (same size and mtime), and no other."""
    seen = {site_path: signature for source, prefix in static
            for _, site_path, signature in _static_files(source, prefix)}
    return seen == known and all((out / site_path).is_file() for site_path in seen)


def _swap(new: Path, out: Path, keep_as: Path | None = None) -> tuple[int, int, int] | None:
    """Put `new` in place of `out`. The replaced site is removed, or kept at `keep_as` (its
    identity returned: see Spare)."""
    if not out.exists():
        os.rename(new, out)
        return None
    if _exchange(new, out):
        return _keep(new, keep_as)  # `new` now holds the previous site
    old = out.parent / f".{out.name}.foyer-old-{os.getpid()}"
    os.rename(out, old)
    os.rename(new, out)
    return _keep(old, keep_as)


def _keep(previous: Path, keep_as: Path | None) -> tuple[int, int, int] | None:
    if keep_as is not None:
        try:
            if keep_as.exists():
                shutil.rmtree(keep_as)
            os.rename(previous, keep_as)
            return _ident(keep_as)
        except OSError:
            pass  # another file system: not kept
    shutil.rmtree(previous, ignore_errors=True)
    return None


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
