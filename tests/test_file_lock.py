"""The store's file lock: flock, exclusive between processes and between threads,
re-entrant within a thread, interoperable with filelock's locks."""

from __future__ import annotations

import subprocess
import sys
import threading
import time
from pathlib import Path

import filelock
import pytest

from store.storage.files import FileLock, LockTimeout, file_lock


def test_a_held_lock_times_out_another_thread_and_is_reentrant_in_its_own(tmp_path: Path):
    lock = file_lock(tmp_path / ".lock", timeout=5)
    lock.acquire()
    lock.acquire()  # re-entrant: the same thread takes it again
    caught: list[BaseException] = []

    def other() -> None:
        try:
            lock.acquire(timeout=0.1)
        except LockTimeout as exc:
            caught.append(exc)

    thread = threading.Thread(target=other)
    thread.start()
    thread.join()
    assert len(caught) == 1 and ".lock is locked" in str(caught[0])
    lock.release()
    assert lock.is_locked  # still held once
    lock.release()
    assert not lock.is_locked
    thread = threading.Thread(target=lambda: (lock.acquire(timeout=0), lock.release()))
    thread.start()
    thread.join()


def test_a_waiter_gets_the_lock_when_it_is_released(tmp_path: Path):
    holder, taken = FileLock(tmp_path / ".lock", timeout=5), threading.Event()

    def hold() -> None:
        holder.acquire()
        taken.set()
        time.sleep(0.2)
        holder.release()

    threading.Thread(target=hold).start()
    taken.wait()
    waiter = FileLock(tmp_path / ".lock", timeout=5)
    started = time.monotonic()
    waiter.acquire()  # its own default time-out
    assert 0.1 < time.monotonic() - started < 4
    waiter.release()


def test_it_excludes_filelock_in_another_process_and_the_other_way(tmp_path: Path):
    path = tmp_path / ".lock"
    code = (
        "import sys, time, filelock\n"
        "lock = filelock.FileLock(sys.argv[1]); lock.acquire(); print('held', flush=True)\n"
        "sys.stdin.readline()\n"
    )
    child = subprocess.Popen(
        [sys.executable, "-c", code, str(path)],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert child.stdout is not None and child.stdout.readline().strip() == "held"
        with pytest.raises(LockTimeout):
            FileLock(path, timeout=0.2).acquire()
    finally:
        child.communicate("\n", timeout=10)
    ours = FileLock(path, timeout=0)
    ours.acquire()
    with pytest.raises(filelock.Timeout):
        filelock.FileLock(path, timeout=0.1).acquire()
    ours.release()
    theirs = filelock.FileLock(path, timeout=0)
    theirs.acquire()
    theirs.release()


def test_without_flock_it_is_filelock_behind_the_same_interface(tmp_path: Path, monkeypatch):
    from store.storage import files

    monkeypatch.setattr(files, "fcntl", None)  # as on Windows
    lock = files.file_lock(tmp_path / ".lock", timeout=0.1)
    assert type(lock) is not FileLock
    lock.acquire()
    assert lock.is_locked
    with pytest.raises(LockTimeout):
        files.file_lock(tmp_path / ".lock", timeout=0.1).acquire()
    lock.release()
    assert not lock.is_locked
