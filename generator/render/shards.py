"""Outputs rendered over several processes, merged back in the one order of a serial build.

Worker processes are forked once the bodies are rendered, so each holds the same hub, theme
and bodies. Every process walks the same renderers in the same order; an output belongs to
one process by its folder (a tag's page and its three feeds stay together, so the feed made for
them is made once). The pages that list pieces are the main process's; every other folder is
claimed as the walk reaches it (Claims): by the main process when it gets there first, by a
worker when it gets there first and at least DISTANCE folders ahead of the main process, so
that the main process, which must take the outputs in order, always has folders of its own to
render instead of waiting for the one a worker is rendering. The process with less to do takes
more: no share to tune, whatever the hub's mix of pages. A worker renders only its own
outputs and streams (path, bytes, hub facts read, what the build checks on the bytes) back
through a pipe, in walking order; the main process renders its own and, for the others, takes
the worker's bytes where a serial build would have rendered them, so the build record and
writing are the same code on the same sequence. A worker that dies or sends less than
expected only means its outputs are rendered in the main process: the bytes are the same
either way.
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
OUTBOX_DIRECT = 1024  # the same when workers write their outputs (each message is small)
SHARES = 1000
DISTANCE = 64  # folders ahead of the main process that a worker leaves to it
LOCK_WAIT = 5.0  # seconds: a lock held longer belongs to a process that died holding it


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


class Claims:
    """Which process renders each folder, decided as the walk reaches it, in memory shared by
    the processes of one render. Every process numbers the folders in the order it first meets
    them (the same order in all: they walk the same renderers over the same hub), and each
    slot also keeps the folder's checksum: a folder met in another order is left to the main
    process, and one past the table's end goes by the fixed split (shard_of). A process that
    cannot take the lock in LOCK_WAIT seconds (its holder died in the few instructions it holds
    it) claims nothing more: what nobody claimed is the main process's. Whatever happens, an
    output is rendered by the process that claimed it, or again by the main process (the bytes
    are the same), and no process waits for an output nobody renders."""

    def __init__(self, size: int, weights: tuple[int, ...]):
        context = mp.get_context("fork")
        self.weights = weights
        self.owners = context.RawArray("b", size)  # 0: unclaimed; else the process's index + 1
        self.checks = context.RawArray("I", size)  # crc32 of the folder in that slot
        self.main_at = context.RawValue("i", 0)  # the slot the main process walks now
        self.waiting = context.RawValue("b", 0)  # the main process waits for a worker's output
        self.lock = context.Lock()
        self.slots: dict[str, int] = {}  # this process's numbering (copied by the fork, empty)
        self.broken = False  # this process could not take the lock: it claims nothing more

    def owner(self, path: str, me: int) -> int:
        """The process that renders `path`, claiming its folder for `me` when the rules allow:
        the main process (0) takes any folder nobody has; a worker only one far enough ahead
        of the main process."""
        if _LISTS.fullmatch(path):
            return 0
        folder = posixpath.dirname(path)
        slot = self.slots.get(folder)
        if slot is None:
            slot = self.slots[folder] = len(self.slots)
        if slot >= len(self.owners):
            return shard_of(path, self.weights)
        check = zlib.crc32(folder.encode())
        if me == 0:
            self.main_at.value = slot
        if not self.broken and not self.lock.acquire(timeout=LOCK_WAIT):
            self.broken = True
        if self.broken:  # a slot once claimed stays so: read without the lock
            owner = self.owners[slot]
            return owner - 1 if owner and self.checks[slot] == check else 0
        try:
            owner = self.owners[slot]
            if owner:
                return owner - 1 if self.checks[slot] == check else 0
            if me != 0 and slot < self.main_at.value + DISTANCE:
                return 0  # the main process is near: left to it (it only moves on)
            self.owners[slot] = me + 1
            self.checks[slot] = check
            return me
        finally:
            self.lock.release()


class Shards:
    """In the main process: which outputs are someone else's, and their bytes once sent."""

    def __init__(self, processes: int, main_share: float, walk: Callable[[Shard], None],
                 examine: Callable[[Output], Any], record: bool = True, direct: Any = None,
                 folders: int = 0):
        """Fork `processes - 1` workers, each running `walk` with its own Shard, which runs
        `examine` on the bytes of each output it renders and sends the result along, with the
        hub facts it read when `record` (a build that fingerprints nothing needs none). With
        `direct` (write.Direct), a worker writes each output into the new site folder itself
        and sends no bytes: the main process gets WRITTEN for them. `folders`: about how many
        folders the walk will meet; they are claimed as it goes (Claims), and any beyond
        are split by `main_share` (as all are when it is 0)."""
        self.weights = weights_for(processes, main_share)
        self.claims = Claims(folders, self.weights) if folders > 0 else None
        context = mp.get_context("fork")
        self.pipes: list[Any] = []
        self.workers: list[Any] = []
        for index in range(1, processes):
            receive, send = context.Pipe(duplex=False)
            shard = Shard(index, self.weights, send, examine, record, direct, self.claims)
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
        owner = self._owner(path)
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
        owner = self._owner(path)
        found = self._taken(owner, path) if owner != 0 else None
        if found is None:
            return None
        return Output(path, b"", written=True) if found[0] is None else Output(path, found[0])

    def _owner(self, path: str) -> int:
        return self.claims.owner(path, 0) if self.claims is not None \
            else shard_of(path, self.weights)

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
            pipe = self.pipes[worker]
            if self.claims is not None and not pipe.poll():
                self.claims.waiting.value = 1  # the worker sends what it has, then each output
            try:
                batch = pipe.recv()
            except (EOFError, OSError):
                batch = None
            finally:
                if self.claims is not None:
                    self.claims.waiting.value = 0
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
                 examine: Callable[[Output], Any], record: bool = True, direct: Any = None,
                 claims: Claims | None = None):
        self.index = index
        self.direct = direct  # write.Direct: outputs written here, not sent
        self.record = record  # note the hub facts each output reads (for the build record)
        self.weights = weights
        self.claims = claims  # folders claimed as the walk goes; None: the fixed split
        self.pipe = pipe
        self.examine = examine  # the build's checks on an output's bytes, run here
        self.batch: list[tuple[str, bytes, tuple[str, ...], Any]] = []
        self.outbox: queue.Queue[Any] = queue.Queue(OUTBOX_DIRECT if direct else OUTBOX)
        self.sender: threading.Thread | None = None
        self.broken = False  # the main process stopped listening

    def owns(self, path: str) -> bool:
        if self.claims is None:
            return shard_of(path, self.weights) == self.index
        if self.claims.owner(path, self.index) == self.index:
            return True
        if self.batch and self.claims.main_at.value + DISTANCE > len(self.claims.slots):
            self.flush()  # the main process is close behind: it will soon ask for these
        return False

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
        if len(self.batch) >= BATCH or self.claims is not None and self.claims.waiting.value:
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
