"""Raw front matter → typed fields, against the declarations of model/schema.py.

Collects every problem of a file (unknown keys, missing required fields, wrong types) instead of
stopping at the first.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable
from typing import Any
from zoneinfo import ZoneInfo

from generator.model import fields as coercers
from generator.model.entries import CLASSES, Loop, Piece, Planned, Where, attribute
from generator.model.schema import PLANNED, SECTIONS, Field
from generator.problems import Problems, did_you_mean
from generator.read.discover import Calendar
from generator.read.frontmatter import SourceFile
from generator.read.yamlfile import line_of as yaml_line_of

LineOf = Callable[..., int]


def validate_mapping(
    data: dict[str, Any],
    declared: tuple[Field, ...],
    *,
    path: str,
    line_of: LineOf,
    prefix: tuple[Any, ...],
    env: coercers.Env,
    problems: Problems,
    where: str = "field",
) -> dict[str, Any] | None:
    """Coerce every declared field; report unknown, missing and bad ones. None if any error."""
    by_name = {f.name: f for f in declared}
    values: dict[str, Any] = {}
    ok = True
    for key in data:
        if key not in by_name:
            ok = False
            label = _label(*prefix, key)
            hint = did_you_mean(key, by_name) or "known: " + ", ".join(by_name)
            problems.error(path, line_of(*prefix, key), f"unknown {where} '{label}'", hint)
    if "timezone" in data and "timezone" in by_name and data["timezone"] is not None:
        with contextlib.suppress(coercers.FieldError):  # reported below with the other fields
            env = coercers.Env(ZoneInfo(coercers.timezone(data["timezone"], env)),
                               env.static_files)
    for spec in declared:
        raw = data.get(spec.name)
        if raw is None or raw == "" or raw == []:
            if spec.required:
                ok = False
                line = line_of(*prefix, spec.name) if spec.name in data else line_of(*prefix)
                problems.error(path, line if prefix or spec.name in data else 1,
                               f"missing required {where} '{_label(*prefix, spec.name)}'",
                               f"add a line '{spec.name}: …' — {spec.doc}")
            elif spec.kind == "group":
                values[spec.name] = validate_mapping(
                    {}, spec.fields, path=path, line_of=line_of, prefix=(*prefix, spec.name),
                    env=env, problems=problems, where=where)
            else:
                values[spec.name] = spec.default
            continue
        if spec.kind == "group":
            if not isinstance(raw, dict):
                ok = False
                problems.error(path, line_of(*prefix, spec.name),
                               f"'{_label(*prefix, spec.name)}' must be a map of fields",
                               "write its fields indented on the lines below it: "
                               + ", ".join(f.name for f in spec.fields))
                continue
            sub = validate_mapping(raw, spec.fields, path=path, line_of=line_of,
                                   prefix=(*prefix, spec.name), env=env, problems=problems,
                                   where=where)
            ok = ok and sub is not None
            values[spec.name] = sub
            continue
        try:
            coerce = coercers.COERCERS[spec.kind]
            if spec.kind == "choice":
                values[spec.name] = coerce(raw, env, spec.choices)
            else:
                values[spec.name] = coerce(raw, env)
        except coercers.FieldError as exc:
            ok = False
            key: tuple[Any, ...] = (*prefix, spec.name)
            if exc.index is not None:
                key = (*key, exc.index)
            problems.error(path, line_of(*key), f"'{_label(*prefix, spec.name)}': {exc.message}",
                           exc.hint)
    return values if ok else None


def _label(*key: Any) -> str:
    return ".".join(str(k) for k in key if not isinstance(k, int))


def validate_piece(source: SourceFile, env: coercers.Env, hub_language: str,
                   problems: Problems) -> Piece | None:
    declared = SECTIONS[source.section]
    values = validate_mapping(source.data, declared, path=source.path, line_of=source.line,
                              prefix=(), env=env, problems=problems)
    if values is None:
        return None
    cls = CLASSES[source.section]
    kwargs: dict[str, Any] = {attribute(k): v for k, v in values.items() if v is not None}
    if "where" in kwargs:
        kwargs["where"] = Where(**(kwargs["where"] or {}))
    if "loop" in kwargs:
        kwargs["loop"] = Loop(**(kwargs["loop"] or {}))
    if source.section == "rituals" and kwargs.get("timezone") is None:
        kwargs["timezone"] = str(env.tz)
    kwargs["lang"] = kwargs.get("lang") or hub_language
    if kwargs.get("draft") is None:
        kwargs["draft"] = False
    return cls(slug=source.slug, source=source.path, body=source.body,
               body_line=source.body_line, lines=source.lines, **kwargs)


def validate_calendar(calendar: Calendar, env: coercers.Env, problems: Problems) -> list[Planned]:
    data = calendar.data
    if data is None:
        return []
    if isinstance(data, dict) and set(data) == {"planned"}:
        data = data["planned"]
    if not isinstance(data, list):
        problems.error(calendar.path, 1, "calendar.yaml must be a list of planned pieces",
                       "start each piece with '- date: …'")
        return []

    def line_of(*key: Any) -> int:
        return yaml_line_of(calendar.lines, *key)

    planned = []
    for index, item in enumerate(data):
        if not isinstance(item, dict):
            problems.error(calendar.path, line_of(index), "a planned piece must be a map",
                           "write '- date: …' then 'title: …' and 'intent: …' below it")
            continue
        values = validate_mapping(item, PLANNED, path=calendar.path, line_of=line_of,
                                  prefix=(index,), env=env, problems=problems)
        if values is None:
            continue
        planned.append(Planned(source=calendar.path, line=line_of(index), **values))
    return planned
