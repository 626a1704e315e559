"""Outputs rendered over several processes, merged back in the one order of a serial build.

Worker processes are forked once the bodies are rendered, so each holds the same hub, theme
and bodies. Every process walks the same renderers in the same order; an output belongs to
one process by its folder (a tag's page and its three feeds stay together, so the feed made for
them is made once). A worker renders only its own outputs and streams (path, bytes, hub facts
read, what the build checks on the bytes) back through a pipe, in walking order; the main
process renders its own and, for the others, takes the worker's bytes where a serial build
would have rendered them, so the build record and writing are the same code on the same
sequence. A worker that dies or sends less than expected only means its outputs are rendered
in the main process: the bytes are the same either way.
"""

from __future__ import annotations

import multiprocessing as mp
import os
import posixpath
import queue
import re
import threading
import zlib
from collections.abc import Callable
from typing import Any

from generator.render.outputs import WRITTEN, Output
from generator.render.reuse import Recorder

BATCH = 64  # outputs per message from a worker
OUTBOX = 32  # messages a worker keeps while the main process is busy (its own outputs, writing)
SHARES = 1000


# Pages that list pieces as cards: the home page, the story list, tag and member pages. A card
# is rendered once per process that shows it (Theme.memo), and a story's card stands on its
# list page, its tags' and its member's, which fall in different folders: all of them in the
# main process, every card is rendered once in the build instead of once in each process.
_LISTS = re.compile(r"index\.html|stories/(?:page/\d+/)?index\.html"
                    r"|tags/[^/]+/(?:page/\d+/)?index\.html|members/[^/]+/index\.html")


def shard_of(path: str, weights: tuple[int, ...]) -> int:
    """The process that renders `path`: the main process for the pages that list pieces, any
    other by its folder (a feed's three formats stay together), spread by `weights` (per
    mille)."""
    if _LISTS.fullmatch(path):
        return 0
    point = zlib.crc32(posixpath.dirname(path).encode()) % SHARES
    for index, weight in enumerate(weights):
        if point < weight:
            return index
        point -= weight
    return len(weights) - 1


def weights_for(processes: int, main_share: float) -> tuple[int, ...]:
    """The main process also checks and writes every output: it renders a smaller share."""
    main = round(SHARES * main_share)
    rest = SHARES - main
    others = [rest // (processes - 1)] * (processes - 1)
    others[-1] += rest - sum(others)
    return (main, *others)


class Shards:
    """In the main process: which outputs are someone else's, and their bytes once sent."""

    def __init__(self, processes: int, main_share: float, walk: Callable[[Shard], None],
                 examine: Callable[[Output], Any], record: bool = True, direct: Any = None):
        """Fork `processes - 1` workers, each running `walk` with its own Shard, which runs
        `examine` on the bytes of each output it renders and sends the result along, with the
        hub facts it read when `record` (a build that fingerprints nothing needs none). With
        `direct` (write.Direct), a worker writes each output into the new site folder itself
        and sends no bytes: the main process gets WRITTEN for them."""
        self.weights = weights_for(processes, main_share)
        context = mp.get_context("fork")
        self.pipes: list[Any] = []
        self.workers: list[Any] = []
        for index in range(1, processes):
            receive, send = context.Pipe(duplex=False)
            shard = Shard(index, self.weights, send, examine, record, direct)
            worker = context.Process(target=_work, args=(walk, shard), daemon=True)
            worker.start()
            send.close()
            self.pipes.append(receive)
            self.workers.append(worker)
        self.ready: list[dict[str, tuple[bytes, tuple[str, ...], Any]]] = [
            {} for _ in self.pipes]
        self.found: dict[str, Any] = {}  # what workers examined on the bytes they sent
        self.done = [False] * len(self.pipes)

    def make(self, path: str, make: Callable[[Recorder | None], bytes]
             ) -> Callable[[Recorder | None], bytes]:
        """`make` itself for the main process's outputs; for a worker's, its bytes."""
        owner = shard_of(path, self.weights)
        if owner == 0:
            return make

        def fetched(recorder: Recorder | None) -> bytes:
            found = self._taken(owner, path)
            if found is None:
                return make(recorder)  # the worker is gone: rendered here, the same bytes
            data, reads = found
            if recorder is not None:
                recorder.reads.update(dict.fromkeys(reads))
            return WRITTEN if data is None else data
        return fetched

    def worker_output(self, path: str) -> Output | None:
        """A worker's output, taken as it is (bytes, and what it examined on them), or None
        when `path` is this process's (or the worker is gone: it is rendered here then)."""
        owner = shard_of(path, self.weights)
        found = self._taken(owner, path) if owner != 0 else None
        if found is None:
            return None
        return Output(path, b"", written=True) if found[0] is None else Output(path, found[0])

    def _taken(self, owner: int, path: str) -> tuple[bytes | None, tuple[str, ...]] | None:
        """The bytes and reads worker `owner` sent for `path` (None for bytes it wrote itself;
        what it examined is kept for `examined`), or None when it is gone without sending
        them."""
        found = self._take(owner - 1, path)
        if found is None:
            return None
        data, reads, self.found[path] = found
        return data, reads

    def examined(self, path: str) -> Any:
        """What the worker that rendered `path` examined on its bytes (Shard.examine), or
        None when this process rendered it."""
        return self.found.pop(path, None)

    def _take(self, worker: int, path: str) -> tuple[bytes, tuple[str, ...], Any] | None:
        ready = self.ready[worker]
        while path not in ready and not self.done[worker]:
            try:
                batch = self.pipes[worker].recv()
            except (EOFError, OSError):
                batch = None
            if batch is None:
                self.done[worker] = True
            else:
                ready.update((p, (d, r, e)) for p, d, r, e in batch)
        return ready.pop(path, None)

    def close(self) -> None:
        for pipe in self.pipes:
            pipe.close()
        for worker in self.workers:
            worker.join(timeout=5)
            if worker.is_alive():
                worker.kill()
                worker.join()


class Shard:
    """In a worker: renders its own outputs and sends them; the others it only walks past.
    Messages go through a thread, so that rendering goes on while the main process, busy with
    its own outputs, does not read the pipe."""

    def __init__(self, index: int, weights: tuple[int, ...], pipe: Any,
                 examine: Callable[[Output], Any], record: bool = True, direct: Any = None):
        self.index = index
        self.direct = direct  # write.Direct: outputs written here, not sent
        self.record = record  # note the hub facts each output reads (for the build record)
        self.weights = weights
        self.pipe = pipe
        self.examine = examine  # the build's checks on an output's bytes, run here
        self.batch: list[tuple[str, bytes, tuple[str, ...], Any]] = []
        self.outbox: queue.Queue[Any] = queue.Queue(OUTBOX)
        self.sender: threading.Thread | None = None
        self.broken = False  # the main process stopped listening

    def owns(self, path: str) -> bool:
        return shard_of(path, self.weights) == self.index

    def render(self, path: str, make: Callable[[Recorder | None], bytes]) -> None:
        if not self.owns(path):
            return
        recorder = Recorder() if self.record else None  # None: the hub itself, not a view
        data = make(recorder)
        reads = tuple(recorder.reads) if recorder is not None else ()
        examined = self.examine(Output(path, data))
        sent: bytes | None = data
        if self.direct is not None:
            try:
                self.direct.write(path, data)
                sent = None  # written: the main process notes it
            except OSError:
                pass  # the main process writes the bytes, or says why it cannot
        self.batch.append((path, sent, reads, examined))
        if len(self.batch) >= BATCH:
            self.flush()

    def flush(self) -> None:
        if self.batch:
            self._send(self.batch)
            self.batch = []

    def finish(self) -> None:
        """Send what is left and the end mark; return once all is sent."""
        self.flush()
        self._send(None)
        if self.sender is not None:
            self.outbox.put(_STOP)
            self.sender.join()
        if self.broken:
            raise BrokenPipeError

    def _send(self, message: Any) -> None:
        if self.broken:
            raise BrokenPipeError
        if self.sender is None:
            self.sender = threading.Thread(target=self._drain, daemon=True)
            self.sender.start()
        self.outbox.put(message)

    def _drain(self) -> None:
        while (message := self.outbox.get()) is not _STOP:
            if not self.broken:
                try:
                    self.pipe.send(message)
                except OSError:  # BrokenPipeError among them: what is left is dropped
                    self.broken = True


_STOP = object()


def _work(walk: Callable[[Shard], None], shard: Shard) -> None:
    try:
        walk(shard)
        shard.finish()
    except BrokenPipeError:
        pass  # the main process stopped listening (it failed, or renders the rest itself)
    finally:
        shard.pipe.close()
        os._exit(0)  # nothing of the parent's (atexit, temporary folders) runs here


def available() -> bool:
    return "fork" in mp.get_all_start_methods()
