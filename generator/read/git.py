"""Who wrote what, from one `git log` over content/: each file's commits, oldest first, with
renames followed. No git, a shallow clone or no repository: a warning and no history."""

from __future__ import annotations

import datetime as dt
import subprocess
from dataclasses import dataclass, field
from pathlib import Path

from generator.problems import Problem

RECORD, UNIT = "\x1e", "\x1f"


@dataclass(frozen=True)
class Commit:
    author: str  # after .mailmap
    email: str
    when: dt.datetime
    created: bool  # this commit added the file


@dataclass(frozen=True)
class History:
    by_path: dict[str, tuple[Commit, ...]] = field(default_factory=dict)  # hub-relative paths
    prefix: str = ""  # the hub's folder inside the repository ("" at its root)
    available: bool = False


def _git(root: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(["git", "-C", str(root), "-c", "core.quotepath=off", *args],
                          capture_output=True, text=True, timeout=300)


GIT_STATE = ("HEAD", "index", "logs/HEAD", "shallow")


def git_state(root: Path) -> list[tuple[str, int, int]]:
    """(file, mtime_ns, size) of what moves when the history does (a commit, a checkout, a
    fetch into a shallow clone), in the repository holding `root` (a parent folder too)."""
    top = next((p for p in (root.resolve(), *root.resolve().parents) if (p / ".git").exists()),
               root)
    signature = []
    for name in GIT_STATE:
        try:
            st = (top / ".git" / name).stat()
            signature.append((name, st.st_mtime_ns, st.st_size))
        except OSError:
            signature.append((name, 0, 0))
    return signature


def read_history(root: Path) -> tuple[History, list[Problem]]:
    def unavailable(why: str) -> tuple[History, list[Problem]]:
        return History(), [Problem("hub.yaml", 1, f"no git history: {why}",
                                   "contributions, 'updated' dates and edit links need the "
                                   "full history: clone without --depth", severity="warning")]

    try:
        top = _git(root, "rev-parse", "--show-toplevel")
    except (OSError, subprocess.SubprocessError):
        return unavailable("git is not installed")
    if top.returncode != 0:
        return unavailable("this hub is not in a git repository")
    shallow = _git(root, "rev-parse", "--is-shallow-repository")
    if shallow.stdout.strip() == "true":
        return unavailable("this is a shallow clone")
    prefix = Path(root).resolve().relative_to(Path(top.stdout.strip()).resolve()).as_posix()
    prefix = "" if prefix == "." else prefix + "/"
    log = _git(root, "log", "--no-color", "-M", "--name-status",
               f"--format={RECORD}%aN{UNIT}%aE{UNIT}%aI", "--", "content")
    if log.returncode != 0:
        return unavailable(log.stderr.strip() or "git log failed")
    final: dict[str, str] = {}  # a path's name today, following renames (newest first)
    newest_first: dict[str, list[Commit]] = {}
    for record in log.stdout.split(RECORD)[1:]:
        header, _, changes = record.partition("\n")
        name, email, when = header.split(UNIT)
        moment = dt.datetime.fromisoformat(when)
        for line in changes.splitlines():
            parts = line.split("\t")
            if len(parts) < 2:
                continue
            status = parts[0][:1]
            if status == "R" and len(parts) == 3:
                old, new = parts[1], parts[2]
                final[old] = final.get(new, new)
                path = final[old]
                created = False
            else:
                path = final.get(parts[1], parts[1])
                created = status == "A"
            if status == "D":
                continue
            newest_first.setdefault(path, []).append(Commit(name, email, moment, created))
    by_path = {}
    for path, commits in newest_first.items():
        if prefix and not path.startswith(prefix):
            continue
        by_path[path[len(prefix):]] = tuple(reversed(commits))
    return History(by_path, prefix, True), []
