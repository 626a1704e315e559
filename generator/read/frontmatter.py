"""Split a Markdown file into its YAML front matter (with key lines) and its body."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from generator.problems import Problem
from generator.read.yamlfile import KeyPath, line_of, load_yaml


@dataclass(frozen=True)
class SourceFile:
    """One content file as read: raw front matter, the line of every key, the body."""

    path: str  # relative to the hub, posix
    section: str
    slug: str
    data: dict[str, Any]
    lines: dict[KeyPath, int] = field(repr=False)
    body: str = field(repr=False)
    body_line: int = 1  # file line of the first body line
    prefix_date: str = ""  # YYYY-MM-DD from the file name, if any

    def line(self, *key: Any) -> int:
        """The line of a key (or of its closest parent), else of the opening '---'."""
        return line_of(self.lines, *key)


def normalise_text(raw: bytes) -> str:
    text = raw.decode("utf-8-sig")
    if "\r" in text:
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    return text


def split(path: str, text: str) -> tuple[str, str, int] | Problem:
    """(front matter text, body, body's first line) or a problem."""
    if not text.startswith("---") or text[3:4] not in ("\n", " ", "\t", ""):
        return Problem(
            path,
            1,
            "no front matter",
            "start the file with a line '---', then the fields such as 'title: …', then '---'",
        )
    first_break = text.find("\n")
    if first_break == -1:
        return Problem(path, 1, "front matter is not closed", "add a line '---' after the fields")
    rest = text[first_break + 1 :]
    lines = rest.split("\n")
    for index, line in enumerate(lines):
        if line.rstrip() in ("---", "..."):
            front = "\n".join(lines[:index])
            body = "\n".join(lines[index + 1 :])
            return front, body, index + 3  # line 1 is '---', front lines, closing line
    return Problem(path, 1, "front matter is not closed", "add a line '---' after the fields")


def parse(path: str, section: str, slug: str, prefix_date: str, text: str) -> SourceFile | Problem:
    parts = split(path, text)
    if isinstance(parts, Problem):
        return parts
    front, body, body_line = parts
    doc = load_yaml(path, front, offset=1)
    if isinstance(doc, Problem):
        return doc
    data = doc.data
    if data is None:
        data = {}
    if not isinstance(data, dict):
        return Problem(
            path, 2, "front matter must be a list of 'key: value' fields",
            "write one 'key: value' per line between the '---' lines",
        )
    bad_keys = [k for k in data if not isinstance(k, str)]
    if bad_keys:
        return Problem(path, 2, f"field name {bad_keys[0]!r} is not text", "field names are words")
    return SourceFile(path, section, slug, data, doc.lines, body, body_line, prefix_date)
