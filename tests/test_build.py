"""Whole builds: reproducible, atomic, scheduling and drafts, static files, themes, languages."""

from __future__ import annotations

import datetime as dt
import hashlib
import os
from pathlib import Path

import pytest

from generator.build import build, load
from generator.problems import BuildFailed

from .conftest import EXAMPLE_NOW, PARIS, ROOT

MEMBER = "---\nname: Ana Lopez\navatar: /images/ana.svg\n---\nAna bakes bread.\n"
SVG = '<svg xmlns="http://www.w3.org/2000/svg" width="4" height="4"></svg>\n'


def tree(folder: Path, *, search: bool = True) -> dict[str, str]:
    """Path → sha256 of every file. Pagefind writes its filter chunks in hash-map order, so the
    bytes of pagefind/ vary between runs of the same content: compare it by its file set only."""
    result = {}
    for p in sorted(folder.rglob("*")):
        if not p.is_file():
            continue
        rel = p.relative_to(folder).as_posix()
        if rel.startswith("pagefind/"):
            if search:
                key = "pagefind/" + rel.split("/")[1].split(".")[0].split("_")[0]
                result[key] = str(int(result.get(key, "0")) + 1)
            continue
        result[rel] = hashlib.sha256(p.read_bytes()).hexdigest()
    return result


@pytest.fixture
def hub(make_hub):
    return make_hub({
        "content/members/ana.md": MEMBER,
        "static/images/ana.svg": SVG,
        "static/files/plan.txt": "plan\n",
        "content/stories/2026-01-02-bread.md":
            "---\ntitle: Bread\ndate: 2026-01-02\nmembers: [ana]\ntags: [Pain Maison]\n---\n"
            "By [Ana](../members/ana.md). {{ raw }}\n",
        "content/stories/pain.md":
            "---\ntitle: Pain\ndate: 2026-01-02\nmembers: [ana]\nlang: fr\n"
            "translation_of: bread\n---\nPar Ana.\n",
        "content/stories/tomorrow.md":
            "---\ntitle: Tomorrow\ndate: 2026-01-16\nmembers: [ana]\n---\nSoon.\n",
        "content/stories/draft.md":
            "---\ntitle: Secret draft\ndate: 2026-01-01\nmembers: [ana]\ndraft: true\n---\nWIP.\n",
        "content/stories/other.md":
            "---\ntitle: Other\ndate: 2026-01-03T09:30:00\nmembers: [ana]\ntags: [pain-maison]\n---\nx\n",
        "content/pages/about.md": "---\ntitle: About\nmenu: 1\n---\nAbout us.\n",
    })


def test_reproducible(hub: Path, now: dt.datetime, tmp_path: Path) -> None:
    build(hub, now=now, out=tmp_path / "a")
    build(hub, now=now, out=tmp_path / "b")
    assert tree(tmp_path / "a") == tree(tmp_path / "b")


def test_default_output_is_site_beside_hub_yaml(hub: Path, now: dt.datetime) -> None:
    result = build(hub, now=now)
    assert result.out == hub / "site"
    assert (hub / "site" / "index.html").is_file()


def test_scheduled_and_drafts(hub: Path, now: dt.datetime, tmp_path: Path) -> None:
    out = tmp_path / "site"
    build(hub, now=now, out=out)
    assert not (out / "stories/tomorrow").exists()
    assert not (out / "stories/draft").exists()
    listing = (out / "stories/index.html").read_text("utf-8")
    assert "Tomorrow" not in listing and "Secret draft" not in listing
    assert "tomorrow" not in (out / "sitemap.xml").read_text("utf-8")
    later = now + dt.timedelta(days=2)
    build(hub, now=later, out=out)
    assert (out / "stories/tomorrow/index.html").is_file()
    build(hub, now=now, out=out, future=True, drafts=True)
    assert (out / "stories/tomorrow/index.html").is_file()
    assert (out / "stories/draft/index.html").is_file()


def test_static_copied_and_theme_assets(hub: Path, now: dt.datetime, tmp_path: Path) -> None:
    out = tmp_path / "site"
    build(hub, now=now, out=out)
    assert (out / "images/ana.svg").read_text() == SVG
    assert (out / "files/plan.txt").is_file()
    assert (out / "theme/foyer.css").is_file()
    page = (out / "members/ana/index.html").read_text("utf-8")
    assert 'src="/images/ana.svg"' in page


def test_body_is_not_templated_and_links_rewritten(hub: Path, now: dt.datetime,
                                                     tmp_path: Path) -> None:
    out = tmp_path / "site"
    build(hub, now=now, out=out)
    page = (out / "stories/bread/index.html").read_text("utf-8")
    assert "{{ raw }}" in page
    assert 'href="/members/ana/">Ana</a>' in page


def test_tags_matched_by_slug_shown_in_frequent_spelling(hub: Path, now: dt.datetime,
                                                          tmp_path: Path) -> None:
    out = tmp_path / "site"
    build(hub, now=now, out=out)
    page = (out / "tags/pain-maison/index.html").read_text("utf-8")
    assert "Bread" in page and "Other" in page


def test_translations_link_each_other(hub: Path, now: dt.datetime, tmp_path: Path) -> None:
    out = tmp_path / "site"
    build(hub, now=now, out=out)
    en = (out / "stories/bread/index.html").read_text("utf-8")
    fr = (out / "stories/pain/index.html").read_text("utf-8")
    assert '<html lang="fr">' in fr and '<html lang="en">' in en
    assert 'hreflang="fr" href="https://hub.example/stories/pain/"' in en
    assert 'hreflang="en" href="https://hub.example/stories/bread/"' in fr
    assert "/stories/pain/" not in (out / "stories/index.html").read_text("utf-8")


def test_member_page_gathers_contributions(hub: Path, now: dt.datetime, tmp_path: Path) -> None:
    out = tmp_path / "site"
    build(hub, now=now, out=out)
    page = (out / "members/ana/index.html").read_text("utf-8")
    assert "/stories/bread/" in page and "/stories/other/" in page


def test_failed_late_build_leaves_site_byte_identical(hub: Path, now: dt.datetime,
                                                      tmp_path: Path) -> None:
    out = tmp_path / "site"
    build(hub, now=now, out=out)
    before = tree(out)
    # A mistake found only at render time (a link to a missing content file).
    (hub / "content/stories/late.md").write_text(
        "---\ntitle: Late\ndate: 2026-01-05\nmembers: [ana]\n---\n[x](../members/nobody.md)\n")
    with pytest.raises(BuildFailed) as failed:
        build(hub, now=now, out=out)
    assert "content/stories/late.md:6" in str(failed.value.problems[0])
    assert tree(out) == before
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".")] == []


def test_interrupted_write_keeps_previous_site(hub: Path, now: dt.datetime, tmp_path: Path,
                                               monkeypatch: pytest.MonkeyPatch) -> None:
    out = tmp_path / "site"
    build(hub, now=now, out=out)
    before = tree(out)
    import generator.write as write

    def explode(*args: object, **kwargs: object) -> int:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(write, "_copy_tree", explode)
    with pytest.raises(BuildFailed) as failed:
        build(hub, now=now, out=out, cache=False)  # with the cache, nothing would be written
    assert "disk is full" in str(failed.value.problems[0])
    assert tree(out) == before
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".")] == []


def test_refuses_to_overwrite_a_foreign_folder(hub: Path, now: dt.datetime, tmp_path: Path) -> None:
    out = tmp_path / "precious"
    out.mkdir()
    (out / "thesis.tex").write_text("years of work")
    with pytest.raises(BuildFailed):
        build(hub, now=now, out=out)
    assert (out / "thesis.tex").read_text() == "years of work"
    with pytest.raises(BuildFailed):
        build(hub, now=now, out=hub)


def test_stale_temporary_folders_are_cleaned(hub: Path, now: dt.datetime, tmp_path: Path) -> None:
    out = tmp_path / "site"
    stale = tmp_path / ".site.foyer-new-999999999"
    stale.mkdir()
    build(hub, now=now, out=out)
    assert not stale.exists()


def test_local_theme_overrides_one_template(hub: Path, now: dt.datetime, tmp_path: Path) -> None:
    theme = hub / "themes/default/templates"
    theme.mkdir(parents=True)
    (theme / "404.html").write_text('{% extends "base.html" %}{% block main %}<p>Perdu !</p>'
                                    '{% endblock %}')
    out = tmp_path / "site"
    build(hub, now=now, out=out)
    assert "Perdu !" in (out / "404.html").read_text("utf-8")
    assert "Bread" in (out / "index.html").read_text("utf-8")


def test_base_url_with_sub_path(make_hub, now: dt.datetime, tmp_path: Path) -> None:
    hub = make_hub({"content/members/ana.md": MEMBER, "static/images/ana.svg": SVG},
                   hub_yaml="title: T\nbase_url: https://user.github.io/hub\n")
    out = tmp_path / "site"
    build(hub, now=now, out=out)
    page = (out / "members/ana/index.html").read_text("utf-8")
    assert 'href="/hub/members/"' in page and 'src="/hub/images/ana.svg"' in page
    assert 'href="https://user.github.io/hub/members/ana/"' in page


def test_source_date_epoch_is_the_clock(hub: Path, tmp_path: Path,
                                        monkeypatch: pytest.MonkeyPatch) -> None:
    from generator.cli import main

    monkeypatch.setenv("SOURCE_DATE_EPOCH", str(int(dt.datetime(2026, 1, 20, tzinfo=PARIS).timestamp())))
    assert main(["build", str(hub), "--out", str(tmp_path / "s")]) == 0
    assert (tmp_path / "s/stories/tomorrow/index.html").is_file()
    os.environ.pop("SOURCE_DATE_EPOCH", None)


def test_parallel_and_serial_builds_are_identical(make_hub, now: dt.datetime,
                                                  tmp_path: Path) -> None:
    from generator.build import PARALLEL_MIN_PIECES

    files = {"content/members/ana.md": MEMBER, "static/images/ana.svg": SVG}
    for n in range(PARALLEL_MIN_PIECES + 10):
        files[f"content/stories/s{n}.md"] = (
            f"---\ntitle: Story {n}\ndate: 2025-0{1 + n % 9}-1{n % 10}\nmembers: [ana]\n"
            f"tags: [t{n % 7}]\n---\n## Part {n}\n\nSee [Ana](../members/ana.md) and "
            f"[the next one](s{(n + 1) % 200}.md). <b onclick=x>bold</b>\n\n| a | b |\n|---|---|\n"
            f"| {n} | `code` |\n")
    hub = make_hub(files, hub_yaml="title: P\nbase_url: https://p.example/\nsearch:\n"
                   "  enabled: false\n")
    serial = build(hub, now=now, out=tmp_path / "serial", jobs=1, link_check=False)
    parallel = build(hub, now=now, out=tmp_path / "parallel", jobs=2, link_check=False)
    assert tree(tmp_path / "serial") == tree(tmp_path / "parallel")
    assert [str(p) for p in serial.problems] == [str(p) for p in parallel.problems]
    assert any("onclick" in str(p) for p in parallel.problems)


def test_bench_generator_makes_a_valid_hub(tmp_path: Path, now: dt.datetime) -> None:
    import sys

    sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "bench"))
    from generate import generate

    generate(40, tmp_path / "hub")
    result = build(tmp_path / "hub", now=now, out=tmp_path / "site")
    assert [p for p in result.problems if p.is_error] == []
    assert (tmp_path / "site/stories/s39/index.html").is_file()


def test_reading_a_hub_gives_the_garbage_collector_back_as_it_was() -> None:
    import gc

    assert gc.isenabled()
    load(ROOT, now=EXAMPLE_NOW)
    assert gc.isenabled()
    gc.disable()
    try:
        load(ROOT / "tests/hubs/invalid/several-problems", now=EXAMPLE_NOW)
        assert not gc.isenabled()
    finally:
        gc.enable()
