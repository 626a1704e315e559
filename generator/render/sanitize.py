"""HTML in content is sanitised (nh3, the Rust ammonia bindings): no script, no event handler,
no javascript:/data: URL (but data:image/ in images), no style (but a table cell's
alignment, as Markdown writes it), no form, no unknown element;
common formatting, tables, <details>, images and iframes from allowed hosts are kept."""

from __future__ import annotations

import re
from collections.abc import Iterable
from html.parser import HTMLParser
from urllib.parse import urlsplit

import nh3

# An iframe whose src was refused is dropped whole (an empty frame would still be announced).
EMPTY_IFRAME = re.compile(r"<iframe(?: (?!src=)[a-z-]+(?:=\"[^\"]*\")?)*>\s*</iframe>")

DEFAULT_EMBEDS = ("www.youtube.com", "www.youtube-nocookie.com", "youtube.com",
                  "player.vimeo.com", "www.dailymotion.com", "framatube.org",
                  "peertube.fr", "w.soundcloud.com", "open.spotify.com")
TAGS = set(nh3.ALLOWED_TAGS) | {"section", "input", "label", "iframe", "video", "audio",
                                 "source", "picture", "track", "s", "details", "summary"}
TAGS -= {"map", "area"}
GLOBAL = {"id", "class", "title", "lang", "dir"}
ATTRIBUTES = {
    "*": GLOBAL,
    "a": {"href", "hreflang", "rel", "target"},
    "img": {"src", "srcset", "sizes", "alt", "width", "height", "loading", "decoding"},
    "source": {"src", "srcset", "type", "media", "sizes"},
    "video": {"src", "poster", "controls", "width", "height", "preload", "loop", "muted"},
    "audio": {"src", "controls", "preload", "loop"},
    "track": {"src", "kind", "srclang", "label"},
    "iframe": {"src", "width", "height", "allow", "allowfullscreen", "loading",
               "referrerpolicy"},
    "input": {"type", "checked", "disabled"},
    "label": {"for"},
    "td": {"colspan", "rowspan", "align", "style"},
    "th": {"colspan", "rowspan", "align", "scope", "style"},
    "ol": {"start", "reversed", "type"}, "li": {"value"},
    "time": {"datetime"}, "data": {"value"}, "abbr": set(), "q": {"cite"},
    "blockquote": {"cite"}, "del": {"cite", "datetime"}, "ins": {"cite", "datetime"},
    "col": {"span"}, "colgroup": {"span"}, "details": {"open"},
}
URL_SCHEMES = {"http", "https", "mailto", "tel", "webcal", "data"}
URL_ATTRIBUTES = {"href", "src", "srcset", "poster", "cite"}
# The one style kept: a table column's alignment, as Markdown writes it (| --: |)
ALIGNED = re.compile(r"text-align:(?:left|center|right)")
DANGEROUS = {"script", "style", "iframe", "object", "embed", "form", "input", "button",
             "textarea", "select", "base", "meta", "link", "frame", "frameset", "applet",
             "svg", "math", "template"}


def _attribute_filter(embeds: frozenset[str]):  # type: ignore[no-untyped-def]
    def keep(element: str, attribute: str, value: str) -> str | None:
        if element == "input" and attribute == "type":
            return value if value == "checkbox" else None
        if attribute in URL_ATTRIBUTES:
            if element != "iframe" and value.startswith(("http://", "https://", "/", "#")):
                return value  # most URLs: no data: scheme, kept as the rules below would
            scheme = urlsplit(value.strip()).scheme.lower()
            low = value.strip().lower()
            if scheme == "data" and not (element in ("img", "source")
                                         and low.startswith("data:image/")
                                         and not low.startswith("data:image/svg")):
                return None
            if element == "iframe" and attribute == "src":
                host = (urlsplit(value).hostname or "").lower()
                return value if scheme == "https" and host in embeds else None
        if element == "a" and attribute == "target":
            return value if value == "_blank" else None
        if attribute == "style":
            return value if ALIGNED.fullmatch(value) else None
        return value
    return keep


def clean(html: str, embeds: Iterable[str] = DEFAULT_EMBEDS) -> str:
    allowed = frozenset(h.lower() for h in embeds)
    return EMPTY_IFRAME.sub("", nh3.clean(html, tags=TAGS, clean_content_tags={"script", "style"},
                     attributes=ATTRIBUTES, attribute_filter=_attribute_filter(allowed),
                     strip_comments=True, link_rel=None, url_schemes=URL_SCHEMES))


# What nh3 makes of the HTML markdown-it writes for Markdown without raw HTML, by string rules
# (render/markdown_rs.py uses it; tests/test_markdown_rs.py holds it to nh3 on every such
# body of the example, twir and generated hubs and on random documents). html5ever writes
# text with &amp; &lt; &gt; &nbsp; and attribute values with &amp; &quot; &nbsp;; void elements
# without " /"; a URL whose scheme is not allowed, or that does not parse, loses its attribute.
# Anything these rules are not sure of is None: nh3 cleans it then.
_URL_VALUE = re.compile(r' (?:href|src)="([^"]*)"')
_KEPT_URL = re.compile(  # URLs nh3 keeps for sure: no scheme, mailto:, http(s) with a plain host
    r"(?:https?://(?:[A-Za-z0-9-]+\.)*[A-Za-z][A-Za-z0-9-]*(?::[0-9]{1,4})?(?:[/?#][^\s]*)?"
    r"|mailto:\S*|[/?#]\S*|[^:/?#\s]+(?:[/?#]\S*)?)?")
_ENTITY = re.compile(r"&(?!(?:amp|lt|gt|quot);)")
_ENTITY_IN_TAG = re.compile(r"<[^>]*&(?:lt|gt|quot);")
_ALIGNED_CELL = re.compile(f'<t[hd] style="{ALIGNED.pattern}">')


def clean_rendered(html: str) -> str | None:
    """nh3.clean(html) for HTML markdown-it wrote from Markdown without raw HTML, or None."""
    for url in _URL_VALUE.findall(html):
        if not _KEPT_URL.fullmatch(url) or "xn--" in url:
            return None
    if _ENTITY.search(html) or _ENTITY_IN_TAG.search(html):
        return None  # character references nh3 would write otherwise
    if " style=" in html and html.count(" style=") != len(_ALIGNED_CELL.findall(html)):
        return None  # a style other than a cell's alignment
    if "\xa0" in html:
        html = html.replace("\xa0", "&nbsp;")
    return html.replace(" />", ">").replace("&quot;", '"')


class _Inspector(HTMLParser):
    """What the sanitiser will remove from one raw HTML fragment, for located warnings."""

    def __init__(self, embeds: frozenset[str]):
        super().__init__(convert_charrefs=True)
        self.embeds = embeds
        self.removed: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "iframe":
            src = dict(attrs).get("src") or ""
            if (urlsplit(src).hostname or "").lower() not in self.embeds:
                self.removed.append(f"<iframe> from {urlsplit(src).hostname or 'nowhere'}")
            return
        if tag in DANGEROUS and not (tag == "input" and dict(attrs).get("type") == "checkbox"):
            self.removed.append(f"<{tag}>")
            return
        for name, value in attrs:
            low = (value or "").strip().lower()
            if name.startswith("on"):
                self.removed.append(f"the {name} attribute of <{tag}>")
            elif name in URL_ATTRIBUTES and (low.startswith(("javascript:", "vbscript:"))
                                             or low.startswith("data:")
                                             and not (tag == "img"
                                                      and low.startswith("data:image/")
                                                      and not low.startswith("data:image/svg"))):
                self.removed.append(f"a {low.split(':')[0]}: URL in <{tag} {name}>")
            elif name == "style" and not (tag in ("th", "td") and ALIGNED.fullmatch(value or "")):
                self.removed.append(f"the style attribute of <{tag}>")

    handle_startendtag = handle_starttag


def removed_parts(fragment: str, embeds: Iterable[str] = DEFAULT_EMBEDS) -> list[str]:
    inspector = _Inspector(frozenset(h.lower() for h in embeds))
    inspector.feed(fragment)
    inspector.close()
    return inspector.removed
