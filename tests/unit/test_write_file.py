"""The site writer's own file write: the bytes and the mode a Python file object would give."""

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
