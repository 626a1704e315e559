"""Make every URL inside an HTML fragment absolute, for feeds and emails read away from the site."""

from __future__ import annotations

import functools
import re
from html import escape, unescape
from html.parser import HTMLParser
from urllib.parse import urljoin, urlsplit

URL_ATTRIBUTES = {"href", "src", "poster", "cite", "action", "data", "background"}


_SCHEMED = ("https://", "http://", "mailto:")  # the usual schemes, which urlsplit would find


def _absolute(url: str, base: str) -> str:
    url = url.strip()
    if url.startswith(_SCHEMED):
        return url
    if url.startswith("/") and not url.startswith("//"):
        root = _ROOT.match(base)
        if root is not None:
            # a link into the site: urljoin reads nothing of the base but its scheme and host
            return _from_root(root.group(0) + "/", url)
    parts = urlsplit(url)
    if parts.scheme:
        return url
    return urljoin(base, url)


_ROOT = re.compile(r"https?://[^/?#\s]*(?=[/?#]|$)")  # a page's scheme and host


@functools.lru_cache(maxsize=16384)
def _from_root(root: str, url: str) -> str:
    """urljoin(root, url) for a path from the root: the same links (a member's, a tag's) are
    in many bodies."""
    return urljoin(root, url)


def _srcset(value: str, base: str) -> str:
    candidates = []
    for candidate in value.split(","):
        bits = candidate.strip().split(None, 1)
        if not bits:
            continue
        bits[0] = _absolute(bits[0], base)
        candidates.append(" ".join(bits))
    return ", ".join(candidates)


class _Rewriter(HTMLParser):
    def __init__(self, base: str):
        super().__init__(convert_charrefs=False)
        self.base = base
        self.edits: list[tuple[int, int, str, str]] = []  # line, column, old text, new text

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        changed = False
        new_attrs = []
        for name, value in attrs:
            if value is not None and name in URL_ATTRIBUTES:
                fixed = _absolute(value, self.base)
                changed |= fixed != value
                value = fixed
            elif value is not None and name == "srcset":
                fixed = _srcset(value, self.base)
                changed |= fixed != value
                value = fixed
            new_attrs.append((name, value))
        if changed:
            raw = self.get_starttag_text() or ""
            closing = "/>" if raw.rstrip().endswith("/>") else ">"
            rebuilt = "<" + tag + "".join(
                f" {n}" if v is None else f' {n}="{escape(v, quote=True)}"' for n, v in new_attrs)
            line, column = self.getpos()
            self.edits.append((line, column, raw, rebuilt + (" " if closing == "/>" else "")
                               + closing))

    handle_startendtag = handle_starttag


_NEWLINE = re.compile("\n")


# A start tag whose attributes are all double-quoted or bare: what markdown-it and the
# sanitiser write. Anything else in a fragment sends it to the HTML parser.
_TAG = re.compile(r"<([a-zA-Z][a-zA-Z0-9-]*)((?:\s+[^\s\"'>/=]+(?:=\"[^\"]*\")?)*)\s*(/?)>")
_ATTR = re.compile(r"\s+([^\s\"'>/=]+)(?:=\"([^\"]*)\")?")
_RAW_TEXT = re.compile(r"<(?:script|style|textarea|title|xmp|iframe|noembed|noframes|plaintext)\b",
                       re.I)
# Everything up to the next start tag that may hold a URL: text, end tags, a '<' that opens no
# tag, and start tags of _TAG's form with no attribute _URLISH would find. Where it stops is
# such a tag, or a start tag _TAG does not read (the parser decides then): the regular
# expression engine passes over most tags instead of a Python loop over each.
_URL_NAMES = "|".join(sorted(URL_ATTRIBUTES | {"srcset"}))
_PASSED = re.compile(
    r"(?:[^<]+|<(?![a-zA-Z])|<[a-zA-Z][a-zA-Z0-9-]*"
    rf"(?:\s+(?!(?i:{_URL_NAMES})=)"
    r"[^\s\"'>/=]+(?:=\"[^\"]*\")?)*\s*/?>)*")
_URLISH = re.compile(rf"\s(?:{_URL_NAMES})\s*=", re.I)


@functools.lru_cache(maxsize=16384)
def absolutize(html: str, base: str) -> str:
    """Rewrite href, src, srcset, poster… to absolute URLs; everything else stays byte for byte.
    Memoised: one piece's body goes into many feeds (site, section, tags, members)."""
    if not _URLISH.search(html):
        return html
    fast = _absolutize_quoted(html, base)
    return fast if fast is not None else _absolutize_parsed(html, base)


def forget() -> None:
    """Drop the memos of bodies and links (a build's feeds and emails are all rendered)."""
    absolutize.cache_clear()
    _from_root.cache_clear()


def _absolutize_quoted(html: str, base: str) -> str | None:
    """The same edits as the parser for tags whose attributes are double-quoted or bare (what
    markdown-it and the sanitiser write), by regular expressions, about 20× faster. None when
    the fragment holds anything else: the parser then decides."""
    if "<!" in html or _RAW_TEXT.search(html):
        return None  # comments, CDATA and script-like elements: text the parser won't rewrite
    out: list[str] = []
    cursor = 0
    end = len(html)
    position = _PASSED.match(html).end()  # type: ignore[union-attr]
    while position < end:
        match = _TAG.match(html, position)
        if match is None:
            return None  # a start tag the pattern does not read
        position = _PASSED.match(html, match.end()).end()  # type: ignore[union-attr]
        new_attrs: list[tuple[str, str | None]] = []
        changed = False
        for attr in _ATTR.finditer(match.group(2)):
            name, value = attr.group(1).lower(), attr.group(2)
            if value is None:
                new_attrs.append((name, None))
                continue
            value = unescape(value)
            fixed = value
            if name in URL_ATTRIBUTES:
                fixed = _absolute(value, base)
            elif name == "srcset":
                fixed = _srcset(value, base)
            changed |= fixed != value
            new_attrs.append((name, fixed))
        if not changed:
            continue
        rebuilt = "<" + match.group(1).lower() + "".join(
            f" {n}" if v is None else f' {n}="{escape(v, quote=True)}"' for n, v in new_attrs)
        out.append(html[cursor:match.start()])
        out.append(rebuilt + (" />" if match.group(3) else ">"))
        cursor = match.end()
    out.append(html[cursor:])
    return "".join(out)


def _absolutize_parsed(html: str, base: str) -> str:
    parser = _Rewriter(base)
    parser.feed(html)
    parser.close()
    if not parser.edits:
        return html
    line_starts = [0, *(m.end() for m in _NEWLINE.finditer(html))]
    out = []
    cursor = 0
    for line, column, raw, new in parser.edits:
        offset = line_starts[line - 1] + column
        if html[offset:offset + len(raw)] != raw:
            continue  # unexpected; leave this tag as is
        out.append(html[cursor:offset])
        out.append(new)
        cursor = offset + len(raw)
    out.append(html[cursor:])
    return "".join(out)
