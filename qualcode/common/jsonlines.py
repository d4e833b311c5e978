"""Reading qualcode's JSON-lines files (coder files, audit logs, suggestions) as text, line by line.

:func:`read_text` decodes a file as UTF-8 and, when it is not, names the line of the first bad
byte, so every reader of a ``.jsonl`` file reports ``FILE:LINE: not valid UTF-8`` the same way.
"""

from __future__ import annotations

from pathlib import Path

from qualcode.errors import Problem, StoreError


def read_text(path: Path, display: str, fix: str = "restore the file from git") -> str:
    """The file's text, or a :class:`StoreError` naming the line with the first non-UTF-8 byte."""
    try:
        raw = path.read_bytes()
    except IsADirectoryError:
        raise StoreError(f"{display} is a folder, not a file; move it away") from None
    except OSError as exc:
        raise StoreError(f"cannot read {display}: {exc.strerror or exc}") from None
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        problem = Problem(display, line, f"not valid UTF-8 (byte 0x{raw[exc.start]:02x}); {fix}")
        raise StoreError(problems=[problem]) from None


def decode_lines(raw: bytes) -> list[tuple[int, str | None]]:
    """``(line number, text)`` per line; ``None`` for a line that is not UTF-8 (logs keep the rest)."""
    out: list[tuple[int, str | None]] = []
    for number, line in enumerate(raw.split(b"\n"), start=1):
        try:
            out.append((number, line.decode("utf-8")))
        except UnicodeDecodeError:
            out.append((number, None))
    return out
