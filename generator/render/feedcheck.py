"""Every feed is checked (well-formed, required elements, absolute URLs, dates). A failure is
a build error naming the feed and the item. The feeds foyer writes are checked from the texts
their renderer writes into them (rss_facts, atom_facts, json_facts: what the bytes would say,
without reading them back); any other feed, or one holding a character XML refuses, from its
bytes (check_parsed)."""

from __future__ import annotations

import datetime as dt
import functools
import json
import re
import xml.etree.ElementTree as ET
from email.utils import parsedate_to_datetime
from typing import Any
from urllib.parse import urlsplit

from generator.problems import Problem
from generator.render.outputs import Output

ATOM = "{http://www.w3.org/2005/Atom}"
CONTENT = "{http://purl.org/rss/1.0/modules/content/}encoded"
URL_ATTR = re.compile(r"""\s(?:href|src|poster)\s*=\s*["']([^"']*)["']""")
RFC3339 = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?([+-]\d{2}:\d{2}|Z)$")


# What is absolute for sure, without splitting it: a scheme and a host, or mailto:
_ABSOLUTE = re.compile(r"https?://[^/?#\s]|mailto:")


@functools.lru_cache(maxsize=32768)
def _relative_urls(html: str) -> tuple[str, ...]:
    """Memoised: one item's content stands in many feeds and in three formats."""
    return tuple(u for u in URL_ATTR.findall(html or "") if not _ABSOLUTE.match(u) and (
        not urlsplit(u).scheme or not urlsplit(u).netloc and not u.startswith("mailto:")))


def forget() -> None:
    """Drop the memo of item contents (a build's feeds are all checked), and any facts noted
    and not taken."""
    _relative_urls.cache_clear()
    _item_well_formed.cache_clear()
    _NOTED.clear()


def check_outputs(outputs: list[Output]) -> list[Problem]:
    return [p for output in outputs for p in check_output(output)]


def check_output(output: Output) -> list[Problem]:
    """The problems of one output if it is a feed (none if reused: checked when written)."""
    return check_parsed(output)[0]


def check_parsed(output: Output) -> tuple[list[Problem], ET.Element | None]:
    """check_output, and the element tree of an RSS or Atom feed when it parses (the link
    check reads its links from the same tree)."""
    if output.reused:
        return [], None
    name = output.path.rsplit("/", 1)[-1]
    path = f"site/{output.path}"
    if name in ("feed.xml", "atom.xml"):
        root = _parse(path, output.data)
        if isinstance(root, Problem):
            return [root], None
        return (_rss if name == "feed.xml" else _atom)(path, root), root
    if name == "feed.json":
        return _json(path, output.data), None
    return [], None


def _parse(path: str, data: bytes) -> ET.Element | Problem:
    try:
        return ET.fromstring(data)
    except ET.ParseError as exc:
        return Problem(path, exc.position[0], f"feed is not well-formed XML: {exc}",
                       "this is a bug in foyer or the theme; please report it")


def _problem(path: str, item: str, what: str) -> Problem:
    return Problem(path, 1, f"item '{item}': {what}" if item else what,
                   "check the piece's fields; this feed would break in readers")


def _rss(path: str, root: ET.Element) -> list[Problem]:
    out = []
    channel = root.find("channel")
    if root.tag != "rss" or root.get("version") != "2.0" or channel is None:
        return [_problem(path, "", "not an RSS 2.0 document")]
    for required in ("title", "link", "description"):
        if not (channel.findtext(required) or "").strip():
            out.append(_problem(path, "", f"channel has no {required}"))
    for item in channel.findall("item"):
        ident = item.findtext("guid") or item.findtext("link") or "?"
        if not (item.findtext("title") or item.findtext("description")):
            out.append(_problem(path, ident, "no title or description"))
        try:
            parsedate_to_datetime(item.findtext("pubDate") or "")
        except (TypeError, ValueError):
            out.append(_problem(path, ident, "pubDate is not an RFC 822 date"))
        link = item.findtext("link") or ""
        if not urlsplit(link).netloc:
            out.append(_problem(path, ident, f"link is not absolute: {link!r}"))
        for url in _relative_urls(item.findtext(CONTENT) or ""):
            out.append(_problem(path, ident, f"relative URL in content: {url!r}"))
    return out


def _atom(path: str, root: ET.Element) -> list[Problem]:
    out = []
    if root.tag != f"{ATOM}feed":
        return [_problem(path, "", "not an Atom feed")]
    for required in ("id", "title", "updated"):
        if not (root.findtext(ATOM + required) or "").strip():
            out.append(_problem(path, "", f"feed has no {required}"))
    if not RFC3339.match(root.findtext(ATOM + "updated") or ""):
        out.append(_problem(path, "", "feed updated is not an RFC 3339 date"))
    for entry in root.findall(ATOM + "entry"):
        ident = entry.findtext(ATOM + "id") or "?"
        for required in ("id", "title", "updated"):
            if not (entry.findtext(ATOM + required) or "").strip():
                out.append(_problem(path, ident, f"entry has no {required}"))
        for field in ("updated", "published"):
            value = entry.findtext(ATOM + field)
            if value is not None and not RFC3339.match(value):
                out.append(_problem(path, ident, f"{field} is not an RFC 3339 date"))
        for url in _relative_urls(entry.findtext(ATOM + "content") or ""):
            out.append(_problem(path, ident, f"relative URL in content: {url!r}"))
    return out


def _json(path: str, data: bytes) -> list[Problem]:
    try:
        feed = json.loads(data)
    except ValueError as exc:
        return [_problem(path, "", f"not valid JSON: {exc}")]
    out = []
    if feed.get("version") != "https://jsonfeed.org/version/1.1" or not feed.get("title"):
        out.append(_problem(path, "", "JSON Feed needs version 1.1 and a title"))
    ids = set()
    for item in feed.get("items", []):
        ident = str(item.get("id", "?"))
        if not item.get("id") or ident in ids:
            out.append(_problem(path, ident, "missing or repeated id"))
        ids.add(ident)
        if not (item.get("content_html") or item.get("content_text") is not None):
            out.append(_problem(path, ident, "no content_html or content_text"))
        for field in ("date_published", "date_modified"):
            value = item.get(field)
            if value is not None:
                try:
                    parsed = dt.datetime.fromisoformat(value)
                    assert parsed.tzinfo is not None and RFC3339.match(value)
                except (ValueError, AssertionError):
                    out.append(_problem(path, ident, f"{field} is not an RFC 3339 date"))
        for url in _relative_urls(item.get("content_html", "")):
            out.append(_problem(path, ident, f"relative URL in content: {url!r}"))
    return out


# What a renderer knows of a feed it has just written, so that the build need not read the
# bytes again: the problems check_parsed would find in them, and the feed's links (what
# linkcheck.feed_targets would read), by output path. A renderer notes them (note); the build
# takes them (taken) when it examines the output; what is not noted is read from the bytes.
Facts = tuple[list[Problem], tuple[str, ...]]
_NOTED: dict[str, Facts] = {}

# Characters XML 1.0 does not allow (its Char production): a feed holding one, or a lone
# surrogate, is not well-formed; its facts are not noted, so its bytes are parsed and say so
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff\ud800-\udfff]")


def note(path: str, facts: Facts | None) -> None:
    """The facts of the feed just written at `path`; None: its bytes are to be read (and no
    facts an earlier rendering of that path left stand for it)."""
    if facts is None:
        _NOTED.pop(path, None)
    else:
        _NOTED[path] = facts


def taken(path: str) -> Facts | None:
    return _NOTED.pop(path, None)


def _read_back(text: str) -> str:
    """A text as an XML parser gives it back: its line ends made LF (XML 1.0, 2.11)."""
    return text.replace("\r\n", "\n").replace("\r", "\n") if "\r" in text else text


def _well_formed(*texts: str) -> bool:
    return not any(_NOT_XML.search(t) for t in texts)


def rss_facts(path: str, title: str, link: str, description: str, self_url: str,
              language: str, items: Any) -> Facts | None:
    """check_parsed's problems and feed_targets' links of the RSS feed foyer writes from these
    (render/feeds.py rss: `title` and `description` as written, the channel's `link` and
    `self_url`, and feeds.Item objects), without the bytes; None when a text would make the
    XML not well-formed (the bytes are read then)."""
    if not _well_formed(title, link, description, self_url, language) \
            or not all(_item_well_formed(i) for i in items):
        return None
    out = []
    for required, text in (("title", title), ("link", link), ("description", description)):
        if not _read_back(text).strip():
            out.append(_problem(path, "", f"channel has no {required}"))
    targets = [t for t in (_read_back(link), self_url) if t]
    for item in items:
        url = _read_back(item.url)
        ident = _read_back(item.id) or url or "?"
        if not (item.title or item.summary):
            out.append(_problem(path, ident, "no title or description"))
        if not urlsplit(url).netloc:
            out.append(_problem(path, ident, f"link is not absolute: {url!r}"))
        for found in _relative_urls(_read_back(item.html)):
            out.append(_problem(path, ident, f"relative URL in content: {found!r}"))
        if url:
            targets.append(url)
    return out, tuple(targets)


def atom_facts(path: str, ident: str, title: str, updated: str, page_url: str,
               self_url: str, language: str, items: Any) -> Facts | None:
    """rss_facts for the Atom feed (render/feeds.py atom)."""
    if not _well_formed(ident, title, updated, page_url, self_url, language) \
            or not all(_item_well_formed(i) for i in items):
        return None
    out = []
    for required, text in (("id", ident), ("title", title), ("updated", updated)):
        if not _read_back(text).strip():
            out.append(_problem(path, "", f"feed has no {required}"))
    if not RFC3339.match(updated):
        out.append(_problem(path, "", "feed updated is not an RFC 3339 date"))
    targets = [t for t in (page_url, self_url) if t]
    for item in items:
        entry = _read_back(item.id) or "?"
        published = item.published.isoformat()
        for required, text in (("id", item.id), ("title", item.title), ("updated", published)):
            if not _read_back(text).strip():
                out.append(_problem(path, entry, f"entry has no {required}"))
        if not RFC3339.match(published):
            for field in ("updated", "published"):
                out.append(_problem(path, entry, f"{field} is not an RFC 3339 date"))
        for found in _relative_urls(_read_back(item.html)):
            out.append(_problem(path, entry, f"relative URL in content: {found!r}"))
        if item.url:
            targets.append(item.url)
    return out, tuple(targets)


def json_facts(path: str, title: str, items: Any) -> Facts:
    """check_parsed's problems of the JSON Feed foyer writes (render/feeds.py json_feed: its
    version is 1.1, every item has content_html or content_text); JSON holds any text."""
    out = []
    if not title:
        out.append(_problem(path, "", "JSON Feed needs version 1.1 and a title"))
    ids = set()
    for item in items:
        ident = str(item.id)
        if not item.id or ident in ids:
            out.append(_problem(path, ident, "missing or repeated id"))
        ids.add(ident)
        value = item.published.isoformat()
        if item.published.tzinfo is None or not RFC3339.match(value):
            for field in ("date_published", "date_modified"):
                out.append(_problem(path, ident, f"{field} is not an RFC 3339 date"))
        for found in _relative_urls(item.html):
            out.append(_problem(path, ident, f"relative URL in content: {found!r}"))
    return out, ()


@functools.lru_cache(maxsize=32768)
def _item_well_formed(item: Any) -> bool:
    """Memoised: one item stands in many feeds, in two XML formats."""
    return _well_formed(item.id, item.url, item.title, item.summary, item.html,
                        *(t for pair in item.authors for t in pair),
                        *(t for pair in item.tags for t in pair))
