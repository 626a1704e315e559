"""SiteWriter's queue: the renderer goes on while the writer thread works, and what waits for
the disk is bounded in bytes as well as in outputs."""

from __future__ import annotations

import threading
import time
from pathlib import Path

import pytest

from generator import write
from generator.render.outputs import Output


def test_what_waits_for_the_writer_is_bounded_in_bytes(monkeypatch: pytest.MonkeyPatch,
                                                       tmp_path: Path) -> None:
    monkeypatch.setattr(write, "WRITE_BYTES", 1000)
    put = write.SiteWriter._put
    seen: list[int] = []
    slow = threading.Event()

    def slow_put(self: write.SiteWriter, path: str, data: bytes | None, born: str) -> None:
        seen.append(self._queued_bytes)
        if not slow.is_set():
            time.sleep(0.01)  # a slow disk: the renderer must wait for room
        put(self, path, data, born)

    monkeypatch.setattr(write.SiteWriter, "_put", slow_put)
    outputs = [Output(f"p{i}/index.html", bytes([65 + i % 26]) * (300 + i)) for i in range(40)]
    outputs.append(Output("big/index.html", b"x" * 5000))  # larger than the budget: alone
    with write.SiteWriter(tmp_path / "site") as writer:
        for output in outputs:
            writer.add(output)
            assert writer._queued_bytes <= max(1000, len(output.data))
        slow.set()
        writer.finish([])
    assert max(seen) <= 5000 and len(seen) == len(outputs)
    for output in outputs:
        assert (tmp_path / "site" / output.path).read_bytes() == output.data
