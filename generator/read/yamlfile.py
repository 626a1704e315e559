"""YAML text → (data, line of every key), with YAML errors as located problems."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import yaml

from generator.problems import Problem
from generator.read import simpleyaml

# A key path: ("where", "online") or ("except", 0).
KeyPath = tuple[Any, ...]

MAX_NODES = 20_000  # walking an alias bomb must stay bounded
MAX_DEPTH = 12  # front matter deeper than this is a mistake or an attack


class _Loader(yaml.SafeLoader):
    """SafeLoader without YAML 1.1 booleans for yes/no/on/off (the 'Norway problem')."""


# libyaml's parser (about ten times faster) with the same resolvers and constructors; any text
# it refuses is parsed again by the pure-Python loader, whose messages users see.
_FastLoader: type[yaml.SafeLoader] | None = None
if getattr(yaml, "__with_libyaml__", False):
    from yaml.cyaml import CParser

    class _CLoader(CParser, yaml.constructor.SafeConstructor,  # type: ignore[misc]
                   yaml.resolver.Resolver):
        def __init__(self, stream: str) -> None:
            CParser.__init__(self, stream)
            yaml.constructor.SafeConstructor.__init__(self)
            yaml.resolver.Resolver.__init__(self)

    _FastLoader = _CLoader  # type: ignore[assignment]

for _cls in (_Loader, *([_FastLoader] if _FastLoader else [])):
    _cls.yaml_implicit_resolvers = {
        first: [(tag, regexp) for tag, regexp in resolvers if tag != "tag:yaml.org,2002:bool"]
        for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
    }
    _cls.add_implicit_resolver(
        "tag:yaml.org,2002:bool",
        __import__("re").compile(r"^(?:true|True|TRUE|false|False|FALSE)$"),
        list("tTfF"),
    )


def _lenient_timestamp(loader: yaml.SafeLoader, node: yaml.Node) -> object:
    """A date-looking value that is not a real date stays text, for a located error later."""
    try:
        return yaml.SafeLoader.construct_yaml_timestamp(loader, node)
    except (ValueError, OverflowError):
        return loader.construct_scalar(node)  # type: ignore[arg-type]


_Loader.add_constructor("tag:yaml.org,2002:timestamp", _lenient_timestamp)
if _FastLoader is not None:
    _FastLoader.add_constructor("tag:yaml.org,2002:timestamp", _lenient_timestamp)


def line_of(lines: dict[KeyPath, int], *key: Any) -> int:
    """The line of a key, or of its closest parent that has one, else 1 (the opening line)."""
    while key:
        if key in lines:
            return lines[key]
        key = key[:-1]
    return 1


@dataclass(frozen=True)
class YamlDoc:
    data: Any
    lines: dict[KeyPath, int]


def _count_alias_fanout(node: yaml.Node) -> tuple[int, int]:
    """(nodes reached when aliases are expanded, capped at MAX_NODES + 1; deepest level)."""
    seen = 0
    deepest = 0
    stack = [(node, 1)]
    while stack:
        current, depth = stack.pop()
        seen += 1
        deepest = max(deepest, depth)
        if seen > MAX_NODES or deepest > MAX_DEPTH:
            return seen, deepest
        if isinstance(current, yaml.MappingNode):
            for key, value in current.value:
                stack.append((key, depth + 1))
                stack.append((value, depth + 1))
        elif isinstance(current, yaml.SequenceNode):
            stack.extend((item, depth + 1) for item in current.value)
    return seen, deepest


def _record_lines(node: yaml.Node, offset: int) -> dict[KeyPath, int]:
    lines: dict[KeyPath, int] = {}
    stack: list[tuple[KeyPath, yaml.Node]] = [((), node)]
    while stack:
        path, current = stack.pop()
        if len(path) > 4:
            continue
        if isinstance(current, yaml.MappingNode):
            for key, value in current.value:
                if isinstance(key, yaml.ScalarNode):
                    sub = (*path, key.value)
                    lines[sub] = key.start_mark.line + 1 + offset
                    stack.append((sub, value))
        elif isinstance(current, yaml.SequenceNode):
            for index, item in enumerate(current.value):
                sub = (*path, index)
                lines[sub] = item.start_mark.line + 1 + offset
                stack.append((sub, item))
    return lines


_read_simple = simpleyaml.reader(_FastLoader or _Loader)


def load_yaml(path: str, text: str, offset: int = 0) -> YamlDoc | Problem:
    """Parse one YAML document; `offset` is the number of file lines before `text`."""
    simple = _read_simple(text, offset)
    if simple is not None:
        return YamlDoc(*simple)
    if _FastLoader is not None:
        fast = _load(path, text, offset, _FastLoader)
        if isinstance(fast, YamlDoc):
            return fast
    return _load(path, text, offset, _Loader)


def _load(path: str, text: str, offset: int, cls: type[yaml.SafeLoader]) -> YamlDoc | Problem:
    try:
        loader = cls(text)
    except yaml.reader.ReaderError as exc:
        line = text[: exc.position].count("\n") + 1 + offset
        return Problem(path, line, f"character U+{exc.character:04X} is not allowed in YAML",
                       "remove the invisible control character")
    try:
        node = loader.get_single_node()
        if node is None:
            return YamlDoc(None, {})
        count, depth = _count_alias_fanout(node)
        if count > MAX_NODES:
            return Problem(
                path,
                node.start_mark.line + 1 + offset,
                "YAML too large once its aliases are expanded",
                "remove the '*' aliases and write the values out",
            )
        if depth > MAX_DEPTH:
            return Problem(path, node.start_mark.line + 1 + offset,
                           f"YAML nested more than {MAX_DEPTH} levels deep",
                           "fields are at most a map of lists; flatten the values")
        data = loader.construct_document(node)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = (mark.line + 1 + offset) if mark else offset + 1
        what = (exc.problem or exc.context or "invalid YAML").strip()
        return Problem(path, line, f"YAML syntax error: {what}", _yaml_hint(what))
    except RecursionError:
        return Problem(path, offset + 1, f"YAML nested more than {MAX_DEPTH} levels deep",
                       "fields are at most a map of lists; flatten the values")
    except (yaml.YAMLError, ValueError, TypeError, OverflowError) as exc:
        return Problem(path, offset + 1, f"YAML error: {exc}", "check the YAML syntax")
    finally:
        loader.dispose()
    return YamlDoc(data, _record_lines(node, offset))


def _yaml_hint(what: str) -> str:
    if "mapping values are not allowed" in what:
        return "quote a value that contains ': ', e.g. title: 'Bilan : 2025'"
    if "found character '\\t'" in what:
        return "indent with spaces, not tabs"
    if "could not find expected ':'" in what:
        return "each line needs 'key: value'; quote values that span lines"
    if "found undefined alias" in what or "found unhashable key" in what:
        return "quote values that start with '*', '&', '[' or '{'"
    return "check quotes and indentation around this line"
