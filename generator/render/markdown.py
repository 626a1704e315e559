"""The one Markdown setup: CommonMark + tables, footnotes, strikethrough, task lists, anchors.

Bodies are never templated. HTML comments are dropped. Links to other content files
(`../members/ana.md`) become page URLs, links into static/ become site URLs.
"""

from __future__ import annotations

import os
import posixpath
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import unquote, urlsplit

from markdown_it import MarkdownIt
from markdown_it.rules_core import StateCore
from markdown_it.token import Token
from mdit_py_plugins.anchors import anchors_plugin
from mdit_py_plugins.footnote import footnote_plugin
from mdit_py_plugins.tasklists import tasklists_plugin

from generator.model.fields import tag_slug
from generator.problems import Problem
from generator.render import sanitize

COMMENT = re.compile(r"<!--.*?(?:-->|$)", re.S)
# Code points HTML and XML forbid (C0 controls but tab/newline/return, DEL, noncharacters).
FORBIDDEN = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ufffe\uffff]")
SUMMARY_CHARS = 240
# FOYER_MARKDOWN=reference: markdown-it-py alone, without the accelerator (render/markdown_rs.py)
ACCELERATE = os.environ.get("FOYER_MARKDOWN", "") != "reference"


@dataclass(frozen=True)
class Body:
    html: str
    excerpt: str  # plain text of the first paragraph, shortened
    problems: tuple[Problem, ...] = field(default=())


def heading_slug(text: str) -> str:
    return tag_slug(text) or "section"


def _drop_comments(state: StateCore) -> None:
    kept = []
    for token in state.tokens:
        if token.type == "html_block" and "<!--" in token.content:
            token.content = COMMENT.sub("", token.content)
            if not token.content.strip():
                continue
        if token.type == "inline" and token.children:
            children = []
            for child in token.children:
                if child.type == "html_inline" and child.content.startswith("<!--"):
                    continue
                children.append(child)
            token.children = children
        kept.append(token)
    state.tokens = kept


def _rewrite_links(state: StateCore) -> None:
    env = state.env
    for token in state.tokens:
        if token.type != "inline" or not token.children:
            continue
        line = env["body_line"] + (token.map[0] if token.map else 0)
        for child in token.children:
            attr = {"link_open": "href", "image": "src"}.get(child.type)
            if attr is None:
                continue
            value = child.attrGet(attr)
            if isinstance(value, str):
                child.attrSet(attr, resolve(value, env, line))


_AS_IS = ("http://", "https://", "mailto:", "#")  # what resolve gives back untouched


def resolve(href: str, env: dict[str, Any], line: int) -> str:
    if href.startswith(_AS_IS):  # most links: a scheme, or an anchor (no urlsplit needed)
        return href
    parts = urlsplit(href)
    if parts.scheme or parts.netloc or href.startswith("#") or not parts.path:
        return href
    base_path: str = env["base_path"]
    if href.startswith("/"):
        if base_path != "/" and not href.startswith(base_path):
            return base_path + href.lstrip("/")
        return href
    suffix = href[len(parts.path):]
    target = posixpath.normpath(posixpath.join(posixpath.dirname(env["source"]),
                                               unquote(parts.path)))
    if target.startswith("static/"):
        return base_path + target[len("static/"):] + suffix
    if target.endswith(".md") and target.startswith("content/"):
        url = env["links"].get(target)
        if url is None:
            env["problems"].append(Problem(
                env["source"], line, f"link to a missing content file '{href}'",
                "check the path; links between content files are relative, like "
                "../members/ana.md"))
            return href
        return url + suffix
    return href


def shorten(text: str) -> str:
    """A paragraph's text as an excerpt: whitespace folded, cut at a word before SUMMARY_CHARS."""
    text = " ".join(text.split())
    if len(text) > SUMMARY_CHARS:
        text = text[:SUMMARY_CHARS].rsplit(" ", 1)[0].rstrip(",;:.") + "…"
    return text


def _excerpt(tokens: list[Token]) -> str:
    for index, token in enumerate(tokens):
        if token.type == "paragraph_open" and index + 1 < len(tokens):
            inline = tokens[index + 1]
            # a line break is a space between words (its token's content is empty)
            text = shorten("".join(c.content if c.type in ("text", "code_inline") else " "
                                   for c in inline.children or [] if c.type
                                   in ("text", "code_inline", "softbreak", "hardbreak")))
            if text:
                return text
    return ""


def make_parser() -> MarkdownIt:
    md = (
        MarkdownIt("commonmark", {"html": True, "typographer": False})
        .enable(["table", "strikethrough"])
        .use(footnote_plugin)
        .use(tasklists_plugin, label=True)
        .use(anchors_plugin, min_level=2, max_level=4, slug_func=heading_slug)
    )
    md.core.ruler.push("foyer_drop_comments", _drop_comments)
    md.core.ruler.push("foyer_links", _rewrite_links)
    return md


_PARSER: MarkdownIt | None = None


def parser() -> MarkdownIt:
    global _PARSER
    if _PARSER is None:
        _PARSER = make_parser()
    return _PARSER


def _warn_removed(tokens: list[Token], env: dict[str, Any], embeds: tuple[str, ...]) -> None:
    for token in tokens:
        fragments: list[tuple[str, int]] = []
        if token.type == "html_block":
            fragments.append((token.content, token.map[0] if token.map else 0))
        elif token.type == "inline" and token.children:
            fragments.extend((c.content, token.map[0] if token.map else 0)
                             for c in token.children if c.type == "html_inline")
        for fragment, offset in fragments:
            for what in sanitize.removed_parts(fragment, embeds):
                env["problems"].append(Problem(
                    env["source"], env["body_line"] + offset, f"removed {what} from the HTML",
                    "foyer keeps formatting, tables, <details>, images and embeds from "
                    "html.embeds; set html.trusted: true in hub.yaml if every contributor is "
                    "trusted", severity="warning"))


def render(text: str, *, source: str, body_line: int, links: Mapping[str, str],
           base_path: str = "/", embeds: tuple[str, ...] | None = sanitize.DEFAULT_EMBEDS,
           accelerate: bool | None = None) -> Body:
    """Markdown → HTML (sanitised unless `embeds` is None: trusted), its excerpt, and the
    problems found (broken content links, removed HTML). With `accelerate` (by default, unless
    FOYER_MARKDOWN=reference), markdown-it-pyrs renders the bodies it is proven equal on
    (render/markdown_rs.py); markdown-it-py, the reference, renders the rest: the Body is the
    same either way."""
    text = FORBIDDEN.sub("", text)
    env: dict[str, Any] = {"source": source, "body_line": body_line, "links": links,
                           "base_path": base_path, "problems": []}
    if ACCELERATE if accelerate is None else accelerate:
        fast = markdown_rs.render(text, env, embeds)
        if fast is not None:
            return Body(fast[0], fast[1])
        env["problems"] = []  # a missing link's warning, found again with its line below
    md = parser()
    tokens = md.parse(text, env)
    html = md.renderer.render(tokens, md.options, env)
    if embeds is not None:
        _warn_removed(tokens, env, embeds)
        html = sanitize.clean(html, embeds)
    return Body(html, _excerpt(tokens), tuple(env["problems"]))


# The accelerator uses this module's rules (resolve, shorten, heading_slug, COMMENT): imported
# once they are defined.
from generator.render import markdown_rs  # noqa: E402
