"""A build whose inputs, options and clock are all as the last build's found them, into a site
that is still the one it wrote, does nothing: it says so, reports the same problems, and writes
nothing. Any change — an edit that keeps the file's modification time, a removed output, other
options, a moving clock, a note that was tampered with — builds as usual."""

from __future__ import annotations

import os
import shutil
import time
from pathlib import Path

import pytest

from generator import uptodate
from generator.build import build
from tests.conftest import EXAMPLE_NOW, ROOT, copy_example

STORY = "content/stories/2026-05-16-les-tests-pour-les-humains.md"


@pytest.fixture
def hub(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))  # this test's signing key
    root = copy_example(tmp_path / "hub")
    (root / "content/members/sans-bio.md").write_text("---\nname: Sans Bio\n---\n", "utf-8")
    time.sleep(0.05)  # a tick of the file system's clock after the files were written
    return root


def _state(site: Path) -> dict[str, tuple[int, int]]:
    return {p.relative_to(site).as_posix(): (p.stat().st_ino, p.stat().st_mtime_ns)
            for p in site.rglob("*")}


def test_nothing_changed_means_nothing_done(hub: Path, tmp_path: Path,
                                            monkeypatch: pytest.MonkeyPatch) -> None:
    out = tmp_path / "site"
    first = build(hub, now=EXAMPLE_NOW, out=out)
    assert any("member has no bio" in str(p) for p in first.problems)
    before = _state(out)
    import generator.cache

    monkeypatch.setattr(generator.cache, "load", lambda *_: pytest.fail("cache read"))
    again = build(hub, now=EXAMPLE_NOW, out=out)
    assert again.rendered == 0 and _state(out) == before
    assert again.problems == first.problems  # reported again, the same
    assert (again.pieces, again.pages, again.files) == (first.pieces, first.pages, first.files)


def test_an_edit_that_keeps_the_modification_time_is_seen(hub: Path, tmp_path: Path) -> None:
    out = tmp_path / "site"
    build(hub, now=EXAMPLE_NOW, out=out)
    story = hub / STORY
    st = story.stat()
    text = story.read_text("utf-8")
    story.write_text(text.replace("Un test", "Un zest", 1), "utf-8")  # same size
    os.utime(story, ns=(st.st_atime_ns, st.st_mtime_ns))  # as cp -p or rsync -t would
    assert story.stat().st_size == st.st_size and story.stat().st_mtime_ns == st.st_mtime_ns
    result = build(hub, now=EXAMPLE_NOW, out=out)
    assert result.rendered > 0
    assert "Un zest" in (out / "stories/les-tests-pour-les-humains/index.html").read_text()


@pytest.mark.parametrize("change", ["removed output", "other options", "new theme file",
                                    "tampered note", "new file"])
def test_any_change_builds(hub: Path, tmp_path: Path, change: str) -> None:
    out = tmp_path / "site"
    build(hub, now=EXAMPLE_NOW, out=out)
    options: dict[str, bool] = {}
    if change == "removed output":
        (out / "stories/les-tests-pour-les-humains/index.html").unlink()
    elif change == "other options":
        options = {"drafts": True}
    elif change == "new theme file":
        (hub / "themes/default/templates").mkdir(parents=True)
        shutil.copy2(ROOT / "themes/default/templates/404.html",
                     hub / "themes/default/templates/404.html")
    elif change == "tampered note":
        note = next((hub / ".foyer-cache").glob("*.up"))
        note.write_bytes(note.read_bytes().replace(b'"drafts":false', b'"drafts":true'))
    elif change == "new file":
        (hub / "content/stories/2026-02-28-nouvelle.md").write_text(
            "---\ntitle: Nouvelle\ndate: 2026-02-28\nmembers: [amina-diallo]\n---\nBonjour.\n",
            "utf-8")
    result = build(hub, now=EXAMPLE_NOW, out=out, **options)
    assert (out / "stories/les-tests-pour-les-humains/index.html").is_file()
    if change in ("removed output", "tampered note"):
        return  # built from the cache: nothing to render again, the site written whole
    assert result.rendered > 0


def test_a_moving_clock_always_builds(hub: Path, tmp_path: Path,
                                      monkeypatch: pytest.MonkeyPatch) -> None:
    out = tmp_path / "site"
    build(hub, now=None, out=out)
    monkeypatch.setattr(uptodate, "check", lambda *_: pytest.fail("asked without --now"))
    build(hub, now=None, out=out)


def test_a_file_stamped_in_the_same_clock_tick_is_never_trusted(hub: Path,
                                                                 tmp_path: Path) -> None:
    """A file stamped at or after the moment the build looked (by the file system's clock)
    could be written again with the same stat: no note then."""
    out = tmp_path / "site"
    story = hub / STORY
    story.write_text(story.read_text("utf-8") + "\nDe plus.\n", "utf-8")
    later = time.time_ns() + 30 * 10**9  # as a coarse file system clock would stamp it
    os.utime(story, ns=(later, later))
    build(hub, now=EXAMPLE_NOW, out=out)
    assert not list((hub / ".foyer-cache").glob("*.up"))
    os.utime(story, ns=(later - 60 * 10**9,) * 2)
    time.sleep(0.05)  # (the change time is now: a tick before the next build looks)
    build(hub, now=EXAMPLE_NOW, out=out)
    assert list((hub / ".foyer-cache").glob("*.up"))


def test_a_build_without_the_cache_forgets_the_note(hub: Path, tmp_path: Path) -> None:
    out = tmp_path / "site"
    build(hub, now=EXAMPLE_NOW, out=out)
    assert list((hub / ".foyer-cache").glob("*.up"))
    build(hub, now=EXAMPLE_NOW, out=out, cache=False)
    assert not list((hub / ".foyer-cache").glob("*.up"))


def test_a_commit_in_the_repository_around_the_hub_builds(hub: Path, tmp_path: Path) -> None:
    """Contributions and 'updated' dates come from git: a commit is a change, also when the
    repository's root is a folder above the hub."""
    import subprocess

    def git(*args: str) -> None:
        subprocess.run(["git", "-C", str(tmp_path), "-c", "user.name=T", "-c",
                        "user.email=t@example.org", *args], check=True, capture_output=True)

    git("init", "-q")
    git("add", "hub")
    git("commit", "-qm", "hub")
    out = tmp_path / "site"
    build(hub, now=EXAMPLE_NOW, out=out)
    time.sleep(0.05)
    build(hub, now=EXAMPLE_NOW, out=out)  # (the first may have met a racy file: now noted)
    options = {"now": EXAMPLE_NOW.isoformat(), "drafts": False, "future": False,
               "strict": False, "link_check": True, "require_git": False,
               "out": str(out.resolve())}
    assert uptodate.check(hub, out, options) is not None
    git("commit", "-q", "--allow-empty", "-m", "more")
    assert uptodate.check(hub, out, options) is None
