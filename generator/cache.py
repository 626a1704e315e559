"""The build cache in `.foyer-cache/` beside the hub: what one `foyer build` keeps for the next.

It holds the files read (by content digest), the pieces validated, the bodies rendered and the
record of every output, for one output folder. The next build reuses what is unchanged and
hard-links the outputs it did not render again from the site it replaces.

The cache can only make a build faster, never different. It is ignored, with a warning, when it
is unreadable, truncated, from another foyer or Python, signed with another machine's key, or made
for a site that is no longer the one on disk. It is signed (HMAC) with a key kept outside the hub,
so a cache that arrives with the content (a pull request can add any file) is never unpickled.
"""

from __future__ import annotations

import hashlib
import hmac
import logging
import os
import pickle
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any, BinaryIO

from generator import __version__

log = logging.getLogger(__name__)
FOLDER = ".foyer-cache"
MAGIC = b"foyer-cache/1\n"


@dataclass
class Saved:
    """One output folder's cache: the memo of the build and what its site holds."""

    memo: Any  # generator.build.Memo, without its in-process parts
    links: dict[str, Any]  # page → its links and ids, for the link check of reused pages
    static: dict[str, tuple[int, int]]  # static file in the site → (size, mtime_ns) of its source
    digest: str = ""  # of the payload it was read from: unchanged means no need to write it
    spare: Any = None  # generator.write.Spare: the site before the current one, kept aside
    checks: Any = None  # render.linkcheck.LinkChecks: the last link check, page by page


def _key() -> bytes | None:
    """This machine's signing key, made on first use (outside any hub)."""
    base = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "foyer"
    path = base / "cache-key"
    try:
        return path.read_bytes()
    except FileNotFoundError:
        pass
    except OSError:
        return None
    try:
        base.mkdir(parents=True, exist_ok=True)
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "wb") as f:
            f.write(os.urandom(32))
        return path.read_bytes()
    except FileExistsError:
        return path.read_bytes()
    except OSError:
        return None


def _stamp() -> bytes:
    return f"{__version__}|{sys.version}|{sys.implementation.cache_tag}".encode()


def path_for(root: Path, out: Path) -> Path:
    name = hashlib.blake2b(str(out.resolve()).encode(), digest_size=8).hexdigest()
    return root / FOLDER / f"build-{name}.bin"


def spare_path(root: Path, out: Path) -> Path:
    """Where the site a build replaces is kept, to be brought up to date by the next one."""
    return path_for(root, out).with_suffix(".spare")


def site_signature(out: Path) -> tuple[int, int]:
    st = out.stat()
    return (st.st_ino, st.st_mtime_ns)


def load(root: Path, out: Path) -> Saved | None:
    """The cache for building `root` into `out`, or None (missing, or ignored with a warning).
    Its record of outputs is dropped unless the site on disk is the one it was written with.
    The file is checked in a first pass and unpickled in a second, never held whole in memory."""
    path = path_for(root, out)
    key = _key()
    try:
        with open(path, "rb") as f:
            why, digest, start = _check(f, key)
            if why is not None:
                log.warning("build cache ignored (%s): building everything", why)
                return None
            f.seek(start)
            try:
                saved = pickle.load(f)
            except Exception as exc:  # noqa: BLE001 — any failure means: no cache
                log.warning("build cache ignored (unreadable: %s): building everything", exc)
                return None
    except FileNotFoundError:
        return None
    except OSError as exc:
        log.warning("build cache ignored: %s", exc)
        return None
    if not isinstance(saved, Saved):
        return None
    saved.digest = digest
    if _site_of(root, out, key) != (site_signature_or_none(out), saved.digest):
        saved.memo.record = None  # the site on disk is not the one this record describes
        saved.links = {}
        saved.static = {}
    return saved


def _check(f: BinaryIO, key: bytes | None) -> tuple[str | None, str, int]:
    """(why the cache can't be used or None, digest of its payload, where the payload starts)."""
    if key is None:
        return "no signing key", "", 0
    head = f.read(len(MAGIC))
    if head != MAGIC:
        return "not a foyer cache", "", 0
    header = f.readline(4096)
    if not header.endswith(b"\n"):
        return "truncated", "", 0
    stamp, _, signature = header[:-1].rpartition(b"|sig=")
    if stamp != _stamp():
        return "made by another foyer or Python", "", 0
    start = f.tell()
    mac = hmac.new(key, stamp, hashlib.sha256)
    while chunk := f.read(1 << 20):
        mac.update(chunk)
    if not hmac.compare_digest(signature, mac.hexdigest().encode()):
        return "damaged, or signed elsewhere", "", 0
    return None, mac.hexdigest(), start  # the signature is the payload's digest too


class _Signing:
    """A file that signs what is written to it."""

    def __init__(self, f: BinaryIO, key: bytes, stamp: bytes):
        self.f = f
        self.mac = hmac.new(key, stamp, hashlib.sha256)

    def write(self, data: bytes) -> int:
        self.mac.update(data)
        return self.f.write(data)


def site_signature_or_none(out: Path) -> tuple[int, int] | None:
    try:
        return site_signature(out)
    except OSError:
        return None


def _site_of(root: Path, out: Path, key: bytes | None) -> tuple[Any, str] | None:
    """(site signature, payload digest) written after the last build into `out`, if signed."""
    if key is None:
        return None
    try:
        raw = path_for(root, out).with_suffix(".site").read_bytes()
        body, _, signature = raw.rpartition(b"|sig=")
        expected = hmac.new(key, body, hashlib.sha256).hexdigest().encode()
        if not hmac.compare_digest(signature.strip(), expected):
            return None
        ino, mtime, digest = body.decode().split("|")
        return (int(ino), int(mtime)), digest
    except (OSError, ValueError):
        return None


def save(root: Path, out: Path, saved: Saved, *, changed: bool) -> None:
    """Write the cache atomically (the large part only when `changed`), then which site it
    describes. Failing to write it never fails the build."""
    key = _key()
    if key is None:
        return
    path = path_for(root, out)
    try:
        path.parent.mkdir(exist_ok=True)
        ignore = path.parent / ".gitignore"
        if not ignore.exists():
            ignore.write_text("*\n", encoding="utf-8")
        digest = saved.digest
        if changed or not digest or not path.exists():
            saved.digest = ""
            stamp = _stamp()
            temporary = path.with_name(path.name + f".{os.getpid()}.tmp")
            with open(temporary, "wb") as f:
                f.write(MAGIC + stamp + b"|sig=")
                place = f.tell()
                f.write(b"0" * 64 + b"\n")
                signing = _Signing(f, key, stamp)
                pickle.dump(saved, signing, protocol=pickle.HIGHEST_PROTOCOL)  # type: ignore[arg-type]
                f.seek(place)
                f.write(signing.mac.hexdigest().encode())
            os.replace(temporary, path)
            digest = signing.mac.hexdigest()
        ino, mtime = site_signature(out)
        body = f"{ino}|{mtime}|{digest}".encode()
        mark = hmac.new(key, body, hashlib.sha256).hexdigest().encode()
        _write(path.with_suffix(".site"), body + b"|sig=" + mark + b"\n")
    except (OSError, pickle.PicklingError, RecursionError, TypeError, AttributeError) as exc:
        log.warning("build cache not written: %s", exc)


def _write(path: Path, data: bytes) -> None:
    temporary = path.with_name(path.name + f".{os.getpid()}.tmp")
    with open(temporary, "wb") as f:
        f.write(data)
    os.replace(temporary, path)
