"""Atomic file writes and an inter-process lock: the only way qualcode writes user data.

``atomic_write`` writes a temporary file in the same folder, fsyncs it, renames it over the
target and fsyncs the folder, so a crash leaves either the old or the new file, never a torn
one. A rewritten file keeps its mode; a new one gets the mode the umask allows. ``locked``
serialises writers across processes with an OS file lock. An ``OSError`` on the
way (a full disk, no permission, a folder where the file should be) becomes a
:class:`~qualcode.errors.WriteError` naming the file, and the target is left as it was.
"""

from __future__ import annotations

import contextlib
import os
import stat
import tempfile
from collections.abc import Iterator
from pathlib import Path

from qualcode.errors import WriteError

try:  # POSIX
    import fcntl
except ImportError:  # pragma: no cover - Windows
    fcntl = None  # type: ignore[assignment]
    import msvcrt


def write_error(path: Path | str, exc: OSError, display: str | None = None) -> WriteError:
    """``cannot write reports: is a directory`` for an OSError while writing ``path``."""
    reason = (exc.strerror or str(exc) or exc.__class__.__name__).rstrip(".")
    reason = reason[:1].lower() + reason[1:]
    return WriteError(f"cannot write {display or path}: {reason}")


def atomic_write(path: Path, data: str | bytes, display: str | None = None) -> None:
    """Replace ``path`` with ``data`` atomically (temp file + fsync + rename).

    ``display`` is how the path is named in an error (default: the path itself).
    """
    path = Path(path)
    payload = data.encode("utf-8") if isinstance(data, str) else data
    if os.path.lexists(path) and not path.is_file():
        kind = "a folder" if path.is_dir() else "not a regular file (a device, pipe, socket or broken link)"
        raise WriteError(f"refusing to replace {display or path}: it is {kind}")
    made = _missing_folders(path.parent)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    except OSError as exc:
        _remove_folders(made)
        raise write_error(path, exc, display) from None
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(payload)
            handle.flush()
            os.fsync(handle.fileno())
        os.chmod(tmp, _mode_for(path))
        os.replace(tmp, path)
    except BaseException as exc:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp)
        _remove_folders(made)
        if isinstance(exc, OSError):
            raise write_error(path, exc, display) from None
        raise
    _fsync_dir(path.parent)


def _missing_folders(folder: Path) -> list[Path]:
    """The folders ``mkdir(parents=True)`` would create for ``folder``, deepest first."""
    missing = []
    while not os.path.lexists(folder) and folder != folder.parent:
        missing.append(folder)
        folder = folder.parent
    return missing


def _remove_folders(folders: list[Path]) -> None:
    """Remove the (empty) folders a failed write created, so it leaves nothing behind."""
    for folder in folders:
        with contextlib.suppress(OSError):
            folder.rmdir()


def _mode_for(path: Path) -> int:
    """The mode a rewritten file keeps, or the umask's mode for a new one (not mkstemp's 0600)."""
    try:
        return stat.S_IMODE(os.stat(path).st_mode)
    except OSError:
        umask = os.umask(0)
        os.umask(umask)
        return 0o666 & ~umask


def append_line(path: Path, line: str, display: str | None = None) -> None:
    """Append one line and fsync (used for append-only logs, under the lock)."""
    append_lines(path, [line], display)


def append_lines(path: Path, lines: list[str], display: str | None = None) -> int | None:
    """Append ``lines`` in one write and fsync; return the file's size before (None: it was new).

    On failure (a full disk) the file is cut back to its old size, or removed when this call
    created it, so a log never keeps half a line; the error is a :class:`WriteError`.
    """
    payload = "".join(line.rstrip("\n") + "\n" for line in lines).encode("utf-8")
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        before = path.stat().st_size if path.exists() else None
    except OSError as exc:
        raise write_error(path, exc, display) from None
    try:
        with open(path, "ab") as handle:
            handle.write(payload)
            handle.flush()
            os.fsync(handle.fileno())
    except OSError as exc:
        truncate_back(path, before)
        raise write_error(path, exc, display) from None
    return before


def truncate_back(path: Path, size: int | None) -> None:
    """Undo an append: cut ``path`` back to ``size`` bytes, or remove it when it was new (``None``).

    Cutting a file frees space, so this works on a full disk too.
    """
    with contextlib.suppress(OSError):
        if size is None:
            os.unlink(path)
        else:
            os.truncate(path, size)


def write_new(path: Path, data: str | bytes, display: str | None = None) -> None:
    """Create ``path`` (never replacing an existing file) holding ``data``, or leave nothing.

    ``FileExistsError`` passes through (the caller picks another name); any other failure
    removes the partly written file and is a :class:`WriteError`.
    """
    payload = data.encode("utf-8") if isinstance(data, str) else data
    try:
        handle = open(path, "xb")  # noqa: SIM115 - closed below
    except FileExistsError:
        raise
    except OSError as exc:
        raise write_error(path, exc, display) from None
    try:
        with handle:
            handle.write(payload)
            handle.flush()
            os.fsync(handle.fileno())
    except OSError as exc:
        with contextlib.suppress(OSError):
            os.unlink(path)
        raise write_error(path, exc, display) from None


def _fsync_dir(folder: Path) -> None:
    if os.name != "posix":  # pragma: no cover
        return
    fd = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


@contextlib.contextmanager
def locked(lock_path: Path, display: str | None = None) -> Iterator[None]:
    """Hold an exclusive inter-process lock on ``lock_path`` for the ``with`` block."""
    try:
        lock_path.parent.mkdir(parents=True, exist_ok=True)
        handle = open(lock_path, "a+b")  # noqa: SIM115 - closed below, after unlocking
    except OSError as exc:
        raise write_error(lock_path, exc, display) from None
    with handle:
        if fcntl is not None:
            fcntl.flock(handle.fileno(), fcntl.LOCK_EX)
        else:  # pragma: no cover
            handle.seek(0)
            msvcrt.locking(handle.fileno(), msvcrt.LK_LOCK, 1)
        try:
            yield
        finally:
            if fcntl is not None:
                fcntl.flock(handle.fileno(), fcntl.LOCK_UN)
            else:  # pragma: no cover
                handle.seek(0)
                msvcrt.locking(handle.fileno(), msvcrt.LK_UNLCK, 1)


def remove_together(paths: list[Path], display: dict[Path, str] | None = None) -> None:
    """Delete every file in ``paths``, or none of them: each is first renamed aside (in its own
    folder, so the rename is atomic); if one rename fails the others are put back."""
    moved: list[tuple[Path, Path]] = []
    try:
        for path in paths:
            aside = path.with_name(f".{path.name}.{os.getpid()}.removing")
            os.replace(path, aside)
            moved.append((path, aside))
    except OSError as exc:
        for path, aside in reversed(moved):
            os.replace(aside, path)
        raise write_error(path, exc, (display or {}).get(path)) from None
    for path, aside in moved:
        aside.unlink()
        _fsync_dir(path.parent)
