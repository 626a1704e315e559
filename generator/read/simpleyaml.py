"""The plainest front matter, read without a YAML parser, to the very result of the real one.

Most front matter is a few `key: value` lines, flow lists (`tags: [a, b]`) and block lists
(`- item`). PyYAML, even on libyaml's parser, builds a node per scalar and constructs it in
Python: about 100 µs a file, a second of a 10,000-story build spent before anything can run in
parallel. `read` handles that plain subset line by line and returns what `yamlfile.load_yaml`
would (the same values, of the same types, resolved and constructed by the same YAML resolvers
and constructors, and the same line of every key and item), or None for anything it is not
sure of, which the real parser then reads. `tests/unit/test_simpleyaml.py` holds it to the real
parser on every content file of the example and twir hubs and on random documents of odd text.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

import yaml

# A text with any character the YAML reader refuses or reads as a line break or a tab.
_UNSURE_CHAR = re.compile(
    "[^\n\x20-\x7e\xa0-\u2027\u202a-\ud7ff\ue000-\ufefe\uff00-\ufffd\U00010000-\U0010ffff]"
)
# `key: value` at the start of a line (a key followed by ':' and a space, or by the line end).
_KEY_LINE = re.compile(r"([A-Za-z_][A-Za-z0-9_-]*):(?: +(.*?))? *", re.ASCII)
_ITEM_LINE = re.compile(r"( *)- +(.*?) *", re.ASCII)
# Characters a plain scalar may not start with (or that this reader leaves to the parser).
_INDICATORS = frozenset("-?:,[]{}#&*!|>'\"%@`")
_FLOW_UNSURE = re.compile(r"[\[\]{}'\"#:]")
_CONSTRUCTED = frozenset(f"tag:yaml.org,2002:{name}"
                         for name in ("int", "float", "bool", "null", "timestamp"))


class _Unsure(Exception):
    """Left to the YAML parser."""


def reader(loader_class: type[yaml.SafeLoader]) -> Callable[[str, int], tuple[dict, dict] | None]:
    """`read(text, offset)` → (data, lines) as `loader_class` makes them, or None."""
    resolvers = loader_class.yaml_implicit_resolvers
    if resolvers.get(None):  # resolvers tried on every scalar (none in SafeLoader's)
        return lambda text, offset: None
    constructors = loader_class.yaml_constructors
    constructor = yaml.constructor.SafeConstructor()

    def scalar(text: str) -> Any:
        """A plain scalar's value (`text` is one line, stripped, not empty)."""
        if text[0] in _INDICATORS or " #" in text or ": " in text or text[-1] == ":":
            raise _Unsure
        candidates = resolvers.get(text[0])
        if candidates:
            for tag, regexp in candidates:
                if regexp.match(text):
                    if tag not in _CONSTRUCTED:
                        raise _Unsure
                    return constructors[tag](constructor, yaml.ScalarNode(tag, text))
        return text

    def value(text: str) -> Any:
        """A one-line value: a quoted or plain scalar."""
        first = text[0]
        if first == "'":
            inner = text[1:-1]
            if len(text) < 2 or text[-1] != "'" or "'" in inner.replace("''", ""):
                raise _Unsure
            return inner.replace("''", "'")
        if first == '"':
            inner = text[1:-1]
            if len(text) < 2 or text[-1] != '"' or '"' in inner or "\\" in inner:
                raise _Unsure
            return inner
        return scalar(text)

    def read(text: str, offset: int) -> tuple[dict, dict] | None:
        if _UNSURE_CHAR.search(text):
            return None
        data: dict[str, Any] = {}
        lines: dict[tuple, int] = {}
        open_key: str | None = None  # a key with no value on its line, awaiting `- item`s
        items: list[Any] | None = None
        indent = -1
        try:
            for number, line in enumerate(text.split("\n"), start=1 + offset):
                stripped = line.lstrip(" ")
                if not stripped or stripped[0] == "#":
                    continue
                if stripped[0] == "-" and open_key is not None:
                    match = _ITEM_LINE.fullmatch(line)
                    if match is None or (items is not None and len(match[1]) != indent):
                        raise _Unsure
                    if items is None:
                        items, indent = [], len(match[1])
                        data[open_key] = items
                    lines[(open_key, len(items))] = number
                    item = match[2]
                    if not item or item[0] in "[{":
                        raise _Unsure
                    items.append(value(item))
                    continue
                match = _KEY_LINE.fullmatch(line)
                if match is None:
                    raise _Unsure
                key = match[1]
                if key in data or scalar(key) is not key:
                    raise _Unsure
                lines[(key,)] = number
                open_key, items = None, None
                rest = match[2]
                if not rest:
                    data[key] = None
                    open_key = key
                elif rest[0] == "[":
                    if rest[-1] != "]":
                        raise _Unsure
                    inner = rest[1:-1]
                    if _FLOW_UNSURE.search(inner):
                        raise _Unsure
                    if not inner.strip(" "):
                        data[key] = []
                        continue
                    listed = []
                    for part in inner.split(","):
                        part = part.strip(" ")
                        if not part:
                            raise _Unsure
                        lines[(key, len(listed))] = number
                        listed.append(scalar(part))
                    data[key] = listed
                else:
                    data[key] = value(rest)
        except (_Unsure, ValueError, TypeError, OverflowError, yaml.YAMLError):
            return None
        if not data:
            return None
        return data, lines

    return read
