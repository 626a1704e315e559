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


# `foyer build` itself: with nothing to do, it answers before it imports the build (the
# hub's settings, the model, the renderers: most of a no-change build's time at 10,000
# stories), from the clock as it was given
NOW_ARG = EXAMPLE_NOW.isoformat()
_COMMAND = """import sys
from generator.cli import main
code = main(sys.argv[1:])
heavy = sorted(m for m in ("generator.build", "generator.config", "jinja2", "yaml")
               if m in sys.modules)
print("imported:", ",".join(heavy) or "none")
raise SystemExit(code)
"""


def _command(hub: Path, out: Path, *args: str, env: dict[str, str] | None = None
             ) -> tuple[str, str]:
    import subprocess
    import sys

    done = subprocess.run([sys.executable, "-c", _COMMAND, "build", str(hub), "--out", str(out),
                           *args], capture_output=True, text=True, check=True, cwd=ROOT,
                          env={**os.environ, **(env or {})})
    return done.stdout, done.stderr


def test_the_command_says_nothing_changed_before_importing_the_build(hub: Path,
                                                                      tmp_path: Path) -> None:
    out = tmp_path / "site"
    first, warned = _command(hub, out, "--now", NOW_ARG)
    assert "imported: generator.build" in first and "member has no bio" in warned
    before = _state(out)
    again, warned_again = _command(hub, out, "--now", NOW_ARG)
    assert "nothing changed since the last build" in again
    assert "imported: none" in again, again  # the answer came from the note alone
    assert warned_again == warned  # the same problems, said the same way
    assert again.split(" in ")[0] == first.split(" in ")[0]  # pieces, pages, files
    assert _state(out) == before
    # the same instant given another way: the build compares it (it is up to date), and notes
    # that spelling; the next command with it answers at once
    env = {"SOURCE_DATE_EPOCH": str(int(EXAMPLE_NOW.timestamp()))}
    other, _ = _command(hub, out, env=env)
    assert "nothing changed" in other and "imported: generator.build" in other
    other, _ = _command(hub, out, env=env)
    assert "nothing changed" in other and "imported: none" in other
    assert _state(out) == before


@pytest.mark.parametrize("change", ["edited story", "other options", "another clock"])
def test_the_command_builds_what_changed(hub: Path, tmp_path: Path, change: str) -> None:
    out = tmp_path / "site"
    _command(hub, out, "--now", NOW_ARG)
    args = ["--now", NOW_ARG]
    if change == "edited story":
        story = hub / STORY
        story.write_text(story.read_text("utf-8").replace("Un test", "Un zest", 1), "utf-8")
    elif change == "other options":
        args.append("--drafts")
    else:
        args = ["--now", "2026-11-25T12:00:00+01:00"]
    said, _ = _command(hub, out, *args)
    assert "imported: generator.build" in said and "nothing changed" not in said
    if change == "edited story":
        assert "Un zest" in (out / "stories/les-tests-pour-les-humains/index.html").read_text()


def test_the_command_checks_once(hub: Path, tmp_path: Path,
                                 monkeypatch: pytest.MonkeyPatch) -> None:
    """What the command found changed, the build does not look at again."""
    from generator.cli import main

    out = tmp_path / "site"
    assert main(["build", str(hub), "--out", str(out), "--now", NOW_ARG]) == 0
    story = hub / STORY
    story.write_text(story.read_text("utf-8") + "\nDe plus.\n", "utf-8")
    monkeypatch.setattr(uptodate, "check", lambda *_: pytest.fail("checked twice"))
    assert main(["build", str(hub), "--out", str(out), "--now", NOW_ARG]) == 0
    assert "De plus." in (out / "stories/les-tests-pour-les-humains/index.html").read_text()
