from __future__ import annotations

from generator.render.markdown import render

LINKS = {"content/members/ana.md": "/members/ana/", "content/resources/guide.md": "/resources/guide/"}


def html(text: str, base_path: str = "/") -> str:
    return render(text, source="content/stories/s.md", body_line=5, links=LINKS,
                  base_path=base_path).html


def test_commonmark_extensions() -> None:
    out = html("| a |\n|---|\n| 1 |\n\n~~x~~\n\n- [x] done\n\nA[^1]\n\n[^1]: note\n\n## Titre é\n")
    assert "<table>" in out and "<s>x</s>" in out
    assert 'type="checkbox"' in out and "<label" in out
    assert 'class="footnotes"' in out
    assert '<h2 id="titre-e">' in out


def test_comments_are_dropped() -> None:
    out = html("a <!-- secret --> b\n\n<!-- block\nsecret -->\n\nc\n")
    assert "secret" not in out and "<!--" not in out


def test_bodies_are_not_templated() -> None:
    assert "{{ x }}" in html("{{ x }} {% if %}")


def test_content_links_become_page_urls() -> None:
    out = html("[Ana](../members/ana.md) [g](../resources/guide.md#install) [f](../../static/files/a.pdf)")
    assert 'href="/members/ana/"' in out
    assert 'href="/resources/guide/#install"' in out
    assert 'href="/files/a.pdf"' in out


def test_base_path_prefixes_root_links() -> None:
    out = html("[Ana](../members/ana.md) ![x](/images/x.png)", base_path="/hub/")
    assert 'src="/hub/images/x.png"' in out


def test_missing_content_link_is_a_located_problem() -> None:
    body = render("line\n\n[Bob](../members/bob.md)\n", source="content/stories/s.md", body_line=5,
                  links=LINKS)
    assert [str(p) for p in body.problems] == [
        "content/stories/s.md:7: link to a missing content file '../members/bob.md' "
        "(check the path; links between content files are relative, like ../members/ana.md)"]


def test_excerpt_is_plain_text() -> None:
    body = render("# T\n\nUn **mot** et [lien](https://x.example).\n", source="s", body_line=1, links={})
    assert body.excerpt == "Un mot et lien."


def test_a_line_break_in_the_excerpt_is_a_space() -> None:
    # a paragraph wrapped over several lines (as most are in a repository) keeps its words apart,
    # with either engine
    text = "Une ligne\n*puis une\nautre*  \net [un\nlien](https://x.example).\n"
    for accelerate in (False, True):
        body = render(text, source="s", body_line=1, links={}, accelerate=accelerate)
        assert body.excerpt == "Une ligne puis une autre et un lien."


def test_a_table_keeps_its_column_alignment_and_no_other_style() -> None:
    table = "| a | b | c |\n|:--|:-:|--:|\n| 1 | 2 | 3 |\n"
    for accelerate in (False, True):
        out = render(table, source="s", body_line=1, links={}, accelerate=accelerate).html
        assert '<td style="text-align:left">1</td>' in out
        assert '<td style="text-align:center">2</td>' in out
        assert '<td style="text-align:right">3</td>' in out
    raw = render('<table><tr><td style="color:red">x</td><td style="text-align:right">y</td>'
                 "</tr></table>\n", source="s", body_line=1, links={})
    assert "color" not in raw.html and '<td style="text-align:right">y</td>' in raw.html
    assert [p.message for p in raw.problems] == ["removed the style attribute of <td> from the HTML"]
