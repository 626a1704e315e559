"""Newsletter issues as email: email.html (CSS inlined, 600 px, absolute URLs) and email.txt
(72 columns, links as numbered references) beside each issue page."""

from __future__ import annotations

import re
import textwrap
from collections.abc import Iterator
from html.parser import HTMLParser
from typing import Any

import css_inline
from markupsafe import Markup

from generator.model.entries import Newsletter
from generator.render.outputs import Output, Site
from generator.render.urls import absolutize

WIDTH = 72
NO_BREAK_BEFORE = re.compile(r" ([!?:;»])")
COMMENT = re.compile(r"<!--.*?-->", re.S)
_INLINER = css_inline.CSSInliner(keep_at_rules=True, load_remote_stylesheets=False)


def email_html(site: Site, issue: Newsletter, recorder: Any = None) -> str:
    hub = site.hub
    absolute = site.theme.absolute
    page = absolute(issue.url)
    body = site.bodies.get(issue.key)
    features = [hub.by_key[ref] for ref in issue.features if ref in hub.by_key]
    html = site.theme.env.get_template("email.html").render(
        hub=site.hub_for(recorder), issue=issue, lang=issue.lang, page_url=page,
        body=Markup(absolutize(body.html, page) if body else ""),
        features=features, feature_body=lambda p: site.bodies[p.key].excerpt
        if p.key in site.bodies else "",
        site_url=lambda path: absolute(hub.config.base_path + path.lstrip("/"))
        if "://" not in path else path)
    html = _INLINER.inline(html)
    return COMMENT.sub("", html)


class _Text(HTMLParser):
    """HTML → plain text paragraphs; links become [n] references."""

    BLOCKS = {"p", "div", "section", "article", "table", "tr", "ul", "ol", "blockquote",
              "h1", "h2", "h3", "h4", "h5", "h6", "pre", "hr", "details", "summary"}

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.blocks: list[tuple[str, str]] = []  # (kind, text)
        self.current: list[str] = []
        self.kind = "p"
        self.links: list[str] = []
        self.href: str | None = None
        self.skip = 0
        self.pre = False

    def _flush(self) -> None:
        text = "".join(self.current)
        if not self.pre:
            text = " ".join(text.split())
        if text.strip():
            self.blocks.append((self.kind, text))
        self.current = []
        self.kind = "p"

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in ("style", "script", "head", "title") or (
                tag == "span" and "preheader" in (dict(attrs).get("class") or "")):
            self.skip += 1
        elif tag in self.BLOCKS or tag == "li":
            self._flush()
            self.kind = tag
            self.pre = tag == "pre"
        elif tag == "br":
            self.current.append("\n" if self.pre else " ")
        elif tag == "a":
            self.href = dict(attrs).get("href")
        elif tag == "img":
            alt = dict(attrs).get("alt")
            if alt:
                self.current.append(f"[{alt}]")
        elif tag in ("td", "th"):
            self.current.append(" | " if "".join(self.current).strip() else "")

    def handle_endtag(self, tag: str) -> None:
        if tag in ("style", "script", "head", "title") or (tag == "span" and self.skip):
            self.skip -= 1
        elif tag == "a" and self.href:
            if self.href.startswith(("http://", "https://", "mailto:")):
                if self.href not in self.links:
                    self.links.append(self.href)
                self.current.append(f" [{self.links.index(self.href) + 1}]")
            self.href = None
        elif tag in self.BLOCKS or tag == "li":
            self._flush()
            self.pre = False

    def handle_data(self, data: str) -> None:
        if not self.skip:
            self.current.append(data)

    def text(self) -> str:
        self._flush()
        out: list[str] = []
        previous = ""
        for kind, text in self.blocks:
            text = NO_BREAK_BEFORE.sub("\u00a0\\1", text) if kind != "pre" else text
            if kind in ("tr", "li") and previous == kind and out:
                out[-1] += "\n" + (text.strip() if kind == "tr" else textwrap.fill(
                    text, WIDTH, initial_indent="- ", subsequent_indent="  "))
                continue
            previous = kind
            if kind == "pre":
                out.append(text.rstrip("\n"))
            elif kind in ("h1", "h2"):
                out.append(text.upper() if kind == "h1"
                           else text + "\n" + "-" * min(len(text), WIDTH))
            elif kind == "li":
                out.append(textwrap.fill(text, WIDTH, initial_indent="- ", subsequent_indent="  "))
            elif kind == "hr":
                out.append("-" * 20)
            else:
                out.append(textwrap.fill(text, WIDTH, break_long_words=False,
                                         break_on_hyphens=False))
            if kind == "tr":
                out[-1] = text.strip()
        if self.links:
            out.append("-" * 20)
            out.append("\n".join(f"[{n}] {url}" for n, url in enumerate(self.links, 1)))
        return "\n\n".join(out) + "\n"


def email_text(html: str) -> str:
    parser = _Text()
    parser.feed(html)
    parser.close()
    return parser.text()


def render(site: Site) -> Iterator[Output]:
    for issue in site.hub.newsletters:
        if not isinstance(issue, Newsletter):
            continue
        folder = issue.output.rsplit("/", 1)[0]
        features = [site.hub.by_key[r] for r in issue.features if r in site.hub.by_key]
        inputs = ("email", issue, features)
        # rendered once for both versions, and only if one of them is rendered (the first
        # caller's recorder sees its reads; both outputs have the same inputs)
        made: dict[str, str] = {}

        def html(recorder: Any, issue: Newsletter = issue, made: dict[str, str] = made) -> str:
            return made.get("html") or made.setdefault("html", email_html(site, issue, recorder))

        yield site.output(f"{folder}/email.html", inputs, lambda r, html=html: html(r).encode())
        yield site.output(f"{folder}/email.txt", inputs,
                          lambda r, html=html: email_text(html(r)).encode("utf-8"))
