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
import xml.etree.ElementTree as ET
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from email.utils import format_datetime
from urllib.parse import urlsplit

from generator.model import routes
from generator.model.entries import Newsletter, Piece, Resource, Story
from generator.model.hub import Hub
from generator.render.outputs import Output, Site
from generator.render.urls import absolutize

ATOM = "http://www.w3.org/2005/Atom"
DC = "http://purl.org/dc/elements/1.1/"
CONTENT = "http://purl.org/rss/1.0/modules/content/"
ET.register_namespace("atom", ATOM)
ET.register_namespace("dc", DC)
ET.register_namespace("content", CONTENT)
FORBIDDEN = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ufffe\uffff\ud800-\udfff]")
XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"
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


def rss(feed: Feed, site: Site) -> bytes:
    absolute = site.theme.absolute
    root = ET.Element("rss", {"version": "2.0"})
    channel = ET.SubElement(root, "channel")
    ET.SubElement(channel, "title").text = clean(feed.title)
    ET.SubElement(channel, "link").text = feed.page_url
    ET.SubElement(channel, "description").text = clean(site.hub.config.description or feed.title)
    ET.SubElement(channel, f"{{{ATOM}}}link", {
        "href": absolute(site.hub.config.base_path + feed.folder + "feed.xml"),
        "rel": "self", "type": "application/rss+xml"})
    ET.SubElement(channel, "language").text = site.hub.config.language
    ET.SubElement(channel, "lastBuildDate").text = format_datetime(_updated(feed, site.hub.now))
    ET.SubElement(channel, "generator").text = "foyer"
    for item in feed.items:
        node = ET.SubElement(channel, "item")
        ET.SubElement(node, "title").text = item.title
        ET.SubElement(node, "link").text = item.url
        ET.SubElement(node, "guid", {"isPermaLink": "false"}).text = item.id
        ET.SubElement(node, "pubDate").text = format_datetime(item.published)
        for name, _ in item.authors:
            ET.SubElement(node, f"{{{DC}}}creator").text = clean(name)
        for _, name in item.tags:
            ET.SubElement(node, "category").text = name
        ET.SubElement(node, "description").text = item.summary
        if item.html:
            ET.SubElement(node, f"{{{CONTENT}}}encoded").text = item.html
    return _xml(root)


def atom(feed: Feed, site: Site) -> bytes:
    absolute = site.theme.absolute
    root = ET.Element("feed", {"xmlns": ATOM, XML_LANG: site.hub.config.language})
    ET.SubElement(root, "id").text = feed.page_url
    ET.SubElement(root, "title").text = clean(feed.title)
    ET.SubElement(root, "updated").text = _updated(feed, site.hub.now).isoformat()
    ET.SubElement(root, "link", {"rel": "alternate", "type": "text/html",
                                              "href": feed.page_url})
    ET.SubElement(root, "link", {
        "rel": "self", "type": "application/atom+xml",
        "href": absolute(site.hub.config.base_path + feed.folder + "atom.xml")})
    author = ET.SubElement(root, "author")
    ET.SubElement(author, "name").text = clean(site.hub.config.title)
    ET.SubElement(root, "generator").text = "foyer"
    for item in feed.items:
        entry = ET.SubElement(root, "entry")
        ET.SubElement(entry, "id").text = item.id
        ET.SubElement(entry, "title").text = item.title
        ET.SubElement(entry, "link", {"rel": "alternate", "type": "text/html",
                                                   "href": item.url})
        ET.SubElement(entry, "published").text = item.published.isoformat()
        ET.SubElement(entry, "updated").text = item.published.isoformat()
        for name, url in item.authors:
            person = ET.SubElement(entry, "author")
            ET.SubElement(person, "name").text = clean(name)
            ET.SubElement(person, "uri").text = url
        for slug, name in item.tags:
            ET.SubElement(entry, "category", {"term": slug, "label": name})
        if item.summary:
            ET.SubElement(entry, "summary").text = item.summary
        if item.html:
            ET.SubElement(entry, "content", {"type": "html"}).text = item.html
    return _xml(root)


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
    return (json.dumps(data, ensure_ascii=False, indent=2) + "\n").encode("utf-8")


def _xml(root: ET.Element) -> bytes:
    ET.indent(root, space="  ")
    return ET.tostring(root, encoding="utf-8", xml_declaration=True) + b"\n"


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
