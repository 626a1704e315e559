"""The search index holds every page the theme marks for it (data-pagefind-body), whether
Pagefind is pointed at those pages' shapes (foyer's own templates) or at every page (a theme
with templates of its own)."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from generator import build as build_module
from generator import search_index
from generator.build import build
from generator.render.templates import Theme, packaged_themes
from tests.conftest import CORPUS, EXAMPLE_NOW, copy_example


def _marked(site: Path) -> set[str]:
    return {p.relative_to(site).as_posix() for p in site.rglob("*.html")
            if "pagefind" not in p.parts and b"data-pagefind-body" in p.read_bytes()}


def _indexed(site: Path) -> int:
    entry = json.loads((site / "pagefind/pagefind-entry.json").read_text("utf-8"))
    return sum(language["page_count"] for language in entry["languages"].values())


def test_the_glob_has_the_pages_shapes() -> None:
    glob = search_index.pages_glob
    assert glob(["stories/a/index.html", "stories/b/index.html"]) == "stories/*/index.html"
    assert glob(["stories/a/index.html", "a-propos/index.html", "en/stories/c/index.html"]) \
        == "{*/index.html,en/stories/*/index.html,stories/*/index.html}"
    assert glob(["404.html"]) == "404.html"
    assert glob([]) is None  # no page marked: Pagefind's default (every page)
    assert glob(["stories/a{b}/index.html"]) is None  # a path a glob would read


def test_the_example_hub_index_holds_every_marked_page(built_example: Path) -> None:
    marked = _marked(built_example)
    assert len(marked) > 20 and _indexed(built_example) == len(marked)
    hub = copy_example(built_example.parent / "hub-for-marks")
    loaded, _ = build_module.load(hub, now=EXAMPLE_NOW)
    assert loaded is not None
    assert not Theme(loaded.config).own_templates  # foyer's: Pagefind reads the
    assert {p.output for p in loaded.pieces} >= marked  # pieces' pages, all that is marked


def test_a_theme_with_its_own_templates_is_indexed_whole(tmp_path: Path,
                                                         monkeypatch: pytest.MonkeyPatch
                                                         ) -> None:
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    hub = copy_example(tmp_path / "hub")
    templates = hub / "themes/default/templates"
    if not templates.is_dir():
        shutil.copytree(packaged_themes() / "default/templates", templates)
    tags = templates / "tags.html"  # a theme that also puts its tag index in the search
    tags.write_text(tags.read_text("utf-8").replace(
        "{% block main %}", "{% block main %}<div data-pagefind-body>", 1).replace(
        "{% endblock %}", "</div>{% endblock %}", 2), "utf-8")
    loaded, _ = build_module.load(hub, now=EXAMPLE_NOW)
    assert loaded is not None
    assert Theme(loaded.config).own_templates  # Pagefind reads every page
    out = tmp_path / "site"
    build(hub, now=EXAMPLE_NOW, out=out, link_check=False)
    assert "tags/index.html" in _marked(out)
    assert _indexed(out) == len(_marked(out))


def test_the_real_hub_index_holds_every_marked_page(built_corpus: Path) -> None:
    assert CORPUS.is_dir()
    assert _indexed(built_corpus) == len(_marked(built_corpus)) == 665
