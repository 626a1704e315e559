"""RSS 2.0, Atom 1.0 and JSON Feed 1.1 for the hub, its dated sections, each tag and member.

Items are stories, newsletter issues and resources with an `added` date. Ids are tag: URIs built
from the section and slug, so they survive a title change. Every URL inside item content is made
absolute, and characters XML forbids are removed.
"""

from __future__ import annotations

import datetime as dt
import functools
import json
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from email.utils import format_datetime
from urllib.parse import urlsplit
from xml.sax.saxutils import escape as _escaped

from generator.model import routes
from generator.model.entries import Newsletter, Piece, Resource, Story
from generator.model.hub import Hub
from generator.render import feedcheck
from generator.render.outputs import Output, Site
from generator.render.urls import absolutize

ATOM = "http://www.w3.org/2005/Atom"
DC = "http://purl.org/dc/elements/1.1/"
CONTENT = "http://purl.org/rss/1.0/modules/content/"
FORBIDDEN = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ufffe\uffff\ud800-\udfff]")
EPOCH = dt.datetime(2000, 1, 1, tzinfo=dt.UTC)


def clean(text: str) -> str:
    return FORBIDDEN.sub("", text)


@dataclass(frozen=True)
class Item:
    id: str
    url: str
    title: str
    published: dt.datetime
    summary: str
    html: str
    authors: tuple[tuple[str, str], ...]  # (name, absolute url)
    tags: tuple[tuple[str, str], ...]  # (slug, name)
    image: str | None


@dataclass(frozen=True)
class Feed:
    folder: str  # "" or "stories/" …
    title: str
    page_url: str  # absolute
    items: tuple[Item, ...]


def feed_items(hub: Hub, pieces: list[Piece]) -> list[Piece]:
    dated = [p for p in pieces if isinstance(p, Story | Newsletter)
             or (isinstance(p, Resource) and p.added is not None)]
    dated = [p for p in dated if not p.translation_of]
    dated.sort(key=lambda p: (p.sort_date or EPOCH, p.key), reverse=True)
    return dated[: hub.config.feed_items]


def feed_specs(site: Site) -> list[tuple[str, str | None, Callable[[], list[Piece]]]]:
    """(folder, name, its items when asked) of every feed: the site, its dated sections, tags
    and members."""
    hub = site.hub
    words = site.theme.words.get(site.theme.language(hub.config.language), {})

    def spec(folder: str, name: str | None, pieces: Callable[[], list[Piece]]
             ) -> tuple[str, str | None, Callable[[], list[Piece]]]:
        return folder, name, lambda: feed_items(hub, pieces())  # gathered only when rendered

    specs = [spec("", None, lambda: [*hub.stories, *hub.newsletters, *hub.resources]),
             spec("stories/", str(words.get("stories", "Stories")), lambda: list(hub.stories)),
             spec("newsletters/", str(words.get("newsletters", "Newsletter")),
                  lambda: list(hub.newsletters))]
    for tag in hub.tags:
        specs.append(spec(routes.tag_path(tag.slug), f"#{tag.name}",
                          lambda tag=tag: [p for p in tag.pieces if p.sort_date is not None]))
    for member in hub.members:
        if member.translation_of:
            continue
        specs.append(spec(routes.piece_path("members", member.slug), member.name,
                          lambda slug=member.slug: [*hub.stories_of(slug),
                                                    *hub.resources_by(slug)]))
    return specs


def make_feed(site: Site, folder: str, name: str | None, items: list[Piece]) -> Feed:
    hub = site.hub
    title = hub.config.title
    full = f"{title} · {name}" if name else title
    url = site.theme.absolute(hub.config.base_path + folder)
    return Feed(folder, full, url, tuple(_item(site, p) for p in items))


def _item(site: Site, piece: Piece) -> Item:
    hub = site.hub
    absolute = site.theme.absolute
    page = absolute(piece.url)
    host = urlsplit(hub.config.base_url).hostname or "localhost"
    when = piece.sort_date or EPOCH
    body = site.bodies.get(piece.key)
    summary = getattr(piece, "summary", None) or (body.excerpt if body else "")
    html = absolutize(body.html, page) if body and hub.config.feed_full_content else ""
    slugs = getattr(piece, "members", None) or getattr(piece, "contributed_by", None) or ()
    authors = tuple((m.name, absolute(m.url)) for m in (hub.member(s) for s in slugs) if m)
    image = getattr(piece, "image", None)
    return Item(
        id=f"tag:{host},{when.date().isoformat()}:{piece.section}/{piece.slug}",
        url=page, title=clean(getattr(piece, "title", piece.slug)), published=when,
        summary=clean(summary), html=clean(html), authors=authors,
        tags=tuple((s, clean(n)) for s, n in hub.tag_slugs(piece)),
        image=absolute(hub.config.base_path + image.lstrip("/"))
        if image and "://" not in image else image)


def _updated(feed: Feed, now: dt.datetime) -> dt.datetime:
    return max((i.published for i in feed.items), default=now)


# RSS and Atom are written as text: the bytes ElementTree would write for the same elements
# (indented by ET.indent, serialised by ET.tostring with its declaration), which its serialiser
# made at one Python call and one write per piece of text, most of a feed's cost.
# tests/unit/test_feed_xml.py holds them to ElementTree on real hubs and odd text.
_DECLARATION = "<?xml version='1.0' encoding='utf-8'?>\n"


# ElementTree's escaping of text (&, <, >) and of an attribute value (also ", CR, LF, tab)
_ATTRIBUTE_ENTITIES = {'"': "&quot;", "\r": "&#13;", "\n": "&#10;", "\t": "&#09;"}


def _quoted(value: str) -> str:
    return _escaped(value, _ATTRIBUTE_ENTITIES)


def _leaf(out: list[str], indent: str, tag: str, text: str | None, attributes: str = "") -> None:
    """An element with text only; ElementTree writes an empty one as <tag />."""
    if text:
        out.append(f"{indent}<{tag}{attributes}>{_escaped(text)}</{tag}>\n")
    else:
        out.append(f"{indent}<{tag}{attributes} />\n")


def _document(out: list[str]) -> bytes:
    out[-1] = out[-1].rstrip("\n")  # the root's closing tag ends the text, then one newline
    return (_DECLARATION + "".join(out) + "\n").encode("utf-8", "xmlcharrefreplace")


def rss(feed: Feed, site: Site) -> bytes:
    absolute = site.theme.absolute
    config = site.hub.config
    declared = [f' xmlns:atom="{ATOM}"']  # the prefixes used, in their order
    if any(item.html for item in feed.items):
        declared.append(f' xmlns:content="{CONTENT}"')
    if any(item.authors for item in feed.items):
        declared.append(f' xmlns:dc="{DC}"')
    out = [f'<rss{"".join(declared)} version="2.0">\n', "  <channel>\n"]
    title, description = clean(feed.title), clean(config.description or feed.title)
    _leaf(out, "    ", "title", title)
    _leaf(out, "    ", "link", feed.page_url)
    _leaf(out, "    ", "description", description)
    path = feed.folder + "feed.xml"
    self_url = absolute(config.base_path + path)
    feedcheck.note(path, feedcheck.rss_facts(path, title, feed.page_url, description, self_url,
                                             config.language, feed.items))
    self_url = _quoted(self_url)
    out.append(f'    <atom:link href="{self_url}" rel="self" type="application/rss+xml" />\n')
    _leaf(out, "    ", "language", config.language)
    _leaf(out, "    ", "lastBuildDate", format_datetime(_updated(feed, site.hub.now)))
    out.append("    <generator>foyer</generator>\n")
    for item in feed.items:
        out.append("    <item>\n")
        _leaf(out, "      ", "title", item.title)
        _leaf(out, "      ", "link", item.url)
        _leaf(out, "      ", "guid", item.id, ' isPermaLink="false"')
        _leaf(out, "      ", "pubDate", format_datetime(item.published))
        for name, _ in item.authors:
            _leaf(out, "      ", "dc:creator", clean(name))
        for _, name in item.tags:
            _leaf(out, "      ", "category", name)
        _leaf(out, "      ", "description", item.summary)
        if item.html:
            _leaf(out, "      ", "content:encoded", item.html)
        out.append("    </item>\n")
    out.append("  </channel>\n</rss>\n")
    return _document(out)


def atom(feed: Feed, site: Site) -> bytes:
    absolute = site.theme.absolute
    config = site.hub.config
    out = [f'<feed xmlns="{ATOM}" xml:lang="{_quoted(config.language)}">\n']
    title, updated = clean(feed.title), _updated(feed, site.hub.now).isoformat()
    _leaf(out, "  ", "id", feed.page_url)
    _leaf(out, "  ", "title", title)
    _leaf(out, "  ", "updated", updated)
    out.append(f'  <link rel="alternate" type="text/html" href="{_quoted(feed.page_url)}" />\n')
    path = feed.folder + "atom.xml"
    self_url = absolute(config.base_path + path)
    feedcheck.note(path, feedcheck.atom_facts(path, title, updated, feed.page_url, self_url,
                                              config.language, feed.items))
    self_url = _quoted(self_url)
    out.append(f'  <link rel="self" type="application/atom+xml" href="{self_url}" />\n')
    out.append("  <author>\n")
    _leaf(out, "    ", "name", clean(config.title))
    out.append("  </author>\n  <generator>foyer</generator>\n")
    for item in feed.items:
        out.append("  <entry>\n")
        _leaf(out, "    ", "id", item.id)
        _leaf(out, "    ", "title", item.title)
        out.append(f'    <link rel="alternate" type="text/html" href="{_quoted(item.url)}" />\n')
        published = item.published.isoformat()
        _leaf(out, "    ", "published", published)
        _leaf(out, "    ", "updated", published)
        for name, url in item.authors:
            out.append("    <author>\n")
            _leaf(out, "      ", "name", clean(name))
            _leaf(out, "      ", "uri", url)
            out.append("    </author>\n")
        for slug, name in item.tags:
            out.append(f'    <category term="{_quoted(slug)}" label="{_quoted(name)}" />\n')
        if item.summary:
            _leaf(out, "    ", "summary", item.summary)
        if item.html:
            _leaf(out, "    ", "content", item.html, ' type="html"')
        out.append("  </entry>\n")
    out.append("</feed>\n")
    return _document(out)


def json_feed(feed: Feed, site: Site) -> bytes:
    absolute = site.theme.absolute
    data: dict[str, object] = {
        "version": "https://jsonfeed.org/version/1.1",
        "title": clean(feed.title),
        "home_page_url": feed.page_url,
        "feed_url": absolute(site.hub.config.base_path + feed.folder + "feed.json"),
        "language": site.hub.config.language,
        "items": [],
    }
    if site.hub.config.description:
        data["description"] = clean(site.hub.config.description)
    items = []
    for item in feed.items:
        entry: dict[str, object] = {"id": item.id, "url": item.url, "title": item.title,
                                    "date_published": item.published.isoformat(),
                                    "date_modified": item.published.isoformat()}
        if item.html:
            entry["content_html"] = item.html
        else:
            entry["content_text"] = item.summary
        if item.summary:
            entry["summary"] = item.summary
        if item.authors:
            entry["authors"] = [{"name": n, "url": u} for n, u in item.authors]
        if item.tags:
            entry["tags"] = [name for _, name in item.tags]
        if item.image:
            entry["image"] = item.image
        items.append(entry)
    data["items"] = items
    path = feed.folder + "feed.json"
    feedcheck.note(path, feedcheck.json_facts(path, str(data["title"]), feed.items))
    return (json_text(data) + "\n").encode("utf-8")


_STRING = json.encoder.encode_basestring  # the encoder of json.dumps(ensure_ascii=False)


def json_text(value: object) -> str:
    """json.dumps(value, ensure_ascii=False, indent=2), without its generator per container
    and item (most of a JSON feed's cost). tests/unit/test_feed_xml.py holds it to json.dumps."""
    out: list[str] = []
    try:
        _json(value, "\n", out)
    except _NotPlain:
        return json.dumps(value, ensure_ascii=False, indent=2)
    return "".join(out)


class _NotPlain(Exception):
    """A key that is not a string: json.dumps has its own rules for those."""


def _json(value: object, newline: str, out: list[str]) -> None:
    kind = type(value)
    if kind is str:
        out.append(_STRING(value))
    elif kind is dict:
        if not value:
            out.append("{}")
            return
        inner = newline + "  "
        separator = "{" + inner
        for key, item in value.items():  # type: ignore[attr-defined]
            if type(key) is not str:
                raise _NotPlain
            out.append(separator + _STRING(key) + ": ")
            separator = "," + inner
            _json(item, inner, out)
        out.append(newline + "}")
    elif kind is list or kind is tuple:
        if not value:
            out.append("[]")
            return
        inner = newline + "  "
        separator = "[" + inner
        for item in value:  # type: ignore[attr-defined]
            out.append(separator)
            separator = "," + inner
            _json(item, inner, out)
        out.append(newline + "]")
    else:  # numbers, booleans, null: rare here
        out.append(json.dumps(value, ensure_ascii=False, indent=2))


LEAVES = ("feed.xml", "atom.xml", "feed.json")


def render(site: Site) -> Iterator[Output]:
    for folder, name, find_items in feed_specs(site):
        same = [site.untouched(folder + leaf) for leaf in LEAVES]
        if all(same):
            yield from (o for o in same if o is not None)
            continue
        items = find_items()
        # an empty feed is dated by the build's clock
        inputs = ("feed", folder, name, items, None if items else site.hub.now)
        # built once for its three formats, and only if one of them is rendered
        feed = functools.cache(functools.partial(make_feed, site, folder, name, items))
        for leaf, write, kept in zip(LEAVES, (rss, atom, json_feed), same, strict=True):
            yield kept or site.output(folder + leaf, inputs,
                                      lambda _, write=write, feed=feed: write(feed(), site))
