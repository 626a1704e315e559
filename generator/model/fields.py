"""Coercers: one raw YAML value → one typed value, or a FieldError saying how to fix it."""

from __future__ import annotations

import datetime as dt
import functools
import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError, available_timezones

from dateutil import rrule as du_rrule

from generator.problems import did_you_mean
from generator.read.discover import split_name


class FieldError(ValueError):
    def __init__(self, message: str, hint: str = "", index: int | None = None):
        super().__init__(message)
        self.message = message
        self.hint = hint
        self.index = index  # position in a list value, for the line


@dataclass(frozen=True)
class Env:
    """What coercion needs besides the value: the zone for naive times, the static files."""

    tz: dt.tzinfo
    static_files: frozenset[str] = frozenset()


def text(value: Any, env: Env) -> str:
    if isinstance(value, bool) or value is None or isinstance(value, list | dict):
        raise FieldError(f"expected text, got {_describe(value)}", "write it as plain text")
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value).strip()


def word(value: Any, env: Env) -> str:
    result = text(value, env).lower()
    if not result:
        raise FieldError("is empty", "write one word")
    return result


def integer(value: Any, env: Env) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        if isinstance(value, str) and value.strip().isdigit():
            return int(value)
        raise FieldError(f"expected a whole number, got {_describe(value)}", "write e.g. 3")
    return value


def boolean(value: Any, env: Env) -> bool:
    if isinstance(value, bool):
        return value
    raise FieldError(f"expected true or false, got {_describe(value)}", "write true or false")


def date(value: Any, env: Env) -> dt.date:
    if isinstance(value, dt.datetime):
        if value.tzinfo is not None:
            return value.astimezone(env.tz).date()
        return value.date()
    if isinstance(value, dt.date):
        return value
    if isinstance(value, str):
        try:
            return dt.date.fromisoformat(value.strip())
        except ValueError:
            try:
                return datetime(value, env).date()
            except FieldError:
                pass
    raise FieldError(f"not a valid date: {_show(value)}", "write YYYY-MM-DD, e.g. 2026-03-14")


def datetime(value: Any, env: Env) -> dt.datetime:
    """An aware datetime; a date is midnight, a time without offset is local to `env.tz`."""
    if isinstance(value, str):
        raw = value.strip()
        try:
            value = dt.datetime.fromisoformat(raw.replace(" ", "T", 1) if "T" not in raw else raw)
        except ValueError:
            try:
                value = dt.date.fromisoformat(raw)
            except ValueError:
                raise FieldError(
                    f"not a valid date or date-time: {_show(raw)}",
                    "write YYYY-MM-DD or YYYY-MM-DDTHH:MM, optionally with an offset like +01:00",
                ) from None
    if isinstance(value, dt.datetime):
        if value.tzinfo is None:
            return value.replace(tzinfo=env.tz)
        return value
    if isinstance(value, dt.date):
        return dt.datetime(value.year, value.month, value.day, tzinfo=env.tz)
    raise FieldError(f"expected a date, got {_describe(value)}", "write YYYY-MM-DD")


def dates(value: Any, env: Env) -> tuple[dt.date, ...]:
    return tuple(_each(value, date, env))


DURATION = re.compile(r"^(?:(\d+)\s*d)?\s*(?:(\d+)\s*h)?\s*(?:(\d+)\s*(?:m|min|mn)?)?$", re.I)
ISO_DURATION = re.compile(
    r"^P(?:(\d+)W)?(?:(\d+)D)?(?:T(?:(\d+)H)?(?:(\d+)M)?(?:(\d+)S)?)?$", re.I)


def duration(value: Any, env: Env) -> dt.timedelta:
    hint = "write e.g. 90m, 1h30, 2h, 2d or PT1H30M"
    if isinstance(value, bool) or not isinstance(value, str | int):
        raise FieldError(f"not a valid duration: {_show(value)}", hint)
    raw = str(value).strip()
    iso = ISO_DURATION.match(raw)
    if iso and raw.upper() not in ("P", "PT"):
        weeks, days, hours, minutes, seconds = (int(g or 0) for g in iso.groups())
        result = dt.timedelta(weeks=weeks, days=days, hours=hours, minutes=minutes,
                              seconds=seconds)
    else:
        match = DURATION.match(raw)
        if not match or not raw or raw.isdigit() or not any(match.groups()):
            raise FieldError(f"not a valid duration: {_show(value)}", hint)
        days, hours, minutes = (int(g or 0) for g in match.groups())
        if match.group(3) and not match.group(2) and not re.search(r"m|mn|min", raw, re.I):
            raise FieldError(f"not a valid duration: {_show(value)}", hint)
        result = dt.timedelta(days=days, hours=hours, minutes=minutes)
    if result <= dt.timedelta(0):
        raise FieldError("duration must be longer than zero", hint)
    return result


def rrule(value: Any, env: Env) -> str:
    hint = "write an RFC 5545 rule such as FREQ=WEEKLY;BYDAY=TH or FREQ=MONTHLY;BYDAY=1TU"
    if not isinstance(value, str) or not value.strip():
        raise FieldError(f"not a valid repeat rule: {_show(value)}", hint)
    raw = value.strip()
    if raw.upper().startswith("RRULE:"):
        raw = raw[6:]
    raw = raw.upper().replace(" ", "")
    if "FREQ=" not in raw:
        raise FieldError(f"repeat rule has no FREQ: {_show(value)}", hint)
    if "DTSTART" in raw:
        raise FieldError("repeat rule must not hold DTSTART", "the first date goes in `starts`")
    try:
        du_rrule.rrulestr(raw, dtstart=dt.datetime(2000, 1, 1))  # noqa: DTZ001 (rule check only)
    except (ValueError, TypeError, KeyError) as exc:
        raise FieldError(f"not a valid repeat rule: {_show(value)} ({exc})", hint) from None
    return raw


def timezone(value: Any, env: Env) -> str:
    if not isinstance(value, str) or not value.strip():
        raise FieldError(f"not a time zone: {_show(value)}", "write an IANA name like Europe/Paris")
    name = value.strip()
    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError, OSError):
        hint = did_you_mean(name, available_timezones()) or "write an IANA name like Europe/Paris"
        raise FieldError(f"unknown time zone {_show(name)}", hint) from None
    return name


def _absolute_url(raw: str) -> bool:
    parts = urlsplit(raw)
    return parts.scheme in ("http", "https") and bool(parts.netloc)


def url(value: Any, env: Env) -> str:
    raw = text(value, env)
    if _absolute_url(raw) or raw.startswith("mailto:"):
        return raw
    raise FieldError(f"not an absolute URL: {_show(raw)}", "write it with https://")


def base_url(value: Any, env: Env) -> str:
    raw = url(value, env)
    return raw if raw.endswith("/") else raw + "/"


def static_path(raw: str, env: Env) -> str:
    """A path under static/ → its canonical form without a leading slash."""
    path = raw.lstrip("/")
    if path.startswith("static/") and path[7:] in env.static_files:
        path = path[7:]
    parts = path.split("/")
    if ".." in parts or "\\" in path or raw.startswith("//") or ":" in parts[0]:
        raise FieldError(f"path leaves static/: {_show(raw)}",
                         "write a path inside static/, like /images/photo.jpg")
    if path not in env.static_files:
        hint = did_you_mean(path, env.static_files) or "put the file in static/ or use a URL"
        raise FieldError(f"no file static/{path}", hint)
    return path


def image(value: Any, env: Env) -> str:
    """An absolute URL, or '/path' for a file under static/."""
    raw = text(value, env)
    if _absolute_url(raw):
        return raw
    if urlsplit(raw).scheme:
        raise FieldError(f"not an image URL or a path: {_show(raw)}",
                         "use https:// or a file under static/")
    return "/" + static_path(raw, env)


def link(value: Any, env: Env) -> str:
    """An absolute URL, a mailto:, or a site path (checked later against the site)."""
    raw = text(value, env)
    if _absolute_url(raw) or raw.startswith("mailto:"):
        return raw
    if urlsplit(raw).scheme:
        raise FieldError(f"not a URL or a path: {_show(raw)}", "use https:// or a path")
    if raw.lstrip("/") in env.static_files or raw.lstrip("/").startswith("static/"):
        return "/" + static_path(raw, env)
    if ".." in raw.split("/"):
        raise FieldError(f"path leaves the site: {_show(raw)}", "write an absolute URL or a path")
    return raw


LANG = re.compile(r"^[A-Za-z]{2,3}(?:-[A-Za-z0-9]{2,8})*$")


def lang(value: Any, env: Env) -> str:
    raw = text(value, env)
    if not LANG.match(raw):
        raise FieldError(f"not a language tag: {_show(raw)}", "write a BCP 47 tag like fr or en-CA")
    primary, *rest = raw.split("-")
    return "-".join([primary.lower(), *(r.upper() if len(r) == 2 else r for r in rest)])


SLUG = re.compile(r"^[a-z0-9][a-z0-9_-]*$")


def slug(value: Any, env: Env) -> str:
    raw = text(value, env)
    if raw.endswith(".md"):
        raw = raw[:-3]
    raw = raw.rsplit("/", 1)[-1]
    if not SLUG.match(raw):
        raise FieldError(f"not a slug: {_show(raw)}", "write the file name without .md")
    return raw


def slugs(value: Any, env: Env) -> tuple[str, ...]:
    result = tuple(_each(value, slug, env))
    return tuple(dict.fromkeys(result))


def texts(value: Any, env: Env) -> tuple[str, ...]:
    return tuple(t for t in _each(value, text, env) if t)


def tags(value: Any, env: Env) -> tuple[str, ...]:
    if isinstance(value, str):
        value = value.split(",")
    result = []
    for index, item in enumerate(_listify(value)):
        name = text(item, env) if not isinstance(item, list | dict) else None
        if not name or not tag_slug(name):
            raise FieldError(f"empty or unusable tag {_show(item)}",
                             "a tag needs letters or digits", index)
        result.append(name)
    return tuple(dict.fromkeys(result))


def links(value: Any, env: Env) -> tuple[tuple[str, str], ...]:
    if not isinstance(value, dict):
        raise FieldError(f"expected a map of name: URL, got {_describe(value)}",
                         "write e.g. 'website: https://…' on its own indented line")
    result = []
    for key, item in value.items():
        target = text(item, env)
        if not (_absolute_url(target) or target.startswith("mailto:")):
            raise FieldError(f"link '{key}' is not an absolute URL: {_show(target)}",
                             "write it with https://")
        result.append((str(key), target))
    return tuple(result)


REF = re.compile(r"^(stories|resources|rituals)/([a-z0-9][a-z0-9_-]*)$")


def refs(value: Any, env: Env) -> tuple[str, ...]:
    result = []
    for index, item in enumerate(_listify(value)):
        raw = text(item, env).strip("/")
        if raw.endswith(".md"):
            raw = raw[:-3]
        section, _, name = raw.partition("/")
        name = split_name(name)[0]
        raw = f"{section}/{name}"
        if not REF.match(raw):
            raise FieldError(f"not a reference: {_show(item)}",
                             "write stories/<slug>, resources/<slug> or rituals/<slug>", index)
        result.append(raw)
    return tuple(result)


def choice(value: Any, env: Env, choices: tuple[str, ...] = ()) -> str:
    raw = text(value, env).lower()
    if raw not in choices:
        hint = did_you_mean(raw, choices) or "one of " + ", ".join(choices)
        raise FieldError(f"{_show(raw)} is not one of {', '.join(choices)}", hint)
    return raw


@functools.lru_cache(maxsize=4096)
def tag_slug(name: str) -> str:
    """'Logiciel Libre' and 'logiciel-libre' → 'logiciel-libre'; accents folded."""
    folded = unicodedata.normalize("NFKD", name)
    folded = "".join(c for c in folded if not unicodedata.combining(c)).lower()
    return re.sub(r"[^a-z0-9]+", "-", folded).strip("-")


def _listify(value: Any) -> list[Any]:
    if value is None:
        return []
    if isinstance(value, list | tuple):
        return list(value)
    if isinstance(value, dict):
        raise FieldError("expected a list, got a map", "write '- item' lines or [a, b]")
    return [value]


def _each(value: Any, coerce: Callable[[Any, Env], Any], env: Env) -> list[Any]:
    result = []
    for index, item in enumerate(_listify(value)):
        try:
            result.append(coerce(item, env))
        except FieldError as exc:
            exc.index = index
            raise
    return result


def _describe(value: Any) -> str:
    if value is None:
        return "nothing"
    if isinstance(value, bool):
        return "true/false"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, dict):
        return "a map"
    if isinstance(value, int | float):
        return f"the number {value}"
    return _show(value)


def _show(value: Any) -> str:
    shown = str(value)
    if len(shown) > 60:
        shown = shown[:57] + "…"
    return f"'{shown}'"


COERCERS: dict[str, Callable[..., Any]] = {
    "text": text, "word": word, "int": integer, "bool": boolean, "date": date,
    "datetime": datetime, "dates": dates, "duration": duration, "rrule": rrule,
    "timezone": timezone, "url": url, "base_url": base_url, "image": image, "link": link,
    "lang": lang, "slug": slug, "slugs": slugs, "texts": texts, "tags": tags, "links": links,
    "refs": refs, "choice": choice,
}
