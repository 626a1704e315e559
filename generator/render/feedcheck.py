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
    channel = root.find("channel")
    if root.tag != "rss" or root.get("version") != "2.0" or channel is None:
        return [_problem(path, "", "not an RSS 2.0 document")]
    return _rss_rules(path, channel.findtext("title"), channel.findtext("link"),
                      channel.findtext("description"),
                      [(item.findtext("guid"), item.findtext("link"), item.findtext("title"),
                        item.findtext("description"), _rfc822(item.findtext("pubDate")),
                        item.findtext(CONTENT)) for item in channel.findall("item")])


def _atom(path: str, root: ET.Element) -> list[Problem]:
    if root.tag != f"{ATOM}feed":
        return [_problem(path, "", "not an Atom feed")]
    return _atom_rules(path, root.findtext(ATOM + "id"), root.findtext(ATOM + "title"),
                       root.findtext(ATOM + "updated"),
                       [(entry.findtext(ATOM + "id"), entry.findtext(ATOM + "title"),
                         entry.findtext(ATOM + "updated"), entry.findtext(ATOM + "published"),
                         entry.findtext(ATOM + "content"))
                        for entry in root.findall(ATOM + "entry")])


def _json(path: str, data: bytes) -> list[Problem]:
    try:
        feed = json.loads(data)
    except ValueError as exc:
        return [_problem(path, "", f"not valid JSON: {exc}")]
    return _json_rules(
        path, feed.get("version") == JSON_FEED and bool(feed.get("title")),
        [(str(item.get("id", "?")), bool(item.get("id")),
          bool(item.get("content_html") or item.get("content_text") is not None),
          tuple((f, item[f]) for f in _JSON_DATES if item.get(f) is not None),
          item.get("content_html", "")) for item in feed.get("items", [])])


# The rules, on the texts a reader gets from a feed: read from its bytes (above), or given by
# the renderer that wrote them (rss_facts, atom_facts, json_facts, below). A text is None
# where its element or key is missing.
RssItem = tuple["str | None", "str | None", "str | None", "str | None", bool, "str | None"]
AtomEntry = tuple["str | None", "str | None", "str | None", "str | None", "str | None"]
JsonItem = tuple[str, bool, bool, tuple[tuple[str, str], ...], str]
JSON_FEED = "https://jsonfeed.org/version/1.1"
_JSON_DATES = ("date_published", "date_modified")


def _rss_rules(path: str, title: str | None, link: str | None, description: str | None,
               items: list[RssItem]) -> list[Problem]:
    """Items: guid, link, title, description, whether pubDate is an RFC 822 date, content."""
    out = _missing(path, "", "channel",
                   (("title", title), ("link", link), ("description", description)))
    for guid, url, heading, summary, dated, content in items:
        ident = guid or url or "?"
        if not (heading or summary):
            out.append(_problem(path, ident, "no title or description"))
        if not dated:
            out.append(_problem(path, ident, "pubDate is not an RFC 822 date"))
        if not urlsplit(url or "").netloc:
            out.append(_problem(path, ident, f"link is not absolute: {url or ''!r}"))
        out.extend(_relative(path, ident, content))
    return out


def _atom_rules(path: str, ident: str | None, title: str | None, updated: str | None,
                entries: list[AtomEntry]) -> list[Problem]:
    """Entries: id, title, updated, published, content."""
    out = _missing(path, "", "feed", (("id", ident), ("title", title), ("updated", updated)))
    if not RFC3339.match(updated or ""):
        out.append(_problem(path, "", "feed updated is not an RFC 3339 date"))
    for entry_id, heading, changed, published, content in entries:
        entry = entry_id or "?"
        out.extend(_missing(path, entry, "entry",
                            (("id", entry_id), ("title", heading), ("updated", changed))))
        for field, value in (("updated", changed), ("published", published)):
            if value is not None and not RFC3339.match(value):
                out.append(_problem(path, entry, f"{field} is not an RFC 3339 date"))
        out.extend(_relative(path, entry, content))
    return out


def _json_rules(path: str, headed: bool, items: list[JsonItem]) -> list[Problem]:
    """`headed`: version 1.1 and a title. Items: id as shown, whether it has one, whether it
    has content_html or content_text, its dates (field, value), content_html."""
    out = [] if headed else [_problem(path, "", "JSON Feed needs version 1.1 and a title")]
    ids = set()
    for ident, has_id, has_content, dates, html in items:
        if not has_id or ident in ids:
            out.append(_problem(path, ident, "missing or repeated id"))
        ids.add(ident)
        if not has_content:
            out.append(_problem(path, ident, "no content_html or content_text"))
        for field, value in dates:
            if not _rfc3339_aware(value):
                out.append(_problem(path, ident, f"{field} is not an RFC 3339 date"))
        out.extend(_relative(path, ident, html))
    return out


def _missing(path: str, ident: str, whole: str,
             texts: tuple[tuple[str, str | None], ...]) -> list[Problem]:
    return [_problem(path, ident, f"{whole} has no {name}")
            for name, text in texts if not (text or "").strip()]


def _relative(path: str, ident: str, html: str | None) -> list[Problem]:
    return [_problem(path, ident, f"relative URL in content: {url!r}")
            for url in _relative_urls(html or "")]


def _rfc822(text: str | None) -> bool:
    try:
        parsedate_to_datetime(text or "")
    except (TypeError, ValueError):
        return False
    return True


def _rfc3339_aware(value: str) -> bool:
    try:
        return dt.datetime.fromisoformat(value).tzinfo is not None and bool(RFC3339.match(value))
    except ValueError:
        return False


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
    """What check_parsed and linkcheck.feed_targets would find in the RSS feed at `path` that
    render/feeds.py rss writes from these (`title` and `description` as written, the
    channel's `link` and `self_url`, feeds.Item objects; its pubDate by
    email.utils.format_datetime, an RFC 822 date), without its bytes; None when a text would
    make the XML not well-formed (the bytes are read then)."""
    if not _well_formed(title, link, description, self_url, language) \
            or not all(_item_well_formed(i) for i in items):
        return None
    read = [(_read_back(i.id), _read_back(i.url), _read_back(i.title), _read_back(i.summary),
             True, _read_back(i.html)) for i in items]
    problems = _rss_rules(f"site/{path}", _read_back(title), _read_back(link),
                          _read_back(description), read)
    targets = [t for t in (_read_back(link), self_url, *(r[1] for r in read)) if t]
    return problems, tuple(targets)


def atom_facts(path: str, title: str, updated: str, page_url: str, self_url: str,
               language: str, items: Any) -> Facts | None:
    """rss_facts for the Atom feed render/feeds.py atom writes (its id is `page_url`)."""
    if not _well_formed(title, updated, page_url, self_url, language) \
            or not all(_item_well_formed(i) for i in items):
        return None
    entries = []
    for item in items:
        published = item.published.isoformat()
        entries.append((_read_back(item.id), _read_back(item.title), published, published,
                        _read_back(item.html)))
    problems = _atom_rules(f"site/{path}", _read_back(page_url), _read_back(title), updated,
                           entries)
    targets = [t for t in (page_url, self_url, *(i.url for i in items)) if t]
    return problems, tuple(targets)


def json_facts(path: str, title: str, items: Any) -> Facts:
    """What check_parsed would find in the JSON Feed render/feeds.py json_feed writes (version
    1.1, content_html or content_text in every item); JSON holds any text."""
    read = []
    for item in items:
        published = item.published.isoformat()
        read.append((str(item.id), bool(item.id), True,
                     tuple((field, published) for field in _JSON_DATES), item.html))
    return _json_rules(f"site/{path}", bool(title), read), ()


@functools.lru_cache(maxsize=32768)
def _item_well_formed(item: Any) -> bool:
    """Memoised: one item stands in many feeds, in two XML formats."""
    return _well_formed(item.id, item.url, item.title, item.summary, item.html,
                        *(t for pair in item.authors for t in pair),
                        *(t for pair in item.tags for t in pair))
