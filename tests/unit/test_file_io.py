"""The site writer's own file write and the reader's own file read: what a Python file object
would write and read."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from generator.write import _write_file


@pytest.mark.parametrize("data", [b"", b"<p>caf\xc3\xa9</p>\n", os.urandom(3 * 1024 * 1024)])
def test_a_file_holds_the_bytes_with_the_mode_open_gives(tmp_path: Path, data: bytes) -> None:
    ours, theirs = tmp_path / "ours.html", tmp_path / "theirs.html"
    _write_file(str(ours), data)
    with open(theirs, "wb") as f:
        f.write(data)
    assert ours.read_bytes() == data
    assert ours.stat().st_mode == theirs.stat().st_mode


def test_an_existing_file_is_replaced_whole(tmp_path: Path) -> None:
    target = tmp_path / "index.html"
    target.write_bytes(b"x" * 1000)
    _write_file(str(target), b"short")
    assert target.read_bytes() == b"short"


def test_a_content_file_is_read_as_read_bytes_reads_it(tmp_path: Path) -> None:
    from generator.read.discover import _read_file

    for data in (b"", b"---\ntitle: x\n---\n", os.urandom(200_000)):
        target = tmp_path / "file.md"
        target.write_bytes(data)
        assert _read_file(target, 10**6) == (len(data), target.read_bytes())
    assert _read_file(target, 1000) == (200_000, None)  # too large: not read
    with pytest.raises(IsADirectoryError):
        _read_file(tmp_path, 10**6)


def test_another_process_writes_into_the_new_folder_and_the_writer_only_notes_it(
        tmp_path: Path) -> None:
    from generator.render.outputs import Output
    from generator.write import SiteWriter, Spare, _ident

    out = tmp_path / "site"
    with SiteWriter(out) as writer:
        direct = writer.direct()
        assert direct is not None and Path(direct.folder).is_dir()  # made for it
        direct.write("stories/a/index.html", b"<p>a</p>")
        with pytest.raises(OSError):
            direct.write("../outside.html", b"no")  # then the main process is handed the bytes
        writer.add(Output("stories/a/index.html", b"", written=True))
        writer.add(Output("index.html", b"<p>home</p>"))
        assert writer.finish([]) == 2
    assert (out / "stories/a/index.html").read_bytes() == b"<p>a</p>"
    assert (out / "index.html").read_bytes() == b"<p>home</p>"
    assert not (tmp_path / "outside.html").exists()
    # a spare brought up to date may hold hard links to the live site: only the writer writes
    spare = tmp_path / "spare"
    spare.mkdir()
    with SiteWriter(out, spare=Spare(str(spare), _ident(spare), {}, {})) as writer:
        assert writer.direct() is None
        writer.finish([])
