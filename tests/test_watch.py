"""foyer serve's watcher, on the real file system (inotify through watchdog): editors save in odd
ways (in place, write aside then rename, backup and swap files, bursts), and each save gives
exactly one rebuild; temporary files alone give none; the change is in the rebuilt site."""

from __future__ import annotations

import os
import threading
import time

import pytest

from generator.serve import DEBOUNCE, Site, Watcher

STORY = "---\ntitle: Bread\ndate: 2026-01-02\nmembers: [ana]\n---\n{body}\n"
QUIET = max(0.5, DEBOUNCE * 10)  # long after a burst is over


@pytest.fixture
def watched(make_hub):  # type: ignore[no-untyped-def]
    hub = make_hub({"content/members/ana.md": "---\nname: Ana\n---\nAna.\n",
                    "content/stories/bread.md": STORY.format(body="First.")})
    site = Site(hub, now=None, drafts=False, future=False)
    site.rebuild()
    rebuilds: list[list[object]] = []
    done = threading.Event()

    def on_rebuild(problems: list[object]) -> None:
        rebuilds.append(problems)
        done.set()

    watcher = Watcher(site, on_rebuild)
    watcher.start()
    time.sleep(0.2)
    yield hub, site, rebuilds
    watcher.stop()


def _settle(rebuilds: list[list[object]], count: int) -> None:
    deadline = time.monotonic() + 10
    while len(rebuilds) < count and time.monotonic() < deadline:
        time.sleep(0.02)
    time.sleep(QUIET)  # and nothing more comes


def _page(site: Site) -> str:
    return site.files["stories/bread/index.html"].decode()


def test_each_kind_of_save_rebuilds_once(watched) -> None:  # type: ignore[no-untyped-def]
    hub, site, rebuilds = watched
    story = hub / "content/stories/bread.md"

    story.write_text(STORY.format(body="In place."), "utf-8")  # truncate, write, close
    _settle(rebuilds, 1)
    assert len(rebuilds) == 1 and "In place." in _page(site)

    aside = story.with_name(".bread.md.tmp")  # write aside, then rename over (JetBrains, gedit)
    aside.write_text(STORY.format(body="Renamed over."), "utf-8")
    os.replace(aside, story)
    _settle(rebuilds, 2)
    assert len(rebuilds) == 2 and "Renamed over." in _page(site)

    backup = story.with_name("bread.md~")  # vim: backup, write, remove the backup
    swap = story.with_name(".bread.md.swp")
    swap.write_bytes(b"vim swap")
    backup.write_bytes(story.read_bytes())
    story.write_text(STORY.format(body="Vim."), "utf-8")
    backup.unlink()
    _settle(rebuilds, 3)
    assert len(rebuilds) == 3 and "Vim." in _page(site)

    for index in range(5):  # a burst of saves within the debounce: one rebuild
        story.write_text(STORY.format(body=f"Burst {index}."), "utf-8")
    _settle(rebuilds, 4)
    assert len(rebuilds) == 4 and "Burst 4." in _page(site)
    assert all(problems == [] for problems in rebuilds)


def test_temporary_files_alone_do_not_rebuild(watched) -> None:  # type: ignore[no-untyped-def]
    hub, _, rebuilds = watched
    folder = hub / "content/stories"
    for name in (".bread.md.swp", "bread.md~", ".#bread.md", "#bread.md#", "bread.md.orig"):
        (folder / name).write_text("x", "utf-8")
    time.sleep(QUIET)
    assert rebuilds == []


def test_a_new_and_a_deleted_file_are_seen(watched) -> None:  # type: ignore[no-untyped-def]
    hub, site, rebuilds = watched
    (hub / "content/stories/soup.md").write_text(
        STORY.format(body="Soup.").replace("Bread", "Soup"), "utf-8")
    _settle(rebuilds, 1)
    assert "stories/soup/index.html" in site.files
    (hub / "content/stories/soup.md").unlink()
    _settle(rebuilds, 2)
    assert "stories/soup/index.html" not in site.files
    assert len(rebuilds) == 2
