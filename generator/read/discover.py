"""Walk a hub's folders: content files by section, calendar.yaml, static files."""

from __future__ import annotations

import contextlib
import hashlib
import os
import re
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from generator.problems import Problem, did_you_mean
from generator.read.frontmatter import SourceFile, normalise_text, parse, split
from generator.read.where import Stat, stat_of
from generator.read.yamlfile import KeyPath, load_yaml

SECTIONS = ("members", "stories", "rituals", "resources", "newsletters", "pages")
CALENDAR = "calendar.yaml"
MAX_FILE_BYTES = 5 * 1024 * 1024
SLUG = re.compile(r"^[a-z0-9][a-z0-9_-]*$")
DATE_PREFIX = re.compile(r"^(\d{4}-\d{2}-\d{2})-(.+)$")
IGNORED_NAMES = {".DS_Store", "Thumbs.db", ".gitkeep", ".keep", "desktop.ini"}
RACY_NS = 1_000_000_000  # a file's stat is trusted once it is older than this


def is_temporary(name: str) -> bool:
    """Editor leftovers: swap, backup and lock files."""
    return (
        name.startswith((".#", "#", "~$"))
        or name.endswith(("~", ".swp", ".swo", ".swx", ".tmp", ".bak", ".orig"))
        or name.startswith(".") and name.endswith(".swp")
    )


@dataclass(frozen=True)
class Calendar:
    path: str
    data: Any
    lines: dict[KeyPath, int]


@dataclass
class ReadMemo:
    """What the last reads found, for the next build to skip work: content digest by file (and
    the file's stat, trusted when `trust_stat`: a file whose size, modification time, inode and
    change time are as they were is not read again; see _signature), and each parsed file by
    (path, content digest)."""

    trust_stat: bool = False
    stats: dict[str, tuple[Stat | None, str]] = field(default_factory=dict)
    parsed: dict[tuple[str, str], SourceFile | Problem] = field(default_factory=dict)
    used: set[tuple[str, str]] = field(default_factory=set)
    # With trust_stat: the files changed since the last read, as the watcher saw them; None when
    # unknown (every file's stat is checked then).
    dirty: set[str] | None = None


def digest_bytes(raw: bytes) -> str:
    return hashlib.blake2b(raw, digest_size=16).hexdigest()


@dataclass
class Sources:
    """Everything read from disk, before interpretation."""

    files: list[SourceFile] = field(default_factory=list)
    digests: dict[str, str] = field(default_factory=dict)  # content file → digest of its bytes
    calendar: Calendar | None = None
    static_files: list[str] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)


def suggest_slug(name: str) -> str:
    import unicodedata

    folded = unicodedata.normalize("NFKD", name)
    folded = "".join(c for c in folded if not unicodedata.combining(c)).lower()
    return re.sub(r"[^a-z0-9]+", "-", folded).strip("-")


def split_name(stem: str) -> tuple[str, str]:
    """'2025-01-02-hello' → ('hello', '2025-01-02'); 'hello' → ('hello', '')."""
    match = DATE_PREFIX.match(stem)
    if match:
        return match.group(2), match.group(1)
    return stem, ""


def _skipped(name: str) -> bool:
    """A file in a section that is not content at all (no warning): editor leftovers, system
    files, hidden files."""
    return name in IGNORED_NAMES or is_temporary(name) or name.startswith(".")


def likely_pieces(root: Path) -> list[tuple[str, str, str]]:
    """(file, section, slug) of the content files read_content would most likely read as
    pieces, from their names alone (nothing is read, nothing reported): what a build may start
    on before the hub is loaded, and check against it once it is."""
    found = []
    for section in SECTIONS:
        try:
            names = sorted(e.name for e in os.scandir(root / "content" / section) if e.is_file())
        except OSError:
            continue
        for name in names:
            if name.endswith(".md") and not _skipped(name):
                slug, _ = split_name(name[:-3])
                if SLUG.match(slug):
                    found.append((f"content/{section}/{name}", section, slug))
    return found


def body_of(root: Path, rel: str) -> tuple[str, int] | None:
    """A content file's body and the line it starts on, as read_content reads them; None when
    it cannot be read as a content file (read_content then says why)."""
    ignored: list[Problem] = []
    raw = _read_bytes(root / rel, rel, root, ignored)
    text = _decode(raw, rel, ignored) if raw is not None else None
    parts = split(rel, text) if text is not None else None
    return None if parts is None or isinstance(parts, Problem) else (parts[1], parts[2])


def _inside(path: Path, root: Path) -> bool:
    try:
        path.resolve().relative_to(root.resolve())
    except ValueError:
        return False
    return True


def _read_bytes(path: Path, rel: str, root: Path, problems: list[Problem]) -> bytes | None:
    if path.is_symlink() and not _inside(path, root):
        problems.append(Problem(rel, 1, "symbolic link points outside the hub",
                                "copy the file into the hub instead of linking to it"))
        return None
    try:
        size, raw = _read_file(path, MAX_FILE_BYTES)
        if raw is None:
            problems.append(Problem(
                rel, 1, f"file is too large ({size // 1024 // 1024} MB; the limit is "
                f"{MAX_FILE_BYTES // 1024 // 1024} MB)", "split it, or put large files in static/"))
            return None
        return raw
    except OSError as exc:
        problems.append(Problem(rel, 1, f"cannot read file: {exc.strerror}",
                                "check its permissions"))
        return None


_READ = os.O_RDONLY | getattr(os, "O_BINARY", 0)  # os.open's descriptors are not inherited


def _read_file(path: Path | str, limit: int) -> tuple[int, bytes | None]:
    """(size, bytes) of a file, or (size, None) when it is larger than `limit`: what
    path.stat() and path.read_bytes() tell, in five system calls instead of eight (a Python
    file object also asks whether it is a terminal and where it stands), 11,300 times at
    10,000 stories."""
    fd = os.open(path, _READ)
    try:
        size = os.fstat(fd).st_size
        if size > limit:
            return size, None
        chunks = []
        while chunk := os.read(fd, max(size + 1, 65536)):  # to the end, even if it grew
            chunks.append(chunk)
        return size, b"".join(chunks)  # the one chunk itself, when there is one
    finally:
        os.close(fd)


def _decode(raw: bytes, rel: str, problems: list[Problem]) -> str | None:
    try:
        return normalise_text(raw)
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        problems.append(Problem(rel, line, "file is not valid UTF-8",
                                "save it with UTF-8 encoding"))
        return None


def read_content(root: Path, memo: ReadMemo | None = None) -> Sources:
    sources = Sources()
    memo = memo if memo is not None else ReadMemo()
    memo.used = set()
    content = root / "content"
    if content.is_dir():
        for entry in sorted(os.scandir(content), key=lambda e: e.name):
            rel = f"content/{entry.name}"
            if entry.name in IGNORED_NAMES or is_temporary(entry.name):
                continue
            if entry.is_dir():
                if entry.name in SECTIONS:
                    _read_section(root, Path(entry.path), entry.name, sources, memo)
                elif not entry.name.startswith("."):
                    inside = sorted(p for p in Path(entry.path).rglob("*") if p.is_file())
                    where = inside[0].relative_to(root).as_posix() if inside else rel
                    sources.problems.append(Problem(
                        where, 1, f"unknown section '{entry.name}'",
                        did_you_mean(entry.name, SECTIONS)
                        or "sections are " + ", ".join(SECTIONS)))
            elif entry.name == CALENDAR:
                _read_calendar(root, Path(entry.path), rel, sources)
            elif not entry.name.startswith("."):
                hint = did_you_mean(entry.name, [CALENDAR])
                sources.problems.append(Problem(
                    rel, 1, "file outside the known sections",
                    hint or "move it into one of content/" + ", content/".join(SECTIONS)))
    sources.static_files = list_static(root / "static", root, sources.problems)
    list_static(root / "themes", root, sources.problems)  # only to refuse links out of the hub
    for key in [k for k in memo.parsed if k not in memo.used]:
        del memo.parsed[key]
    return sources


def _read_section(root: Path, folder: Path, section: str, sources: Sources,
                  memo: ReadMemo) -> None:
    stats: dict[str, tuple[Stat | None, str]] = {}
    top = str(folder)
    for dirpath, dirnames, filenames in os.walk(folder):
        dirnames.sort()
        inside = dirpath != top
        here = Path(dirpath).relative_to(root).as_posix() + "/"
        for name in sorted(filenames):
            rel = here + name
            if _skipped(name):
                continue
            path = os.path.join(dirpath, name)
            if inside:
                sources.problems.append(Problem(
                    rel, 1, "file in a sub-folder of a section",
                    f"move it directly into content/{section}/"))
                continue
            if not name.endswith(".md"):
                sources.problems.append(Problem(
                    rel, 1, "not a Markdown file, ignored",
                    "content files end in .md; put images and downloads in static/",
                    severity="warning"))
                continue
            known = _known(path, rel, memo)
            if known is not None and (rel, known[1]) not in memo.parsed:
                known = None
            if known is not None:
                stats[rel] = known
                digest = known[1]
            else:
                raw = _read_bytes(Path(path), rel, root, sources.problems)
                if raw is None:
                    continue
                digest = digest_bytes(raw)
                if memo.trust_stat:
                    with contextlib.suppress(OSError):
                        stats[rel] = (_signature(os.lstat(path)), digest)
                if (rel, digest) not in memo.parsed:
                    found = _parse(raw, rel, section, sources.problems)
                    if found is None:
                        continue
                    memo.parsed[(rel, digest)] = found
            memo.used.add((rel, digest))
            _add(sources, rel, digest, memo.parsed[(rel, digest)])
    for rel in [r for r in memo.stats if r.startswith(f"content/{section}/")]:
        del memo.stats[rel]
    memo.stats.update(stats)


def _parse(raw: bytes, rel: str, section: str, problems: list[Problem]
           ) -> SourceFile | Problem | None:
    """A content file's bytes → its front matter and body (or the Problem that stops it);
    None when it cannot even be decoded or named (reported in `problems`)."""
    name = rel.rsplit("/", 1)[-1]
    text = _decode(raw, rel, problems)
    if text is None:
        return None
    slug, prefix = split_name(name[:-3])
    if not SLUG.match(slug):
        problems.append(Problem(
            rel, 1, f"file name '{name}' does not make a web address",
            f"rename it to {(prefix + '-' if prefix else '') + (suggest_slug(slug) or 'a-name')}"
            ".md: lower-case letters, digits and '-'"))
        return None
    return parse(rel, section, slug, prefix, text)


def read_one(root: Path, rel: str, memo: ReadMemo) -> tuple[str, SourceFile] | None:
    """A content file read again after the watcher saw it change, as read_content would read
    it: its digest and parsed form, kept in `memo`. None when it is anything but a readable,
    well-formed content file of a section (a full read then says what is wrong)."""
    parts = rel.split("/")
    if len(parts) != 3 or parts[0] != "content" or parts[1] not in SECTIONS:
        return None
    name = parts[2]
    if not name.endswith(".md") or _skipped(name):
        return None
    path = root / rel
    ignored: list[Problem] = []
    raw = _read_bytes(path, rel, root, ignored)
    if raw is None:
        return None
    digest = digest_bytes(raw)
    parsed = memo.parsed.get((rel, digest)) or _parse(raw, rel, parts[1], ignored)
    if parsed is None or isinstance(parsed, Problem):
        return None
    before = memo.stats.get(rel)
    if before is not None and before[1] != digest:
        memo.parsed.pop((rel, before[1]), None)
        memo.used.discard((rel, before[1]))
    memo.parsed[(rel, digest)] = parsed
    memo.used.add((rel, digest))
    with contextlib.suppress(OSError):
        memo.stats[rel] = (_signature(os.lstat(path)), digest)
    return digest, parsed


def _signature(st: os.stat_result) -> Stat | None:
    """stat_of, or None for a file changed less than RACY_NS ago: a second write within the
    clock's tick could leave all four as they are (git's "racy" files)."""
    if time.time_ns() - max(st.st_mtime_ns, st.st_ctime_ns) < RACY_NS:
        return None
    return stat_of(st)


def _known(path: str, rel: str, memo: ReadMemo) -> tuple[Stat | None, str] | None:
    """The file's last digest when its stat is unchanged and stats are trusted (or, when the
    watcher names every changed path, when it is not among them)."""
    if not memo.trust_stat or rel not in memo.stats:
        return None
    seen = memo.stats[rel]
    if memo.dirty is not None and rel not in memo.dirty:
        return seen
    try:
        now = _signature(os.lstat(path))
    except OSError:
        return None
    return seen if now is not None and now == seen[0] else None


def _add(sources: Sources, rel: str, digest: str, parsed: SourceFile | Problem) -> None:
    if isinstance(parsed, Problem):
        sources.problems.append(parsed)
    else:
        sources.files.append(parsed)
        sources.digests[rel] = digest


def _read_calendar(root: Path, path: Path, rel: str, sources: Sources) -> None:
    raw = _read_bytes(path, rel, root, sources.problems)
    if raw is None:
        return
    text = _decode(raw, rel, sources.problems)
    if text is None:
        return
    doc = load_yaml(rel, text)
    if isinstance(doc, Problem):
        sources.problems.append(doc)
        return
    sources.calendar = Calendar(rel, doc.data, doc.lines)


def list_static(folder: Path, root: Path, problems: list[Problem]) -> list[str]:
    """Files under static/, relative to it, skipping editor leftovers and links outside the hub."""
    found: list[str] = []
    if not folder.is_dir():
        return found
    for dirpath, dirnames, filenames in os.walk(folder):
        dirnames[:] = sorted(d for d in dirnames if not d.startswith("."))
        for name in sorted(filenames):
            if name in IGNORED_NAMES or is_temporary(name):
                continue
            path = Path(dirpath) / name
            if path.is_symlink() and not _inside(path, root):
                problems.append(Problem(
                    path.relative_to(root).as_posix(), 1,
                    "symbolic link points outside the hub",
                    "copy the file into the hub instead of linking to it"))
                continue
            found.append(path.relative_to(folder).as_posix())
    return found
