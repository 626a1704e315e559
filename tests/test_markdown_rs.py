"""The Markdown accelerator (render/markdown_rs.py, markdown-it-pyrs) must give the very Body
markdown-it-py gives with foyer's plugins: HTML, excerpt and problems, byte for byte, on every
real body and on random documents; where it cannot, it hands the body to the reference."""

from __future__ import annotations

import random
import sys
from pathlib import Path

import pytest

from generator.build import build, load
from generator.render import markdown, markdown_rs, sanitize
from tests.conftest import (
    CORPUS,
    CORPUS_NOW,
    EXAMPLE_NOW,
    ROOT,
    copy_example,
    generated_hub,
    require_tool,
)
from tests.test_build import tree


@pytest.fixture(autouse=True)
def _engine() -> None:
    require_tool(markdown_rs.ENGINE is not None, "markdown-it-pyrs (pip install 'foyer[fast]')")


def _both(text: str, **options) -> tuple[markdown.Body, markdown.Body, bool]:  # type: ignore[no-untyped-def]
    """(reference, accelerated, whether the accelerator rendered it itself)."""
    reference = markdown.render(text, accelerate=False, **options)
    before = sum(markdown_rs.FALLBACKS.values())
    fast = markdown.render(text, accelerate=True, **options)
    return reference, fast, sum(markdown_rs.FALLBACKS.values()) == before


@pytest.mark.parametrize("which", ["example", "twir", "generated"])
def test_accelerator_equals_the_reference_on_real_bodies(which: str, tmp_path: Path) -> None:
    if which == "twir":
        require_tool(CORPUS.is_dir(), "shared/corpora/twir")
    root = {"example": ROOT, "twir": CORPUS}.get(which) or generated_hub(tmp_path / "hub", 300)
    hub, _ = load(root, now=CORPUS_NOW if which == "twir" else EXAMPLE_NOW)
    assert hub is not None
    links = {p.source: p.url for p in hub.pieces}
    embeds = None if hub.config.html_trusted else (hub.config.embeds or sanitize.DEFAULT_EMBEDS)
    accelerated = 0
    for piece in hub.pieces:
        reference, fast, taken = _both(piece.body, source=piece.source,
                                       body_line=piece.body_line, links=links,
                                       base_path=hub.config.base_path, embeds=embeds)
        assert fast == reference, piece.source
        accelerated += taken
    # the accelerator really ran: twir 635 of 665, the example 67 of 74, generated all
    assert accelerated >= 0.85 * len(hub.pieces), markdown_rs.FALLBACKS


ATOMS = ["mot", "Été", "*em*", "**fort**", "`code`", "``a`b``", "[ana](../members/ana.md)",
         "[ext](https://x.org/a b)", "![img](../../static/a.png)",
         '![alt *x*](https://i.org/x.png "t")',
         "<https://auto.link>", "<a@b.org>", "<span>h</span>", "<!-- c -->", '<b onclick="x">b</b>',
         "&amp;", "&copy;", "\\*", "~~del~~", "a_b_c", "_x_", "[ref][r1]", "[r1]", "<br>",
         "x  \ny", "\\\n", '"q"', "'s", "--", "...", "[manque](nope.md)", "[s](/static/x.png)",
         "[h](#ancre)", "[q](?a=1&b=2)", "[p](../stories/x.md#part)", "<", ">", "&", "[", "]",
         "*", "_", "&nbsp;", "\xa0", "&#34;", "&#x27;", "[irc](irc://x.org/c)", "[f](ftp://x.org)",
         "![d](data:image/png;base64,AAAA)", '[t](https://x.org "a < b")', "[U](HTTPS://X.ORG/)",
         "[port](https://x.org:99999/)", "[ip](http://1.2.3.999/)", "[u](http://a_b.org/)",
         "[idn](https://bücher.example/)", "[p](xn--x.org)", "[m](mailto:a@b.org)",
         "[tel](tel:+33)", "[rel](a/b:c)", "[sch](a:b)", "[e]()", "<http://x.org/a?b&c>"]


def _inline(rng: random.Random, n: int = 0) -> str:
    return " ".join(rng.choice(_atoms) for _ in range(n or rng.randint(1, 8)))


_atoms = ATOMS  # what _inline draws from


def _block(rng: random.Random, depth: int = 0) -> str:
    kind = rng.randrange(13)
    if kind == 0:
        return _inline(rng) + ("\n" + _inline(rng) if rng.random() < .3 else "")
    if kind == 1:
        return "#" * rng.randint(1, 6) + " " + _inline(rng, rng.randint(1, 3))
    if kind == 2:
        return _inline(rng, 2) + "\n" + rng.choice(["===", "---"])
    if kind in (3, 4):
        items = []
        for _ in range(rng.randint(1, 4)):
            item = ("- " if kind == 3 else "1. ") + _inline(rng)
            if depth < 2 and rng.random() < .3:
                item += "\n" + "\n".join("   " + line
                                         for line in _block(rng, depth + 1).split("\n"))
            items.append(item)
        return ("\n\n" if rng.random() < .3 else "\n").join(items)
    return [
        "> " + _inline(rng),
        "```" + rng.choice(["", "py", "rust x"]) + "\n" + _inline(rng) + "\n<b>\n```",
        "- " + _inline(rng) + "\n  ```\n  x\n  ```",
        "| a | " + _inline(rng, 1) + " |\n|:-|--:|\n| " + _inline(rng, 2) + " | x |",
        "***",
        rng.choice(["<div>\n" + _inline(rng) + "\n</div>",
                    "<details><summary>s</summary>\n\nx\n</details>",
                    '<iframe src="https://evil.org"></iframe>', "<p>para</p>",
                    "<!-- un commentaire -->", "<!-- ouvert\n\nfermé -->"]),
        '[r1]: https://r1.org/x "T"',
        "    code line\n    more",
    ][kind - 5]


def test_accelerator_equals_the_reference_on_random_documents() -> None:
    links = {"content/members/ana.md": "/membres/ana/", "content/stories/x.md": "/recits/x/"}
    accelerated = 0
    for seed in range(1500):
        rng = random.Random(seed)
        text = "".join(_block(rng) + rng.choice(["\n\n", "\n\n", "\n"])
                       for _ in range(rng.randint(1, 6)))
        text = text if rng.random() < .5 else text.rstrip("\n")
        for embeds in (("www.youtube.com",), None):
            reference, fast, taken = _both(text, source="content/stories/s.md", body_line=5,
                                           links=links, base_path="/hub/", embeds=embeds)
            assert fast == reference, (seed, embeds, text)
            accelerated += taken
    assert accelerated > 1000, markdown_rs.FALLBACKS


def test_the_html_scan_equals_the_reference_on_random_documents_without_raw_html(
        monkeypatch: pytest.MonkeyPatch) -> None:
    """Without raw HTML, foyer's rules are read from markdown-it-pyrs's HTML, not its tree
    (markdown_rs._scan): the same Bodies, on documents where only markdown makes tags."""
    monkeypatch.setattr(sys.modules[__name__], "_atoms", [a for a in ATOMS if "<" not in a]
                        + ["&lt;b&gt;", "[a&amp;b](https://x.org/?a=1&amp;b=2)", "![](x.png)",
                           "[`c`](#a)", "**[l](../members/ana.md)**", "*", "|", "-"])
    links = {"content/members/ana.md": "/membres/ana/", "content/stories/x.md": "/recits/x/"}
    scanned = documents = 0
    for seed in range(3000):
        rng = random.Random(seed)
        text = "".join(_block(rng) + rng.choice(["\n\n", "\n\n", "\n"])
                       for _ in range(rng.randint(1, 6)))
        if "<" in text:
            continue
        documents += 1
        before = markdown_rs.SCANS["html"]
        reference, fast, taken = _both(text, source="content/stories/s.md", body_line=5,
                                       links=links, base_path="/hub/")
        assert fast == reference, (seed, text)
        scanned += markdown_rs.SCANS["html"] - before
    assert documents > 1000 and scanned > 400, (documents, scanned)


@pytest.mark.parametrize("text", [
    "## Titre\n\nTexte.\n\n## Titre\n\n### `code` *em* ![alt](a.png) [lien](#x) &amp; &lt;\n",
    "Titre sur\ndeux lignes\n---\n\nTexte.",
    "![seule](image.png)\n\nPuis du texte.",
    "- un\n- deux\n\nTexte après.",
    "Texte.\n\n- un\n  ```\n  code\n  ```",
    "Texte.\n\n- un\n\n      code indenté",
    "Texte\n| a |\n|---|\n| 1 |",
    "Texte.\n\n> citation\n\n>\n",
    "Texte [à](../members/ana.md#x) et [ext](https://x.org/?a=1&b=\"2\") ![i](../../static/i.png)",
    "# Un\n\nTexte  \ncassé\\\nlà.",
])
def test_the_html_scan_and_the_tree_agree(text: str) -> None:
    links = {"content/members/ana.md": "/membres/ana/"}
    reference, fast, taken = _both(text, source="content/stories/s.md", body_line=1, links=links)
    assert fast == reference


@pytest.mark.parametrize(("text", "reason"), [
    ("Une note[^1].\n\n[^1]: La note.", "not for this engine"),
    ("- [ ] à faire\n- [x] fait", "not for this engine"),
    ("* [cargo: slightly optimize `cargo vendor](https://github.com/rust-lang/cargo/pull/8937)",
     "not for this engine"),  # markdown-it-pyrs 0.4 panics on this line of ../shared/corpora/twir
    ("Voir [le récit](absent.md).", "warning"),
    ("Texte\n\n<b onclick=\"x\">gras</b>", "html removed"),
    ("- texte\n  ```\n  code\n  ```", "tight list item text before a fence or HTML block"),
    (">", "an empty blockquote"),
    ("> <!-- rien -->", "a container of comments only"),
    ("> citation\n| a |\n|---|\n| 1 |", "a table right under a line of text"),
])
def test_what_the_accelerator_leaves_to_the_reference(text: str, reason: str) -> None:
    before = markdown_rs.FALLBACKS[reason]
    reference, fast, taken = _both(text, source="content/stories/s.md", body_line=7, links={})
    assert not taken and markdown_rs.FALLBACKS[reason] == before + 1
    assert fast == reference


@pytest.mark.parametrize(("text", "panics_in"), [
    ("## Titre\n\nTexte.", "render"),
    ("## Titre\n\nTexte <em>en ligne</em>.", "tree"),  # raw HTML: the tree is read too
])
def test_a_panic_of_the_engine_falls_back(text: str, panics_in: str,
                                          monkeypatch: pytest.MonkeyPatch) -> None:
    engine = markdown_rs.ENGINE

    class Panicking:
        def render(self, text: str) -> str:
            if panics_in == "render":
                raise BaseException("pyo3_runtime.PanicException stands for this")
            return engine.render(text)

        def tree(self, text: str) -> None:
            raise BaseException("pyo3_runtime.PanicException stands for this")

    monkeypatch.setattr(markdown_rs, "ENGINE", Panicking())
    before = markdown_rs.FALLBACKS["markdown-it-pyrs failed"]
    reference, fast, taken = _both(text, source="content/stories/s.md", body_line=1, links={})
    assert not taken and fast == reference
    assert markdown_rs.FALLBACKS["markdown-it-pyrs failed"] == before + 1


def test_builds_with_and_without_the_accelerator_are_identical(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    hub = copy_example(tmp_path / "hub")
    build(hub, now=EXAMPLE_NOW, out=tmp_path / "fast", jobs=2, cache=False)
    monkeypatch.setattr(markdown, "ACCELERATE", False)
    build(hub, now=EXAMPLE_NOW, out=tmp_path / "reference", jobs=2, cache=False)
    assert tree(tmp_path / "fast") == tree(tmp_path / "reference")


@pytest.mark.parametrize("html", [
    '<p>a &quot;q&quot; &amp; &lt;b&gt; \xa0x<br />\ny</p>\n<hr />\n',
    '<table>\n<thead>\n<tr>\n<th style="text-align:center">a</th>\n</tr>\n</thead>\n</table>\n',
    '<p><img src="x.png" alt="a" title="t" /> <a href="https://x.org/?a=1&amp;b=2">l</a></p>\n',
    '<p><a href="/m/ana/">ana</a> <a href="#h">h</a> <a href="mailto:a@b.org">m</a></p>\n',
    '<pre><code class="language-py">&lt;b&gt; &quot;\n</code></pre>\n',
    '<p><a href="">vide</a> <a href="../x.html">rel</a></p>\n',
])
def test_the_string_rules_give_nh3s_bytes(html: str) -> None:
    quick = sanitize.clean_rendered(html)
    assert quick is not None and quick == sanitize.clean(html)


@pytest.mark.parametrize("html", [
    '<p><a href="irc://x.org/c">irc</a></p>\n', '<p><a href="HTTPS://X.ORG/">U</a></p>\n',
    '<p><img src="x.png" alt="a &lt; b" /></p>\n', '<p>&#39;</p>\n',
    '<p><a href="https://x.org:99999/">p</a></p>\n', '<p><a href="http://1.2.3.999/">ip</a></p>\n',
    '<td style="color:red">x</td>\n', '<p><a href="https://xn--x.org/">x</a></p>\n',
])
def test_what_the_string_rules_leave_to_nh3(html: str) -> None:
    assert sanitize.clean_rendered(html) is None
