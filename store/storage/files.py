"""Crash-safe store files: atomic writes, `.bak` copies, locks, stamps, the orjson TinyDB storage.

Every store file is replaced whole: a temp file in the same folder is written, flushed and
fsynced, the current good file is kept as `<name>.bak`, then `os.replace` swaps the new file
in and the folder is fsynced. A reader therefore sees the old file or the new one, never half.
"""

from __future__ import annotations

import contextlib
import gc
import os
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import orjson
from tinydb.storages import Storage

from store.storage.errors import (
    CorruptStoreError,
    LockBusyError,
    StoreError,
    StoreLockedError,
    backup_path,
    os_reason,
)

try:
    import fcntl
except ImportError:  # not POSIX: file_lock makes filelock's locks
    fcntl = None  # type: ignore[assignment]

# A JSON object as a store file holds it; a TinyDB file: table -> doc id -> record.
Record = dict[str, object]
Tables = dict[str, dict[str, Record]]


def fsync_dir(folder: Path) -> None:
    """Make a rename inside `folder` durable (best effort where folders cannot be opened)."""
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


def _keep_backup(path: Path) -> None:
    """Keep the current `path` as `path.bak`: a hard link when possible (no copying)."""
    backup = backup_path(path)
    temp = path.with_name(f".{path.name}.{os.urandom(4).hex()}.baktmp")
    try:
        os.link(path, temp)
    except FileNotFoundError:
        return
    except OSError:
        import shutil  # only a backup copies: a one-shot read need not import it

        shutil.copy2(path, temp)
    os.replace(temp, backup)


def atomic_write(
    path: Path, data: bytes, *, mode: int = 0o666, backup: bool = False, sync_folder: bool = True
) -> None:
    """Replace `path` with `data` crash-safely; with `backup`, keep the old file as `.bak`.

    `mode` is the permission of a new file (subject to umask); 0o600 keeps it private.
    Without `sync_folder` the new name is not yet durable: for the files of a generation,
    whose folder is synced once before the manifest names them (`NextGeneration.commit`).
    Raises StoreError naming the path when the folder cannot be written.
    """
    path = Path(path)
    temp = path.with_name(f".{path.name}.{os.getpid()}.{os.urandom(4).hex()}.tmp")
    try:
        fd = os.open(temp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, mode)
        try:
            view = memoryview(data)
            while view:
                written = os.write(fd, view)
                view = view[written:]
            os.fsync(fd)
        finally:
            os.close(fd)
        if mode & 0o077 == 0:
            os.chmod(temp, mode)  # umask cannot widen it, but a reused name could be wider
        if backup:
            _keep_backup(path)
        os.replace(temp, path)
    except OSError as exc:
        with contextlib.suppress(OSError):
            temp.unlink()
        raise StoreError(f"cannot write store file {path}: {os_reason(exc)}") from exc
    if sync_folder:
        fsync_dir(path.parent)


def remove_stale_temps(folder: Path, prefix: str) -> None:
    """Delete temp files a killed writer left behind (call with that writer's lock held).

    `prefix` is the name start of the files the lock guards, e.g. ".state-" or ".corpus-".
    """
    try:
        names = os.listdir(folder)
    except OSError:
        return
    for name in names:
        if name.startswith(prefix) and name.endswith((".tmp", ".baktmp")):
            with contextlib.suppress(OSError):
                os.unlink(folder / name)


def read_bytes(path: Path) -> bytes | None:
    """The bytes of `path`, None if it does not exist; StoreError if it cannot be read."""
    try:
        with open(path, "rb") as handle:
            return handle.read()
    except FileNotFoundError:
        return None
    except OSError as exc:
        raise StoreError(f"cannot read store file {path}: {os_reason(exc)}") from exc


Stamp = tuple[int, int, int]


def stamp(path: Path) -> Stamp | None:
    """(inode, mtime ns, size) of `path`: changes whenever a writer replaces it; None if absent
    or unreadable."""
    try:
        st = os.stat(path)
    except OSError:
        return None
    return (st.st_ino, st.st_mtime_ns, st.st_size)


@contextlib.contextmanager
def no_gc() -> Iterator[None]:
    """Pause the cyclic garbage collector while building big acyclic data (parsed JSON).

    Allocating a million objects otherwise triggers repeated full collections that cost
    more than the parsing itself in a process that already holds much. On the way out the
    new objects are moved out of the young generations, so the collections that follow do
    not scan them all again (half a segment load's time).

    The collector's state is left as it was found: enabled or not, and a heap the process
    froze (`gc.freeze`, the reader does it after its first paint) stays frozen — the new
    objects join it. Only a heap that was not frozen is moved to the oldest generation
    (freeze, then unfreeze). This function is the store's only use of `gc`.
    """
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            if gc.get_freeze_count():
                gc.freeze()  # the owner froze its heap: keep it frozen, add the new objects
            else:
                gc.freeze()
                gc.unfreeze()
            gc.enable()


def parse_json(path: Path, raw: bytes, hint: str = "") -> object:
    """Parse a store file's bytes; CorruptStoreError (naming the file) if they are not JSON."""
    if not raw.strip():
        raise CorruptStoreError(path, "empty file", hint)
    try:
        with no_gc():
            return orjson.loads(raw)
    except orjson.JSONDecodeError as exc:
        reason = "truncated JSON" if exc.pos >= len(raw.rstrip()) else "not valid JSON"
        raise CorruptStoreError(path, reason, hint) from None


def check_tinydb_shape(
    path: Path, data: object, required: tuple[str, ...] = (), hint: str = ""
) -> Tables:
    """Check that `data` looks like a TinyDB file: {table: {doc_id: {...}}}."""
    if not isinstance(data, dict):
        raise CorruptStoreError(path, "not a TinyDB database", hint)
    for table in required:
        data.setdefault(table, {})
    for name, table in data.items():
        if not isinstance(table, dict):
            raise CorruptStoreError(path, f"table {name!r} is not a table", hint)
        for doc_id, doc in table.items():
            if not isinstance(doc, dict) or not doc_id.isdigit():
                raise CorruptStoreError(path, f"table {name!r} holds a malformed record", hint)
    return data


class OrjsonStorage(Storage):
    """A TinyDB storage that reads with orjson and writes atomically (never in place).

    Unlike TinyDB's JSONStorage, a damaged file raises CorruptStoreError instead of being
    treated as (and later overwritten by) an empty database.
    """

    def __init__(
        self,
        path: str | os.PathLike,
        *,
        backup: bool = True,
        mode: int = 0o666,
        hint: str = "",
        sync_folder: bool = True,
        **_ignored: object,
    ) -> None:
        self.path = Path(path)
        self.backup = backup
        self.mode = mode
        self.hint = hint
        self.sync_folder = sync_folder

    def read(self) -> Tables | None:
        raw = read_bytes(self.path)
        if raw is None:
            return None
        return check_tinydb_shape(self.path, parse_json(self.path, raw, self.hint), hint=self.hint)

    def write(self, data: Tables) -> None:
        atomic_write(
            self.path,
            orjson.dumps(data),
            mode=self.mode,
            backup=self.backup,
            sync_folder=self.sync_folder,
        )


# Called once with a one-line message when a lock is busy and the caller starts to wait
# (the CLI prints it on stderr at once); None: wait in silence.
on_lock_wait: Callable[[str], None] | None = None
_no_wait = threading.local()


@contextlib.contextmanager
def without_waiting() -> Iterator[None]:
    """In this thread, a busy lock raises LockBusyError at once instead of waiting."""
    before = getattr(_no_wait, "on", False)
    _no_wait.on = True
    try:
        yield
    finally:
        _no_wait.on = before


def lock_holder(lock_file: str | os.PathLike) -> int | None:
    """The pid holding an flock on `lock_file`, where the system says (Linux /proc/locks)."""
    try:
        st = os.stat(lock_file)
        with open("/proc/locks", encoding="ascii", errors="replace") as fh:
            lines = fh.read().splitlines()
    except OSError:
        return None
    wanted = f":{st.st_ino}"
    for line in lines:
        fields = line.split()
        # "1: FLOCK  ADVISORY  WRITE 4242 08:01:123456 0 EOF" (a waiter's line has "->")
        if "->" in fields or len(fields) < 6 or fields[1] != "FLOCK":
            continue
        device_inode = fields[5]
        if device_inode.endswith(wanted) and fields[4].isdigit():
            major, minor = (int(x, 16) for x in device_inode.split(":")[:2])
            if os.makedev(major, minor) == st.st_dev:
                return int(fields[4])
    return None


class LockTimeout(Exception):
    """A file lock stayed busy for the whole time-out."""


class FileLock:
    """An exclusive `flock` on a file, for processes and threads alike: re-entrant within
    a thread, and each thread locks through its own descriptor, so two threads of one
    process exclude each other too (as filelock's thread-local locks do, and interoperable
    with them). The lock file is kept: waiters must all lock the same inode."""

    POLL = 0.05  # seconds between tries while the lock is busy

    def __init__(self, path: Path | str, timeout: float) -> None:
        self.lock_file = str(path)
        self.timeout = timeout
        self._held = threading.local()  # .fd and .count of this thread's hold

    @property
    def is_locked(self) -> bool:
        return getattr(self._held, "count", 0) > 0

    def acquire(self, timeout: float | None = None) -> None:
        """Take the lock, waiting up to `timeout` seconds (the lock's own by default; a
        negative one waits for ever); LockTimeout if it stays busy."""
        held = self._held
        if getattr(held, "count", 0):
            held.count += 1
            return
        assert fcntl is not None
        wait = self.timeout if timeout is None else timeout
        deadline = None if wait < 0 else time.monotonic() + wait
        while True:
            fd = os.open(self.lock_file, os.O_RDWR | os.O_CREAT, 0o644)
            try:
                try:
                    fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                except BlockingIOError:
                    locked = False
                else:
                    locked = os.fstat(fd).st_nlink > 0  # not a file deleted meanwhile
            except BaseException:
                os.close(fd)
                raise
            if locked:
                held.fd, held.count = fd, 1
                return
            os.close(fd)
            if deadline is not None and time.monotonic() >= deadline:
                raise LockTimeout(f"{self.lock_file} is locked")
            time.sleep(self.POLL)

    def release(self) -> None:
        held = self._held
        count = getattr(held, "count", 0)
        if not count:
            return
        held.count = count - 1
        if not held.count:
            fd, held.fd = held.fd, None
            try:
                fcntl.flock(fd, fcntl.LOCK_UN)
            finally:
                os.close(fd)


class _PortableLock(FileLock):
    """filelock's lock where there is no flock (imported only there: ~25 ms to import)."""

    def __init__(self, path: Path | str, timeout: float) -> None:
        import filelock

        super().__init__(path, timeout)
        self._lock = filelock.FileLock(path, timeout=timeout)
        self._timeout_error = filelock.Timeout

    @property
    def is_locked(self) -> bool:
        return self._lock.is_locked

    def acquire(self, timeout: float | None = None) -> None:
        try:
            self._lock.acquire(timeout=self.timeout if timeout is None else timeout)
        except self._timeout_error:
            raise LockTimeout(f"{self.lock_file} is locked") from None

    def release(self) -> None:
        self._lock.release()


def file_lock(path: Path, timeout: float) -> FileLock:
    """A lock on `path`, waiting up to `timeout` seconds by default."""
    return FileLock(path, timeout) if fcntl is not None else _PortableLock(path, timeout)


@contextlib.contextmanager
def held_in(folder: Path, lock: FileLock, what: str) -> Iterator[None]:
    """`held`, with the folder the locked file lives in made first if it is missing (a
    user's state or desk file beside a store not written yet)."""
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise StoreError(f"cannot make the folder {folder}: {os_reason(exc)}") from exc
    with held(lock, what):
        yield


@contextlib.contextmanager
def held(lock: FileLock, what: str, busy_hint: str = "") -> Iterator[None]:
    """Hold a file lock, turning a time-out or an OS error into a one-line StoreError.

    `what` names the locked thing for the message, e.g. "the store /x"; `busy_hint` says who
    usually holds it ("an ingest may be running"): it is given only when the lock is busy.
    When the lock is busy, `on_lock_wait` hears at once that we wait, and for whom.
    """
    try:
        try:
            lock.acquire(timeout=0)
        except LockTimeout:
            pid = lock_holder(lock.lock_file)
            holder = f"newsdesk process {pid}" if pid else "another newsdesk"
            if busy_hint:
                holder += f"; {busy_hint}"
            if getattr(_no_wait, "on", False):
                raise LockBusyError(f"{what} is locked by {holder}") from None
            if on_lock_wait is not None and lock.timeout > 0:
                on_lock_wait(f"{what} is locked by {holder}: waiting up to {lock.timeout:g} s")
            try:
                lock.acquire()
            except LockTimeout:
                raise StoreLockedError(f"{what} is locked by {holder} — try again") from None
    except OSError as exc:
        raise StoreError(f"cannot lock {what}: {os_reason(exc)}") from exc
    try:
        yield
    finally:
        lock.release()
