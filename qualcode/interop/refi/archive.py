"""A ``.qdpx`` archive (a zip holding ``project.qde`` and ``sources/``), checked before it is read.

Before any member is read: no member may name a path outside the archive (``../``, an absolute
path, a drive letter, a backslash path), be a symbolic link, or make the archive hold more than
:data:`MAX_MEMBERS` members or :data:`MAX_TOTAL_BYTES` once decompressed; and while a member is
read, it may not grow past the size its header declares (a zip bomb lies about it).

Real archives differ from the standard, and are read as they are: the ``.qde`` may be called
``<project>.qde``; the sources folder ``Sources/``; a source path ``internal://x.txt``,
``internal:/x.txt`` or plain ``x.txt``.
"""

from __future__ import annotations

import re
import stat
import zipfile
import zlib
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

from qualcode.errors import ImportFileError

MAX_MEMBERS = 20_000
MAX_TOTAL_BYTES = 2 * 1024**3
MAX_MEMBER_BYTES = 512 * 1024**2
_DRIVE = re.compile(r"^[A-Za-z]:")
_CHUNK = 1 << 20


@dataclass
class Archive:
    """The checked members of a ``.qdpx``: ``{normalised path: ZipInfo}``."""

    path: Path
    display: str
    members: dict[str, zipfile.ZipInfo]

    def read(self, name: str) -> bytes:
        """A member's bytes, never more than its header declares."""
        info = self.members[name]
        data = bytearray()
        try:
            with zipfile.ZipFile(self.path) as archive, archive.open(info) as handle:
                while chunk := handle.read(_CHUNK):
                    data += chunk
                    if len(data) > info.file_size:
                        raise ImportFileError(
                            f"{self.display}: refused: member {name} is larger than its header says (a zip bomb?)"
                        )
        except (zipfile.BadZipFile, EOFError, OSError, zlib.error) as exc:
            raise ImportFileError(
                f"{self.display}: refused: member {name} is damaged or not the size its header says ({exc})"
            ) from None
        return bytes(data)

    def project_member(self) -> str:
        """The ``.qde`` member: ``project.qde``, else the only ``.qde`` at the top of the archive."""
        top = [name for name in self.members if "/" not in name and name.lower().endswith(".qde")]
        exact = [name for name in top if name.lower() == "project.qde"]
        if exact:
            return exact[0]
        if len(top) == 1:
            return top[0]
        if not top:
            raise ImportFileError(f"{self.display}: no project.qde in the archive; is it a REFI-QDA project (.qdpx)?")
        raise ImportFileError(f"{self.display}: several .qde files ({', '.join(sorted(top))}); keep one")

    def source_member(self, path: str) -> str | None:
        """The member a source path names (``internal://x.txt`` and its variants), or None."""
        name = source_name(path)
        if name is None:
            return None
        wanted = name.lower()
        for member in self.members:
            parts = member.split("/")
            if len(parts) == 2 and parts[0].lower() == "sources" and parts[1].lower() == wanted:
                return member
        return None


def source_name(path: str) -> str | None:
    """``internal://abc.txt`` / ``internal:/abc.txt`` / ``abc.txt`` -> ``abc.txt``; None for a
    path outside the archive (``relative://``, ``absolute://``, ``file:``)."""
    text = path.strip()
    lowered = text.lower()
    if lowered.startswith("internal:"):
        text = text[len("internal:") :].lstrip("/")
    elif re.match(r"^[a-z][a-z0-9+.-]*:", lowered):
        return None
    text = text.replace("\\", "/")
    name = PurePosixPath(text).name
    return name or None


def _normalised(name: str) -> str:
    return name.replace("\\", "/")


def open_archive(path: Path, display: str) -> Archive:
    """Check every member of the zip (see the module docstring); raise ImportFileError if any fails."""
    try:
        archive = zipfile.ZipFile(path)
    except (zipfile.BadZipFile, OSError) as exc:
        raise ImportFileError(f"{display}: not a readable .qdpx archive ({exc}); export the project again") from None
    with archive:
        infos = archive.infolist()
    if len(infos) > MAX_MEMBERS:
        raise ImportFileError(f"{display}: refused: {len(infos):,} members, more than {MAX_MEMBERS:,}")
    members: dict[str, zipfile.ZipInfo] = {}
    total = 0
    for info in infos:
        name = _normalised(info.filename)
        parts = PurePosixPath(name).parts
        if name.startswith("/") or _DRIVE.match(name) or ".." in parts:
            raise ImportFileError(f"{display}: refused: member {info.filename!r} points outside the archive")
        if stat.S_ISLNK(info.external_attr >> 16):
            raise ImportFileError(f"{display}: refused: member {info.filename!r} is a symbolic link")
        if info.is_dir():
            continue
        if info.file_size > MAX_MEMBER_BYTES:
            raise ImportFileError(
                f"{display}: refused: member {info.filename!r} is {info.file_size:,} bytes decompressed"
            )
        total += info.file_size
        if total > MAX_TOTAL_BYTES:
            raise ImportFileError(f"{display}: refused: more than {MAX_TOTAL_BYTES:,} bytes once decompressed")
        members[name.strip("/")] = info
    return Archive(path, display, members)
