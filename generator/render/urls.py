"""Make every URL inside an HTML fragment absolute, for feeds and emails read away from the site."""

from __future__ import annotations

from html import escape
from html.parser import HTMLParser
from urllib.parse import urljoin, urlsplit

URL_ATTRIBUTES = {"href", "src", "poster", "cite", "action", "data", "background"}


def _absolute(url: str, base: str) -> str:
    url = url.strip()
    parts = urlsplit(url)
    if parts.scheme:
        return url
    return urljoin(base, url)


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


def absolutize(html: str, base: str) -> str:
    """Rewrite href, src, srcset, poster… to absolute URLs; everything else stays byte for byte."""
    parser = _Rewriter(base)
    parser.feed(html)
    parser.close()
    if not parser.edits:
        return html
    line_starts = [0]
    for index, char in enumerate(html):
        if char == "\n":
            line_starts.append(index + 1)
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
