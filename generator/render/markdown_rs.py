"""The Markdown accelerator: markdown-it-pyrs (the Rust port of markdown-it, about 3x faster
here with foyer's work around it) renders a body when the result is the very Body
`markdown.render` makes with markdown-it-py, the reference; otherwise it says None and the
reference renders the body.

markdown-it-pyrs gives HTML and a read-only syntax tree. foyer's rules are applied around them:
heading anchors (the rule of mdit-py-plugins: h2-h4, the heading's text and code, "-1", "-2"…
for a repeated slug) and rewritten link targets are put into its HTML, tag by tag in document
order; HTML comments are dropped the same way; the excerpt is the first paragraph's text. What
the rules need is read from the HTML itself when the text holds no raw HTML (no "<": every tag
is then markdown's), else from the tree, a second parse (`_scan`, `_walk`). Left to the
reference: footnotes and task lists (mdit-py-plugins render them their own way), any warning (a
link to a missing content file, HTML the sanitiser removes: its line is the reference's),
a node type not in KNOWN, the few constructs where the two engines were seen to differ (each
named where it is checked), and anything markdown-it-pyrs fails on (0.4 panics on some real
text). tests/test_markdown_rs.py proves the Bodies equal on every body of the example hub, of
../shared/corpora/twir and of a generated hub, and on random documents.
"""

from __future__ import annotations

import re
from collections import Counter
from typing import Any

from markdown_it.common.utils import escapeHtml
from mdit_py_plugins.anchors.index import unique_slug

from generator.render import markdown, sanitize

try:
    import markdown_it_pyrs
except ImportError:  # an accelerator only: foyer works without it
    markdown_it_pyrs = None

# The version the tests prove equal; another one may render differently: it is not used.
PROVEN = "0.4."
ENGINE = (markdown_it_pyrs.MarkdownIt("commonmark").enable_many(["table", "strikethrough"])
          if markdown_it_pyrs is not None and markdown_it_pyrs.__version__.startswith(PROVEN)
          else None)

# Footnotes ("[^1]"), task-list items ("[ ]", "[x]"); and a line with "[" and an odd number
# of backticks: markdown-it-pyrs 0.4 panics on an unclosed code span in a link's text (12
# issues of twir). The panic is caught as well, but Rust prints it on stderr.
_RISKY = re.compile(r"\[\^|\[[ xX]\]")
# Unicode whitespace other than a space or a tab (a no-break space) at the start or the end of
# a line's text (after quote, list and heading marks) or of a table cell: markdown-it-py strips
# it (Python's str.strip), markdown-it-pyrs keeps it, as CommonMark does.
_UNICODE_SPACE = "\x85\xa0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000"
_EDGE_SPACE = re.compile(f"(?:^[ \\t>*+#|0-9.)-]*|\\|[ \\t]*)[{_UNICODE_SPACE}]"
                         f"|[{_UNICODE_SPACE}](?:[ \\t#|]*$|[ \\t]*\\|)", re.M)

# A line that is a list mark alone (an empty item) under a line of text: markdown-it-py lets it
# interrupt a quoted paragraph, markdown-it-pyrs reads it as the paragraph's lazy continuation.
_EMPTY_ITEM = re.compile(r"\n[ \t>]*(?:[*+-]|[0-9]{1,9}[.)])[ \t]*(?:\n|$)")  # on "\n" + text

_LINKS = frozenset({"link", "image", "autolink"})
_HTML = frozenset({"html_block", "html_inline"})
_JOINED = frozenset({"fence", "html_block"})
_TEXT = frozenset({"text", "text_special"})
_BLOCKS = frozenset({"paragraph", "heading", "lheading", "table", "thead", "tbody", "trow",
                     "tcell", "bullet_list", "ordered_list", "list_item", "blockquote",
                     "code_block", "fence", "hr"})
_INLINE = frozenset({"text", "text_special", "em", "strong", "code_inline", "link", "image",
                     "softbreak", "hardbreak", "strikethrough"})
KNOWN = _BLOCKS | _INLINE | _LINKS | _HTML | {"root", "definition"}


class _Fallback(Exception):
    pass


FALLBACKS: Counter[str] = Counter()  # why bodies were left to the reference, in this process


def _fallback(reason: str) -> None:
    FALLBACKS[reason] += 1
    return None


def _text(children: Any, parts: list[str], line_break: str = "") -> None:
    """The text of inline nodes as the reference's flat inline children of type text and
    code_inline give it: text inside emphasis and links counts, an image's alt text does not.
    It stops at the first block: a tight list item holds its first paragraph's inline nodes
    (the paragraph has no node of its own), then its other blocks."""
    for child in children:
        name = child.name
        if name in _BLOCKS:
            return
        if name in _TEXT:
            parts.append(child.meta["content"])
        elif line_break and (name == "softbreak" or name == "hardbreak"):
            parts.append(line_break)  # the excerpt's: a space (a heading's anchor has none)
        elif name == "code_inline":
            parts.extend(c.meta["content"] for c in child.children)
        elif name != "image" and child.children:
            _text(child.children, parts, line_break)


def _risky(text: str) -> bool:
    if _RISKY.search(text):
        return True
    if not text.isascii() and _EDGE_SPACE.search(text):
        return True
    if _EMPTY_ITEM.search("\n" + text):  # a literal first: the regex skips to each line
        return True
    if "`" in text:
        return any(line.count("`") % 2 for line in text.split("\n") if "[" in line)
    return False


def render(text: str, env: dict[str, Any], embeds: tuple[str, ...] | None
           ) -> tuple[str, str] | None:
    """(HTML, excerpt) of `text` (already stripped of forbidden code points) as
    `markdown.render` makes them, or None when it must render them itself: a body with a
    warning (a link to a missing content file, HTML the sanitiser removes) is left to it."""
    if ENGINE is None or _risky(text):
        return _fallback("not for this engine")
    try:
        html = _engine(ENGINE.render, text)
        # what foyer's rules need is read from the HTML when the text holds no raw HTML (no
        # "<": then every tag is markdown's); from the syntax tree, a second parse, otherwise
        found = None if "<" in text else _scan(text, html)
        if found is None:
            SCANS["tree"] += 1
            found = _walk(_engine(ENGINE.tree, text), text.encode(),
                          "`" in text or "~" in text or "<" in text)
        else:
            SCANS["html"] += 1
    except _Fallback as error:
        return _fallback(str(error))
    marks, excerpt = found
    # Each mark's HTML is looked for from where the last one ended: between two marks there is
    # only escaped text and tags no mark makes, so each is found where its node put it.
    out: list[str] = []
    copied = position = 0  # html[:copied] is in `out`; the next mark is at or after `position`
    slugs: set[str] = set()
    for kind, a, b in marks:
        if kind == "h":
            found_at = html.find(f"<h{a}>", position)
            if found_at < 0:
                return _fallback("heading not found")
            position = found_at + 3
            if b is not None:
                # the reference's own rule for a repeated slug ("-1", "-2"…)
                slug = unique_slug(markdown.heading_slug(b), slugs)
                out += (html[copied:position], f' id="{escapeHtml(slug)}"')
                copied = position
            continue
        if kind in ("link", "image"):
            target = escapeHtml(a)
            found_at = html.find(('<a href="' if kind == "link" else '<img src="') + target
                                 + '"', position)
            if found_at < 0:
                return _fallback("link not found")
            position = html.index('"', found_at) + 1 + len(target)
            resolved = markdown.resolve(a, env, 0)
            if resolved != a:
                out += (html[copied:position - len(target)], escapeHtml(resolved))
                copied = position
            continue
        # raw HTML, rendered as it is but for comments; what the sanitiser would remove is
        # warned about with its line: the reference says that
        found_at = html.find(a, position)
        if found_at < 0:
            return _fallback("html not found")
        position = found_at + len(a)
        content = a
        if kind == "html_block" and not text.endswith("\n"):
            # markdown-it-py's block keeps no line break the text does not end with
            if b is None:
                return _fallback("no source map")
            if b[1] >= len(text.encode()):
                content = a[:-1]
        kept = content
        if kind == "html_block" and "<!--" in content:
            kept = markdown.COMMENT.sub("", content)
            kept = kept if kept.strip() else ""
            if not kept and html.startswith("</", position):  # an empty container then
                return _fallback("a container of comments only")
            if not kept and html.endswith("<li>\n", 0, found_at):
                # markdown-it-py drops the block and the item's line break with it
                return _fallback("a list item that begins with a comment")
        elif kind == "html_inline" and content.startswith("<!--"):
            kept = ""
        if kept != a:
            out += (html[copied:found_at], kept)
            copied = position
        if embeds is not None and kept and sanitize.removed_parts(kept, embeds):
            return _fallback("html removed")
    if env["problems"]:
        return _fallback("warning")
    out.append(html[copied:])
    result = "".join(out)
    if embeds is None:
        return result, excerpt
    # without raw HTML, what nh3 would make of markdown-it's HTML is known without parsing it
    quick = None if any(m[0] in _HTML for m in marks) else sanitize.clean_rendered(result)
    return (quick if quick is not None else sanitize.clean(result, embeds)), excerpt


SCANS: Counter[str] = Counter()  # where the marks of accelerated bodies came from: html, tree


def _engine(call: Any, text: str) -> Any:
    try:
        return call(text)
    except (KeyboardInterrupt, SystemExit):
        raise
    except BaseException:  # noqa: BLE001 - pyo3's PanicException derives from BaseException
        raise _Fallback("markdown-it-pyrs failed") from None


Marks = list[tuple[Any, ...]]


def _check_host(url: str) -> None:
    if "://" in url and "%" in url.split("://", 1)[1].split("/", 1)[0]:
        # a host that is not ASCII: markdown-it-py writes it in punycode, markdown-it-pyrs
        # percent-encodes it
        raise _Fallback("a host that is not ASCII")


def _walk(tree: Any, encoded: bytes, tight_check: bool) -> tuple[Marks, str]:
    """The marks, in document order: each link or image (its target), heading (its level and,
    for h2-h4, the text of its anchor) and raw HTML (its content and, for a block, its
    source map); and the excerpt: the text of the first paragraph that has some (the
    paragraphs of a tight list have no node of their own: the list item holds their inline
    nodes)."""
    marks: Marks = []
    excerpt: str | None = None
    parts: list[str]
    for node in tree.walk():
        name = node.name
        if name in _LINKS:
            url = node.meta["url"]
            _check_host(url)
            marks.append(("image" if name == "image" else "link", url, None))
        elif name == "heading" or name == "lheading":
            level = node.meta["level"]
            heading = None
            if level in (2, 3, 4):
                parts = []
                _text(node.children, parts)
                heading = "".join(parts)
            marks.append(("h", level, heading))
        elif name == "html_block":
            marks.append((name, node.meta["content"], node.srcmap))
        elif name == "html_inline":
            marks.append((name, node.meta["content"], None))
        elif name not in KNOWN:
            raise _Fallback(f"a {name} node")
        elif name == "table":
            # a table right under a non-blank line: markdown-it-py may read it as the lazy
            # continuation of a quoted paragraph, markdown-it-pyrs as a table
            start = encoded.rfind(b"\n", 0, node.srcmap[0])
            if start > 0 and encoded[encoded.rfind(b"\n", 0, start) + 1:start].strip():
                raise _Fallback("a table right under a line of text")
        elif name == "blockquote" or name == "list_item":
            children = node.children
            if not children:  # markdown-it-pyrs renders some empty ones with a line break
                raise _Fallback(f"an empty {name}")
        if name == "list_item" and tight_check:
            # markdown-it-py puts no line break between a tight item's text and a fence or
            # an HTML block that follows it; markdown-it-pyrs does
            inline = False
            for child in children:
                if child.name in _JOINED and inline:
                    raise _Fallback("tight list item text before a fence or HTML block")
                inline = child.name not in _BLOCKS
        if excerpt is None and (name == "paragraph" or name == "list_item"):
            if name == "list_item" and children[0].name in _BLOCKS:
                if any(c.name not in _BLOCKS for c in children):
                    # text of the item after a block: a paragraph, which may come first
                    raise _Fallback("a list item's text after a block")
                continue
            parts = []
            _text(node.children if name == "paragraph" else children, parts, " ")
            found = markdown.shorten("".join(parts))
            if found:
                excerpt = found
    return marks, excerpt or ""


# In the HTML of a text without raw HTML, every tag is markdown's: a heading, a link, an image
_SCAN = re.compile(r'<(?:h([1-6])>|a href="([^"]*)"|img src="([^"]*)")')
_TAG = re.compile(r"<[^>]*>")  # markdown-it escapes ">" in attributes
_EMPTY_LI = re.compile(r"<li>\s*</li>")


def _scan(text: str, html: str) -> tuple[Marks, str] | None:
    """The marks and excerpt `_walk` gives, read from the HTML of a text that holds no raw
    HTML (no "<"), without a second parse; or None where the tree must say: a blockquote (an
    empty one renders otherwise), an empty list item, a table that may stand under a line of
    text, a fence in a list item, a heading over two lines (its anchor's text has no line
    break), and an excerpt that is not the text of the first paragraph (a list item or a
    paragraph without text first)."""
    if "<blockquote>" in html or ("<table>" in html and _table_under_text(text)) \
            or ("<li>" in html and _EMPTY_LI.search(html)):
        return None
    if ("`" in text or "~" in text) and "<pre>" in html and "<li>" in html \
            and _pre_in_item(html):
        return None
    # the excerpt: the first paragraph's text, if it comes before any list item
    paragraph = html.find("<p>")
    excerpt = ""
    if paragraph >= 0:
        item = html.find("<li>", 0, paragraph)
        excerpt = markdown.shorten(_plain(html[paragraph + 3:html.find("</p>", paragraph)]))
        if item >= 0 or not excerpt:
            return None
    elif "<li>" in html:
        return None
    marks: Marks = []
    for match in _SCAN.finditer(html):
        level, href, src = match.groups()
        if level is not None:
            heading = None
            if level in "234":
                heading = html[match.end():html.find(f"</h{level}>", match.end())]
                if "\n" in heading:
                    return None
                heading = _plain(heading)
            marks.append(("h", int(level), heading))
        else:
            url = _unescape(href if href is not None else src)
            _check_host(url)
            marks.append(("link" if href is not None else "image", url, None))
    return marks, excerpt or ""


def _unescape(html: str) -> str:
    """Text from markdown-it's HTML: it escapes these four characters, nothing else."""
    if "&" not in html:
        return html
    return (html.replace("&lt;", "<").replace("&gt;", ">").replace("&quot;", '"')
            .replace("&amp;", "&"))


def _plain(html: str) -> str:
    """The text of inline HTML markdown-it made: an image's alt text is an attribute, left out
    as `_text` leaves it."""
    return _unescape(_TAG.sub("", html) if "<" in html else html)


def _table_under_text(text: str) -> bool:
    """Whether a line that may be a table's delimiter row ("|---|:-:|", in a quote or a list
    too) stands under a header line under a line that is not blank: what `_walk` looks for on
    each table node, and more (the tree then says)."""
    lines = text.split("\n")
    for index in range(2, len(lines)):
        line = lines[index]
        if "-" in line and not line.strip(" \t\r>|:-") and lines[index - 1].strip(" \t\r") \
                and lines[index - 2].strip(" \t\n\r\x0b\x0c"):
            return True
    return False


def _pre_in_item(html: str) -> bool:
    """Whether a fence (or an indented code block) stands in a list item."""
    at = html.find("<pre>")
    while at >= 0:
        if html.count("<li>", 0, at) > html.count("</li>", 0, at):
            return True
        at = html.find("<pre>", at + 5)
    return False
