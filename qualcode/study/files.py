"""Which entries of the transcripts folder are transcripts, and why the others are not read.

Nothing is skipped silently: every entry that is not read (another extension, a named pipe, a
dangling symbolic link, a folder named like a transcript, a Word lock file, a hidden file) is
returned with the reason, for the loader to report once per run and ``qualcode check`` to list.
Only the housekeeping files that operating systems and git leave everywhere
(:data:`HOUSEKEEPING`) and the ``attributes.csv`` table are passed over without a word.
"""

from __future__ import annotations

import os
import stat
from dataclasses import dataclass
from pathlib import Path

from qualcode.study.formats import EXTENSIONS

#: Names never reported: they are not transcripts and nobody means them to be.
HOUSEKEEPING = frozenset([".DS_Store", "Thumbs.db", "desktop.ini", ".gitkeep", ".gitignore", ".keep", "Icon\r"])
#: Files in the transcripts folder that qualcode reads for another purpose.
TABLES = frozenset(["attributes.csv"])
_SUPPORTED = ", ".join(EXTENSIONS[:-1]) + " and " + EXTENSIONS[-1]
_CONVERT = {
    ".doc": "an old Word document: save it as .docx (Word: File > Save As > Word Document)",
    ".pages": "a Pages document: export it as .docx (File > Export To > Word)",
    ".rtfd": "an RTF package: save it as .rtf",
    ".odm": "an OpenDocument master: save it as .odt",
    ".htm": "a web page: save it as text (.txt)",
    ".html": "a web page: save it as text (.txt)",
    ".json": "a JSON file: export the transcript as text, Word, WebVTT or SRT",
    ".xlsx": "a spreadsheet: attributes belong in attributes.csv; transcripts in .txt, .docx, .pdf…",
    ".csv": "a table: only attributes.csv (at the top of the transcripts folder) is read",
    ".mp3": "a recording: transcribe it first (Zoom, Teams and Otter export .vtt or .srt)",
    ".m4a": "a recording: transcribe it first (Zoom, Teams and Otter export .vtt or .srt)",
    ".wav": "a recording: transcribe it first (Zoom, Teams and Otter export .vtt or .srt)",
    ".mp4": "a recording: transcribe it first (Zoom, Teams and Otter export .vtt or .srt)",
}


@dataclass(frozen=True)
class Skipped:
    """An entry of the transcripts folder that is not read, and why."""

    path: Path
    reason: str


def _why_not(path: Path, mode: int | None) -> str | None:
    """The reason ``path`` (a file-like entry) is not read, or None when it is a transcript."""
    name = path.name
    if mode is None:
        return "not read: a symbolic link to something that does not exist; fix or remove the link"
    if stat.S_ISFIFO(mode):
        return "not read: a named pipe, not a file"
    if stat.S_ISSOCK(mode):
        return "not read: a socket, not a file"
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return "not read: a device, not a file"
    if not stat.S_ISREG(mode):
        return "not read: not a regular file"
    if name.startswith("~$"):
        return "not read: a Word lock file (the document is open in Word, or Word closed without tidying up)"
    if name.startswith("."):
        return "not read: a hidden file; rename it without the leading '.' to read it as a transcript"
    suffix = path.suffix.lower()
    if suffix not in EXTENSIONS:
        what = _CONVERT.get(suffix, f"qualcode reads {_SUPPORTED} files")
        return f"not read: {what}; convert it or move it out of the transcripts folder"
    if not os.access(path, os.R_OK):
        return "not read: permission denied; make the file readable (e.g. chmod u+r)"
    return None


_OUTSIDE = (
    "not read: a symbolic link that leads outside the project (to {target}); copy the file into the "
    "project, or set allow_outside_links: true in qualcode.yaml if you mean it"
)


def _leaves(path: Path, inside: Path | None) -> str | None:
    """The target of a symbolic link at ``path`` that leads outside ``inside``, else None."""
    if inside is None or not path.is_symlink():
        return None
    target = os.path.realpath(path)
    return None if Path(target).is_relative_to(inside) else target


def scan_transcripts(folder: Path, inside: Path | None = None) -> tuple[list[Path], list[Skipped]]:
    """The transcript files under ``folder`` (sorted) and every other entry with its reason.

    Symbolic links to folders are followed (once each: a link back up is not a loop). With
    ``inside`` (the project folder), a link that leads outside it, to a file or a folder, is
    not followed but reported: a transcript folder shared with a team must not pull in
    ``/etc/passwd`` or someone's home folder.
    """
    files: list[Path] = []
    skipped: list[Skipped] = []
    seen: set[str] = set()
    inside = Path(os.path.realpath(inside)) if inside is not None else None
    for current, dirs, names in os.walk(folder, followlinks=True):
        here = Path(current)
        real = os.path.realpath(current)
        if real in seen:
            dirs[:] = []
            continue
        seen.add(real)
        for name in list(dirs):
            target = _leaves(here / name, inside)
            if target is not None:
                skipped.append(Skipped(here / name, _OUTSIDE.format(target=target)))
                dirs.remove(name)
        for name in sorted(dirs):
            if name.startswith("."):
                skipped.append(Skipped(here / name, "not read: a hidden folder; its files are not transcripts"))
            elif Path(name).suffix.lower() in EXTENSIONS:
                skipped.append(
                    Skipped(here / name, "a folder named like a transcript file; the files in it are read as usual")
                )
        dirs[:] = sorted(d for d in dirs if not d.startswith("."))
        for name in sorted(names):
            path = here / name
            if name in HOUSEKEEPING or (here == folder and name in TABLES):
                continue
            target = _leaves(path, inside)
            if target is not None:
                skipped.append(Skipped(path, _OUTSIDE.format(target=target)))
                continue
            try:
                mode: int | None = path.stat().st_mode
            except FileNotFoundError:
                mode = None
            except OSError as exc:
                skipped.append(Skipped(path, f"not read: {exc.strerror or exc}"))
                continue
            reason = _why_not(path, mode)
            if reason is None:
                files.append(path)
            else:
                skipped.append(Skipped(path, reason))
    return sorted(files), sorted(skipped, key=lambda s: s.path)
