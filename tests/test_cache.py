"""The build cache (.foyer-cache/) makes builds faster, never different: parallel, serial, cold
and warm builds give the same bytes; a warm build with nothing changed renders nothing and
writes no page (outputs are hard links to the previous site's); a damaged, truncated, foreign or
other-version cache is ignored with a warning and the output is still right."""

from __future__ import annotations

import gc
import logging
import shutil
from pathlib import Path

import pytest

from generator import build as build_module
from generator import cache, uptodate
from generator.build import build
from generator.problems import BuildFailed
from tests.conftest import EXAMPLE_NOW, copy_example


def _tree(site: Path) -> dict[str, bytes]:
    """Every file's bytes, but Pagefind's index (its chunks and their names vary run to run for
    the same pages): only that it is there."""
    assert (site / "pagefind/pagefind.js").is_file()
    return {p.relative_to(site).as_posix(): p.read_bytes()
            for p in sorted(site.rglob("*")) if p.is_file() and "pagefind" not in p.parts}


@pytest.fixture
def hub(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))  # this test's signing key
    return copy_example(tmp_path / "hub")


def test_parallel_serial_cold_and_warm_builds_are_identical(
        hub: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    serial = build(hub, now=EXAMPLE_NOW, out=tmp_path / "serial", jobs=1, cache=False)
    monkeypatch.setattr(build_module, "PARALLEL_MIN_PIECES", 1)  # the example hub is small
    parallel = build(hub, now=EXAMPLE_NOW, out=tmp_path / "parallel", jobs=2, cache=False)
    expected = _tree(serial.out)
    assert _tree(parallel.out) == expected
    out = tmp_path / "site"
    cold = build(hub, now=EXAMPLE_NOW, out=out)
    assert cold.rendered > 0 and _tree(out) == expected
    inodes = {p: p.stat().st_ino for p in out.rglob("*") if p.is_file()}
    uptodate.forget(hub, out)  # not told the site is up to date (test_uptodate.py): the cache
    warm = build(hub, now=EXAMPLE_NOW, out=out)
    assert warm.rendered == 0  # nothing rendered again
    assert _tree(out) == expected
    # and no page written: every output is the previous site's file
    pages = [p for p in out.rglob("*.html") if "pagefind" not in p.parts]
    assert pages and all(p.stat().st_ino == inodes[p] for p in pages)
    # an edit, then its undoing: the site is written again, the unchanged pages hard-linked
    story = hub / "content/stories/2026-05-16-les-tests-pour-les-humains.md"
    text = story.read_text("utf-8")
    story.write_text(text + "\nUne ligne.\n", "utf-8")
    build(hub, now=EXAMPLE_NOW, out=out)
    story.write_text(text, "utf-8")
    again = build(hub, now=EXAMPLE_NOW, out=out)
    assert 0 < again.rendered < 40 and _tree(out) == expected
    home = out / "members/index.html"
    assert home.stat().st_ino == inodes[home]  # carried over by a hard link, not written


def test_an_edit_after_a_warm_build_equals_a_clean_build(hub: Path, tmp_path: Path) -> None:
    out = tmp_path / "site"
    build(hub, now=EXAMPLE_NOW, out=out)
    story = hub / "content/stories/2026-05-16-les-tests-pour-les-humains.md"
    story.write_text(story.read_text("utf-8").replace("Un test", "Un petit test", 1), "utf-8")
    member = hub / "content/members/amina-diallo.md"
    member.write_text(member.read_text("utf-8").replace("Lyon", "Lyon 4e", 1), "utf-8")
    (hub / "content/stories/2026-02-28-nouvelle.md").write_text(
        "---\ntitle: Nouvelle\ndate: 2026-02-28\nmembers: [amina-diallo]\ntags: [Entraide]\n"
        "---\nBonjour.\n", "utf-8")
    warm = build(hub, now=EXAMPLE_NOW, out=out)
    clean = build(hub, now=EXAMPLE_NOW, out=tmp_path / "clean", cache=False)
    assert 0 < warm.rendered < clean.files
    assert _tree(out) == _tree(clean.out)
    assert "Un petit test" in (out / "stories/les-tests-pour-les-humains/index.html").read_text()


def test_what_a_build_loads_is_kept_from_the_collector_until_it_ends(
        hub: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The cache and the hub a build loads live as long as it runs: they are frozen (no
    collection walks them again) while it renders, the collector runs for what is made since,
    and everything is given back to it when the build ends, well or not; objects frozen
    before (`foyer serve`) stay frozen."""
    out = tmp_path / "site"
    build(hub, now=EXAMPLE_NOW, out=out)
    seen: list[tuple[int, bool]] = []
    render = build_module.render

    def watching(*args, **kwargs):  # type: ignore[no-untyped-def]
        seen.append((gc.get_freeze_count(), gc.isenabled()))
        return render(*args, **kwargs)
    monkeypatch.setattr(build_module, "render", watching)
    story = hub / "content/stories/2026-05-16-les-tests-pour-les-humains.md"
    story.write_text(story.read_text("utf-8") + "\nUne ligne.\n", "utf-8")
    warm = build(hub, now=EXAMPLE_NOW, out=out)
    assert warm.rendered > 0 and seen
    frozen, enabled = seen[0]
    loaded = sum(1 for _ in gc.get_objects())  # what the collector tracks without that build
    assert enabled and frozen > loaded // 10, (frozen, loaded)
    assert gc.get_freeze_count() == 0 and gc.isenabled()
    gc.freeze()  # as `foyer serve` does with its hub
    try:
        before = gc.get_freeze_count()
        build(hub, now=EXAMPLE_NOW, out=tmp_path / "other")
        assert gc.get_freeze_count() >= before
    finally:
        gc.unfreeze()
    (hub / "content/members/amina-diallo.md").write_text("---\nname: [\n---\n", "utf-8")
    with pytest.raises(BuildFailed):
        build(hub, now=EXAMPLE_NOW, out=out)
    assert gc.get_freeze_count() == 0 and gc.isenabled()


def test_builds_that_bring_the_spare_site_up_to_date_equal_clean_builds(
        hub: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The site a build replaces is kept aside and brought up to date by the next build (only
    the files that differ are replaced). Its files may be hard links to the live site's: after a
    sequence of edits, additions, removals and a static file change, every site is the one a
    clean build gives, and the live site was never written through."""
    out = tmp_path / "site"
    story = hub / "content/stories/2026-05-16-les-tests-pour-les-humains.md"
    text = story.read_text("utf-8")
    steps = [
        lambda: story.write_text(text.replace("Un test", "Un petit test", 1), "utf-8"),
        lambda: (hub / "content/stories/2026-02-28-nouvelle.md").write_text(
            "---\ntitle: Nouvelle\ndate: 2026-02-28\nmembers: [amina-diallo]\n"
            "tags: [Entraide]\n---\nBonjour.\n", "utf-8"),
        lambda: story.write_text(text, "utf-8"),
        lambda: (hub / "static/robots-extra.txt").write_text("User-agent: *\n", "utf-8"),
        lambda: (hub / "content/stories/2026-02-28-nouvelle.md").unlink(),
        lambda: story.write_text(text + "\nEncore.\n", "utf-8"),
    ]
    from generator import write

    taken: list[bool] = []
    take = write.SiteWriter._take_spare
    monkeypatch.setattr(write.SiteWriter, "_take_spare",
                        lambda self: taken.append(take(self)) or taken[-1])
    build(hub, now=EXAMPLE_NOW, out=out)
    for number, step in enumerate(steps):
        step()
        built = build(hub, now=EXAMPLE_NOW, out=out)
        clean = build(hub, now=EXAMPLE_NOW, out=tmp_path / f"clean{number}", cache=False)
        assert _tree(out) == _tree(clean.out), f"step {number}"
        assert built.rendered < clean.files
    assert cache.spare_path(hub, out).is_dir()  # kept aside for the next build
    # a file gone from the spare (somebody cleaned up by hand) is written again
    (cache.spare_path(hub, out) / "members/index.html").unlink()
    story.write_text(text + "\nEncore une fois.\n", "utf-8")
    build(hub, now=EXAMPLE_NOW, out=out)
    assert _tree(out) == _tree(build(hub, now=EXAMPLE_NOW, out=tmp_path / "last",
                                     cache=False).out)
    assert taken.count(True) >= len(steps) - 1  # every build but the first two used it
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".")] == []


def test_a_write_failing_while_the_spare_is_brought_up_to_date_loses_nothing(
        hub: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The spare is moved in as the new folder before it is touched: a failure half-way leaves
    the live site as it was, and the next build is a right one."""
    from generator import write
    from generator.problems import BuildFailed

    out = tmp_path / "site"
    story = hub / "content/stories/2026-05-16-les-tests-pour-les-humains.md"
    text = story.read_text("utf-8")
    build(hub, now=EXAMPLE_NOW, out=out)
    story.write_text(text + "\nUn.\n", "utf-8")
    build(hub, now=EXAMPLE_NOW, out=out)  # the site before it is kept aside now
    before = _tree(out)
    story.write_text(text + "\nDeux.\n", "utf-8")
    put = write.SiteWriter._put
    calls: list[str] = []

    def failing(self: write.SiteWriter, path: str, data: bytes | None, born: str) -> None:
        calls.append(path)
        if self.reusing is not None and len(calls) > 3:
            raise write.WriteError("the disk is full")
        put(self, path, data, born)

    monkeypatch.setattr(write.SiteWriter, "_put", failing)
    with pytest.raises((BuildFailed, write.WriteError)):
        build(hub, now=EXAMPLE_NOW, out=out)
    assert _tree(out) == before
    monkeypatch.setattr(write.SiteWriter, "_put", put)
    build(hub, now=EXAMPLE_NOW, out=out)
    clean = build(hub, now=EXAMPLE_NOW, out=tmp_path / "clean", cache=False)
    assert _tree(out) == _tree(clean.out) and "Deux." in _tree(out)[
        "stories/les-tests-pour-les-humains/index.html"].decode()
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".")] == []


def test_a_warm_build_finds_the_broken_links_a_clean_build_finds(hub: Path,
                                                                  tmp_path: Path) -> None:
    """Only the pages rendered again have their links checked again, when the site's files and
    those pages' anchors are the last build's; else every page is: a page that was not
    rendered again still breaks when what it links to goes."""
    from generator.problems import BuildFailed

    out = tmp_path / "site"
    linking = hub / "content/stories/2026-05-16-les-tests-pour-les-humains.md"
    other = hub / "content/stories/2025-08-23-accessibilite-pour-debutants.md"
    lone = hub / "content/stories/2026-02-28-seule.md"
    lone.write_text("---\ntitle: Seule\ndate: 2026-02-28\nmembers: [amina-diallo]\n"
                    "tags: [Étiquette seule]\n---\nBonjour.\n", "utf-8")
    linking.write_text(linking.read_text("utf-8") + "\nVoir [le tag](/tags/etiquette-seule/).\n",
                       "utf-8")
    build(hub, now=EXAMPLE_NOW, out=out)
    other.write_text(other.read_text("utf-8") + "\nVoir [ailleurs](/nulle-part/).\n", "utf-8")
    with pytest.raises(BuildFailed) as failed:  # a page rendered again
        build(hub, now=EXAMPLE_NOW, out=out)
    assert "broken link '/nulle-part/'" in str(failed.value.problems[0])
    other.write_text(other.read_text("utf-8").replace("/nulle-part/", "/stories/"), "utf-8")
    assert build(hub, now=EXAMPLE_NOW, out=out).rendered > 0
    lone.unlink()  # the tag page goes: the linking page is not rendered again, but it breaks
    with pytest.raises(BuildFailed) as failed:
        build(hub, now=EXAMPLE_NOW, out=out)
    assert any("broken link '/tags/etiquette-seule/'" in str(p) and
               str(p).startswith("content/stories/2026-05-16-les-tests-pour-les-humains.md:")
               for p in failed.value.problems)


def _damage(path: Path, how: str) -> None:
    raw = path.read_bytes()
    if how == "flipped byte":
        middle = len(raw) // 2
        path.write_bytes(raw[:middle] + bytes([raw[middle] ^ 0xFF]) + raw[middle + 1:])
    elif how == "truncated":
        path.write_bytes(raw[: len(raw) // 3])
    elif how == "garbage":
        path.write_bytes(b"\x00\x01not a cache at all" * 100)
    elif how == "empty":
        path.write_bytes(b"")
    elif how == "other foyer":
        header, _, rest = raw.partition(b"\n")
        second, _, payload = rest.partition(b"\n")
        path.write_bytes(header + b"\n" + second.replace(b"|", b"0|", 1) + b"\n" + payload)


@pytest.mark.parametrize("how", ["flipped byte", "truncated", "garbage", "empty", "other foyer"])
def test_a_damaged_cache_is_ignored(hub: Path, tmp_path: Path, how: str,
                                    caplog: pytest.LogCaptureFixture) -> None:
    out = tmp_path / "site"
    build(hub, now=EXAMPLE_NOW, out=out)
    expected = _tree(out)
    story = hub / "content/stories/2026-05-16-les-tests-pour-les-humains.md"
    story.write_text(story.read_text("utf-8") + "\nUne ligne de plus.\n", "utf-8")
    clean = _tree(build(hub, now=EXAMPLE_NOW, out=tmp_path / "clean", cache=False).out)
    assert clean != expected
    _damage(cache.path_for(hub, out), how)
    with caplog.at_level(logging.WARNING, logger="generator.cache"):
        result = build(hub, now=EXAMPLE_NOW, out=out)
    assert how == "empty" or "build cache ignored" in caplog.text
    assert result.rendered > 100  # everything built again
    assert _tree(out) == clean


def test_a_cache_signed_elsewhere_is_never_loaded(hub: Path, tmp_path: Path,
                                                  monkeypatch: pytest.MonkeyPatch,
                                                  caplog: pytest.LogCaptureFixture) -> None:
    """A cache that arrives with the content (e.g. in a pull request) was signed with another
    machine's key: it is not unpickled."""
    out = tmp_path / "site"
    build(hub, now=EXAMPLE_NOW, out=out)
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "other-machine"))
    monkeypatch.setattr(cache.pickle, "load", lambda *_: pytest.fail("unpickled"))
    with caplog.at_level(logging.WARNING, logger="generator.cache"):
        result = build(hub, now=EXAMPLE_NOW, out=out)
    assert "signed elsewhere" in caplog.text and result.rendered > 100


def test_a_site_replaced_since_is_not_trusted(hub: Path, tmp_path: Path) -> None:
    out = tmp_path / "site"
    build(hub, now=EXAMPLE_NOW, out=out)
    expected = _tree(out)
    shutil.rmtree(out)  # somebody removed the site: nothing to link from
    again = build(hub, now=EXAMPLE_NOW, out=out)
    assert again.rendered > 100 and _tree(out) == expected


def test_no_cache_neither_reads_nor_writes_it(hub: Path, tmp_path: Path,
                                             monkeypatch: pytest.MonkeyPatch) -> None:
    from generator.render import reuse

    with monkeypatch.context() as patched:  # nor fingerprints outputs for a record it won't keep
        patched.setattr(reuse.Facts, "digest", lambda *_: pytest.fail("fingerprinted"))
        build(hub, now=EXAMPLE_NOW, out=tmp_path / "site", cache=False)
    assert not (hub / cache.FOLDER).exists()
    build(hub, now=EXAMPLE_NOW, out=tmp_path / "site")
    assert (hub / cache.FOLDER / ".gitignore").read_text() == "*\n"


def test_a_theme_asset_change_reaches_every_page(hub: Path, tmp_path: Path) -> None:
    """Pages link theme assets with a hash of their content: changing the CSS of a local theme
    must give every page the new link, with the cache as without it."""
    (hub / "themes/default/static").mkdir(parents=True)
    css = hub / "themes/default/static/foyer.css"
    css.write_text(":root { --accent: #036; }\n", "utf-8")
    out = tmp_path / "site"
    build(hub, now=EXAMPLE_NOW, out=out)
    css.write_text(":root { --accent: #063; }\n", "utf-8")
    build(hub, now=EXAMPLE_NOW, out=out)
    clean = build(hub, now=EXAMPLE_NOW, out=tmp_path / "clean", cache=False)
    assert _tree(out) == _tree(clean.out)
    assert "#063" in (out / "theme/foyer.css").read_text()


def test_the_command_says_what_the_cache_spared(hub: Path, capsys: pytest.CaptureFixture[str]
                                                ) -> None:
    from generator.cli import main

    now = EXAMPLE_NOW.isoformat()
    assert main(["build", str(hub), "--now", now]) == 0
    assert capsys.readouterr().out.strip().splitlines()[-1].endswith("/site/")
    assert main(["build", str(hub), "--now", now]) == 0
    assert capsys.readouterr().out.strip().endswith("; nothing changed since the last build")
    story = hub / "content/stories/2026-05-16-les-tests-pour-les-humains.md"
    story.write_text(story.read_text("utf-8") + "\nEncore une ligne.\n", "utf-8")
    assert main(["build", str(hub), "--now", now]) == 0
    last = capsys.readouterr().out.strip().splitlines()[-1]
    assert "outputs rendered again, the rest unchanged" in last
    assert main(["build", str(hub), "--now", now, "--no-cache"]) == 0
    assert capsys.readouterr().out.strip().splitlines()[-1].endswith("/site/")
