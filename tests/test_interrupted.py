"""A build killed at any moment (SIGKILL) leaves the previous site whole, and the next build is
correct; a full disk or a read-only output folder gives one clear error and keeps the site."""

from __future__ import annotations

import hashlib
import os
import random
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from generator.build import build
from generator.problems import BuildFailed

from .conftest import EXAMPLE_NOW, require_tool


def digest(folder: Path) -> dict[str, str]:
    return {p.relative_to(folder).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(folder.rglob("*"))
            if p.is_file() and "pagefind" not in p.relative_to(folder).parts}


@pytest.mark.timeout(600)
def test_sigkill_at_random_moments(example_copy: Path, tmp_path: Path) -> None:
    hub = tmp_path / "hub"
    shutil.copytree(example_copy, hub)
    out = tmp_path / "site"
    build(hub, now=EXAMPLE_NOW, out=out)
    previous = digest(out)
    command = [sys.executable, "-m", "generator", "build", str(hub), "--out", str(out),
               "--now", EXAMPLE_NOW.isoformat()]
    started = time.perf_counter()
    subprocess.run(command, check=True, capture_output=True)
    full = time.perf_counter() - started
    rng = random.Random(20261124)
    for _ in range(12):
        process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        time.sleep(rng.uniform(0.05, full))
        process.send_signal(signal.SIGKILL)
        process.wait()
        assert out.is_dir(), "the site disappeared"
        assert digest(out) == previous
    subprocess.run(command, check=True, capture_output=True)
    assert digest(out) == previous
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".site")] == []


def _mount_tmpfs(target: Path, size: str) -> bool:
    if os.geteuid() != 0 or shutil.which("mount") is None:
        return False
    done = subprocess.run(["mount", "-t", "tmpfs", "-o", f"size={size}", "tmpfs", str(target)],
                          capture_output=True)
    return done.returncode == 0


def test_full_disk_keeps_the_previous_site(make_hub, now, tmp_path: Path) -> None:
    disk = tmp_path / "disk"
    disk.mkdir()
    require_tool(_mount_tmpfs(disk, "400k"), "a tmpfs mount (needs root) to fill a disk")
    try:
        hub = make_hub({"content/members/ana.md": "---\nname: Ana\n---\nAna.\n"},
                       hub_yaml="title: T\nbase_url: https://t.example/\nsearch:\n  enabled: false\n")
        out = disk / "site"
        build(hub, now=now, out=out)
        previous = digest(out)
        (hub / "static").mkdir()
        (hub / "static/big.bin").write_bytes(os.urandom(500_000))
        with pytest.raises(BuildFailed) as failed:
            build(hub, now=now, out=out)
        assert len(failed.value.problems) == 1
        assert "the disk is full; the previous site is untouched" in str(failed.value.problems[0])
        assert digest(out) == previous
        assert [p.name for p in disk.iterdir()] == ["site"]
    finally:
        subprocess.run(["umount", str(disk)], check=False)


def test_read_only_output_folder(make_hub, now, tmp_path: Path) -> None:
    disk = tmp_path / "ro"
    disk.mkdir()
    require_tool(_mount_tmpfs(disk, "4m"), "a tmpfs mount (needs root) to make it read-only")
    try:
        hub = make_hub({"content/members/ana.md": "---\nname: Ana\n---\nAna.\n"})
        out = disk / "site"
        build(hub, now=now, out=out)
        previous = digest(out)
        subprocess.run(["mount", "-o", "remount,ro", str(disk)], check=True)
        with pytest.raises(BuildFailed) as failed:  # (an up-to-date site needs no writing)
            build(hub, now=now, out=out, cache=False)
        assert len(failed.value.problems) == 1
        assert "Read-only file system" in str(failed.value.problems[0])
        assert digest(out) == previous
    finally:
        subprocess.run(["umount", str(disk)], check=False)


def _gone(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except (OSError, IndexError):
        return True
    return state in ("Z", "X")  # exited, waiting to be reaped by whoever adopted it


@pytest.mark.timeout(120)
def test_a_build_killed_while_reading_leaves_no_process_behind(example_copy: Path,
                                                               tmp_path: Path) -> None:
    """The process that renders bodies while the hub is read waits to be asked for them: if the
    build is killed meanwhile, it notices and exits."""
    if not Path("/proc/self/stat").exists():
        pytest.skip("needs /proc to see the processes")
    noted = tmp_path / "ahead.pid"
    script = (
        "import sys, time\n"
        "from generator import build, cli\n"
        "build.PARALLEL_MIN_PIECES = 1\n"
        "start = build.BodiesAhead.__init__\n"
        "def noting(self, *args):\n"
        "    start(self, *args)\n"
        f"    open({str(noted)!r}, 'w').write(str(self.worker.pid))\n"
        "build.BodiesAhead.__init__ = noting\n"
        "load = build._load\n"
        "build._load = lambda *a, **k: (time.sleep(60), load(*a, **k))[1]\n"
        "raise SystemExit(cli.main())\n")
    process = subprocess.Popen(
        [sys.executable, "-c", script, "build", str(example_copy), "--out",
         str(tmp_path / "site"), "--now", EXAMPLE_NOW.isoformat(), "--jobs", "2"],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        deadline = time.monotonic() + 30
        while not noted.exists() or not noted.read_text():
            assert time.monotonic() < deadline and process.poll() is None
            time.sleep(0.05)
        worker = int(noted.read_text())
        time.sleep(0.5)  # its bodies rendered, waiting to be asked for them
        assert not _gone(worker)
    finally:
        process.send_signal(signal.SIGKILL)
        process.wait()
    deadline = time.monotonic() + 15
    while not _gone(worker):
        assert time.monotonic() < deadline, "the process ahead outlived the build"
        time.sleep(0.1)
