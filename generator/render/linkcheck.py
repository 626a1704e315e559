"""After rendering: every internal href/src and #anchor in every page and feed must resolve to a
written file or an id. External links are not fetched."""

from __future__ import annotations

import hashlib
import re
import xml.etree.ElementTree as ET
from collections.abc import Callable, Container
from dataclasses import dataclass
from html import unescape
from html.parser import HTMLParser
from posixpath import dirname, join, normpath
from urllib.parse import unquote, urlsplit

from generator.problems import Problem

LINK_ATTRIBUTES = {"href", "src", "poster"}


class _Links(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.links: list[tuple[int, str]] = []
        self.ids: set[str] = set()

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        _collect(tag, attrs, self.getpos()[0], self.links, self.ids)

    handle_startendtag = handle_starttag


# The same (line, link) stands on most pages (the header, the menu, the footer): kept once.
# The link check keeps every page's links to the end of a build (and in the cache): at 10,000
# stories, 700,000 links of which 60,000 differ.
_SHARED: dict[tuple[int, str], tuple[int, str]] = {}
_SHARED_MAX = 500_000


def _shared(line: int, link: str) -> tuple[int, str]:
    pair = (line, link)
    found = _SHARED.get(pair)
    if found is None:
        if len(_SHARED) >= _SHARED_MAX:
            _SHARED.clear()
        found = _SHARED[pair] = pair
    return found


def shared(page: PageLinks) -> PageLinks:
    """`page` with its (line, link) pairs shared with other pages' (one read in another
    process and sent here)."""
    return PageLinks(tuple(_shared(line, link) for line, link in page.links), page.ids)


def _collect(tag: str, attrs: list[tuple[str, str | None]], line: int,
             links: list[tuple[int, str]], ids: set[str]) -> None:
    """One start tag's anchors (ids, and names of <a>) and links (href, src, poster, srcset)."""
    for name, value in attrs:
        if value is None:
            continue
        if name in ("id", "name") and (name == "id" or tag == "a"):
            ids.add(value)
        elif name in LINK_ATTRIBUTES and not (tag == "link" and _skip_link(attrs)):
            links.append(_shared(line, value))
        elif name == "srcset":
            for candidate in value.split(","):
                if candidate.strip():
                    links.append(_shared(line, candidate.strip().split()[0]))


def _skip_link(attrs: list[tuple[str, str | None]]) -> bool:
    rel = dict(attrs).get("rel") or ""
    return "canonical" in rel or "alternate" in rel and "hreflang" in dict(attrs)


@dataclass(frozen=True)
class PageLinks:
    links: tuple[tuple[int, str], ...]  # (line, link)
    ids: frozenset[str]


def page_links(data: bytes) -> PageLinks:
    """The links (with their lines) and anchors of a page: by regular expressions over the
    well-formed tags foyer's templates and sanitiser write, else by the HTML parser."""
    text = data.decode("utf-8", "replace")
    return _page_links_quick(text) or _page_links_parsed(text)


def _page_links_parsed(text: str) -> PageLinks:
    parser = _Links()
    parser.feed(text)
    parser.close()
    return PageLinks(tuple(parser.links), frozenset(parser.ids))


_ATTRIBUTE = re.compile(r'([a-zA-Z_:][-a-zA-Z0-9_:.]*)(?:="([^"]*)")?')
_RAW_TEXT = {"script": re.compile(r"</script", re.I), "style": re.compile(r"</style", re.I)}


# The quick reader reads start tags whose attributes are bare names or name="value", and
# passes over what the parser skips (comments, the doctype, end tags); anything else at a '<'
# sends the page to the parser. What it passes over in one step of the regex engine: text,
# comments, the doctype, end tags, start tags with no attribute _collect reads (a name of
# LINK_ATTRIBUTES, id, name or srcset with a value), and script/style elements' text. It stops
# at a start tag that has one (read in the same step), or at markup it does not read.
_NAME = r"[a-zA-Z_:][-a-zA-Z0-9_:.]*"
_PLAIN_ATTRIBUTES = (r'(?:\s+(?!(?i:href|src|poster|srcset|id|name)=)' + _NAME
                     + r'(?:="[^"]*")?)*\s*/?>')
_RAW = r"(?i:script|style)(?![a-zA-Z0-9-])"
_SKIP = re.compile(
    r'(?:[^<]++|<!--.*?-->|<![dD][oO][cC][tT][yY][pP][eE][^<>]*>|</[a-zA-Z][^<>]*>'
    r'|<(?!' + _RAW + r')[a-zA-Z][a-zA-Z0-9-]*' + _PLAIN_ATTRIBUTES
    + r'|<(?i:script)(?![a-zA-Z0-9-])' + _PLAIN_ATTRIBUTES + r'.*?(?=</(?i:script))'
    + r'|<(?i:style)(?![a-zA-Z0-9-])' + _PLAIN_ATTRIBUTES + r'.*?(?=</(?i:style)))*+', re.S)


# One step of the quick reader: what it passes over, then the start tag it stopped at, if any:
# most are <a href="…"> with no other attribute read (group 1: the link, nothing to unescape),
# the others are read attribute by attribute (group 2: the tag, 3: its attributes).
_STEP = re.compile(_SKIP.pattern + r'(?:<a href="([^"&]*)"' + _PLAIN_ATTRIBUTES
                   + r'|<([a-zA-Z][a-zA-Z0-9-]*)((?:\s+' + _NAME + r'(?:="[^"]*")?)*)\s*/?>)?',
                   re.S)


def _page_links_quick(text: str) -> PageLinks | None:
    """What _Links finds, or None when the page holds markup this does not read as it does."""
    links: list[tuple[int, str]] = []
    ids: set[str] = set()
    line, counted = 1, 0
    size = len(text)
    step, attributes = _STEP.match, _ATTRIBUTE.findall
    position = 0
    while True:
        match = step(text, position)
        link, tag, given = match.groups()
        if link is not None:  # <a href="…">
            start = match.start(1) - 9
            line += text.count("\n", counted, start)
            counted = start
            links.append(_shared(line, link))
            position = match.end()
            continue
        if tag is None:  # the end, or markup this does not read
            if match.end() < size:
                return None
            return PageLinks(tuple(links), frozenset(ids))
        # a start tag with links or anchors (or a script or style element)
        tag = tag.lower()
        if given:
            start = match.start(2) - 1
            line += text.count("\n", counted, start)
            counted = start
            _collect(tag, [(name.lower(), None if value is None else
                            unescape(value) if "&" in value else value)
                           for name, value in attributes(given)], line, links, ids)
        position = match.end()
        raw = _RAW_TEXT.get(tag)
        if raw is not None:  # script and style: text up to their end tag
            closing = raw.search(text, position)
            if closing is None:
                return None
            position = closing.start()


def feed_targets(data: bytes | ET.Element) -> tuple[str, ...]:
    """The links of a feed (channel and items) to pages of the site, to check; from its bytes
    or its element tree."""
    if isinstance(data, ET.Element):
        root = data
    else:
        try:
            root = ET.fromstring(data)
        except ET.ParseError:
            return ()  # the feed check reports it
    targets = []
    for element in root.iter():
        target = element.text if element.tag == "link" else element.get("href") \
            if element.tag.endswith("}link") else None
        if target:
            targets.append(target)
    return tuple(targets)


def is_page(path: str) -> bool:
    return path.endswith(".html") and not path.endswith("email.html")


def is_xml_feed(path: str) -> bool:
    return path.endswith(("feed.xml", "atom.xml"))


def check_facts(pages: dict[str, PageLinks], feeds: dict[str, tuple[str, ...]],
                files: set[str], base_path: str, site_host: str,
                ignore_prefixes: tuple[str, ...] = (),
                only: Container[str] | None = None) -> list[Problem]:
    """Broken links and anchors, from every page's links and ids (or only those of the pages
    `only` names) and every feed's targets."""
    problems: list[Problem] = []
    # most links are the same on many pages (menus, cards, tags): a link that does not depend on
    # the page holding it (a root-relative path, no #anchor) is checked once
    known: dict[str, str | None] = {}
    for path, found in sorted(pages.items()):
        if only is not None and path not in only:
            continue
        for line, link in found.links:
            same_anywhere = link.startswith("/") and "#" not in link
            problem = known.get(link, "") if same_anywhere else ""
            if problem == "":
                problem = _check(path, link, files, pages, base_path, site_host, ignore_prefixes)
                if same_anywhere:
                    known[link] = problem
            if problem:
                problems.append(Problem(f"site/{path}", line, problem,
                                        "fix the link in the content, or the page it points to"))
    for path, targets in sorted(feeds.items()):
        for target in targets:
            problem = _check(path, target, files, pages, base_path, site_host, ignore_prefixes)
            if problem:
                problems.append(Problem(f"site/{path}", 1, problem,
                                        "this is a bug in foyer; please report it"))
    return problems


# The last link check: a digest of the site's file list, and each page's broken links
LinkChecks = tuple[str, dict[str, list[Problem]]]


def check_site(pages: dict[str, PageLinks], feeds: dict[str, tuple[str, ...]], files: set[str],
               base_path: str, site_host: str, *, fresh: set[str],
               checked: LinkChecks | None, known: Callable[[str], PageLinks] | None,
               ignore_prefixes: tuple[str, ...] = ()) -> tuple[list[Problem], LinkChecks]:
    """check_facts for a build that knows the last check (`checked`) and each page's last links
    and ids (`known`): when the site's files are the last check's and the pages rendered again
    (`fresh`) kept their ids, a page that was not rendered again has the broken links it had,
    and only the others are checked."""
    listing = hashlib.blake2b("\n".join(sorted(files)).encode(), digest_size=16).hexdigest()
    only: set[str] | None = None
    if checked is not None and checked[0] == listing and known is not None:
        try:
            if all(known(p).ids == pages[p].ids for p in fresh):
                only = fresh
        except OSError:
            pass
    found = check_facts(pages, feeds, files, base_path, site_host, ignore_prefixes, only)
    by_page: dict[str, list[Problem]] = {}
    if only is not None:
        assert checked is not None
        by_page = {p: list(v) for p, v in checked[1].items() if p not in fresh and p in pages}
    in_feeds = []
    for problem in found:
        page = problem.path[len("site/"):]
        if page in pages:
            by_page.setdefault(page, []).append(problem)
        else:
            in_feeds.append(problem)
    ordered = [p for page in sorted(by_page) for p in by_page[page]]
    return ordered + in_feeds, (listing, {p: v for p, v in by_page.items() if v})


def _check(page: str, link: str, files: set[str], pages: dict[str, PageLinks], base_path: str,
           site_host: str, ignore_prefixes: tuple[str, ...]) -> str | None:
    parts = urlsplit(link)
    if parts.scheme in ("http", "https") and parts.netloc == site_host:
        path = parts.path
    elif parts.scheme or parts.netloc or link.startswith(("mailto:", "tel:", "data:")):
        return None
    else:
        path = parts.path
    if not path:
        target = page
    else:
        if path.startswith("/"):
            if not path.startswith(base_path):
                return f"broken link '{link}' (outside the site's base path {base_path})"
            target = path[len(base_path):]
        else:
            target = normpath(join(dirname(page), unquote(path)))
            if target == ".":
                target = ""
        target = unquote(target)
        if any(target.startswith(p) for p in ignore_prefixes):
            return None
        if target.endswith("/") or target == "":
            target += "index.html"
        elif target not in files and target + "/index.html" in files:
            target += "/index.html"
        if target.startswith("..") or target not in files:
            return f"broken link '{link}'"
    if parts.fragment and target.endswith(".html"):
        found = pages.get(target)
        if found is not None and unquote(parts.fragment) not in found.ids:
            return f"broken anchor '{link}' (no id '{parts.fragment}' on {target})"
    return None
