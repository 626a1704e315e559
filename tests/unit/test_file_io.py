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
