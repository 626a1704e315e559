"""Property tests: any front matter and Markdown ends in a site or in located problems — never
a traceback, a hang, or a file outside the site."""

from __future__ import annotations

import datetime as dt
import string

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from generator.build import build, check
from generator.problems import BuildFailed, Problem
from generator.read.frontmatter import parse
from generator.render.markdown import render

NOW = dt.datetime(2026, 1, 15, 12, tzinfo=dt.UTC)
FIELDS = ["title", "date", "members", "tags", "summary", "image", "intent", "draft", "lang",
          "translation_of", "starts", "duration", "repeat", "until", "except", "where", "hosts",
          "number", "features", "kind", "url", "menu", "name", "avatar", "links", "status"]
yaml_scalars = st.one_of(
    st.text(max_size=30), st.integers(), st.booleans(), st.none(), st.floats(allow_nan=False),
    st.sampled_from(["2026-01-02", "2026-13-45", "2026-01-02T18:30:00", "90m", "1h30",
                     "FREQ=WEEKLY;BYDAY=TH", "ana", "../x", "/images/a.png", "javascript:x",
                     "*a", "&a", "- x", "[", "{", ": ", "'", '"', "\t", "\x00", "\u2028"]))
values = st.recursive(yaml_scalars, lambda inner: st.one_of(
    st.lists(inner, max_size=4), st.dictionaries(st.sampled_from(FIELDS), inner, max_size=4)),
    max_leaves=12)
markdown_text = st.text(alphabet=st.sampled_from(list(string.printable) + list("éà«»—\u200b")),
                        max_size=400)
SLOW = settings(max_examples=60, deadline=None,
                suppress_health_check=[HealthCheck.function_scoped_fixture,
                                       HealthCheck.too_slow])


@SLOW
@given(st.text(max_size=300))
def test_frontmatter_never_raises(text: str) -> None:
    result = parse("content/stories/x.md", "stories", "x", "", "---\n" + text + "\n---\nBody\n")
    if isinstance(result, Problem):
        assert result.line >= 1 and result.path == "content/stories/x.md"


def _yaml(data: dict[str, object]) -> str:
    import yaml

    return yaml.safe_dump(data, allow_unicode=True, default_flow_style=False)


@SLOW
@given(st.sampled_from(["stories", "rituals", "resources", "newsletters", "pages", "members"]),
       st.dictionaries(st.sampled_from(FIELDS), values, max_size=8), markdown_text)
def test_any_piece_builds_or_reports(tmp_path_factory: pytest.TempPathFactory, section: str,
                                     data: dict[str, object], body: str) -> None:
    root = tmp_path_factory.mktemp("fuzz")
    (root / "hub.yaml").write_text("title: F\nbase_url: https://f.example/\nsearch:\n"
                                   "  enabled: false\n")
    (root / "content" / section).mkdir(parents=True)
    (root / "content" / "members").mkdir(exist_ok=True)
    (root / "content/members/ana.md").write_text("---\nname: Ana\n---\nAna.\n")
    (root / "content" / section / "fuzzed.md").write_text("---\n" + _yaml(data) + "---\n" + body)
    for problem in check(root, now=NOW):
        assert problem.line >= 1 and problem.message, problem
    out = root / "site"
    try:
        build(root, now=NOW, out=out)
    except BuildFailed as failed:
        assert failed.problems and not out.exists()
        return
    for path in root.rglob("*"):
        assert path.resolve().is_relative_to(root.resolve())
    assert (out / "index.html").is_file()


@SLOW
@given(markdown_text)
def test_markdown_render_never_raises(text: str) -> None:
    body = render(text, source="content/pages/p.md", body_line=4, links={})
    assert "<script" not in body.html.lower()
    assert "<!--" not in body.html
