"""Transcript files -> :class:`Transcript` (id, normalised text, attributes, speaker turns).

Reading rules, in one place:
- the id is the path relative to the transcripts folder, without extension, ``/``-separated;
- bytes are decoded once: UTF-8, UTF-8/UTF-16/UTF-32 with BOM; anything else as Windows-1252
  with a warning; line ends become ``\\n``; text is put in Unicode NFC form;
- an optional YAML front-matter block (``---`` … ``---``) holds attributes; all offsets refer to
  the text *after* it;
- ``attributes.csv`` in the transcripts folder (column ``transcript`` + one per attribute) adds
  attributes; front matter wins on conflict, with a warning.
"""

from __future__ import annotations

import codecs
import csv
import io
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from qualcode.common.didyoumean import hint
from qualcode.common.yamlfile import LineDict, load_yaml, scalar_to_str
from qualcode.errors import Problem
from qualcode.study.turns import Turn, detect_turns

#: File extensions read as transcripts (more formats arrive with more readers).
TRANSCRIPT_EXTENSIONS = (".txt", ".md")
ATTRIBUTES_FILE = "attributes.csv"

_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32-le"),
    (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)


@dataclass
class Transcript:
    """One interview: ``text`` is the normalised body; turns index into it."""

    id: str
    path: Path
    display_path: str
    text: str
    attributes: dict[str, str]
    turns: list[Turn]
    body_line: int = 1  # line of the file where ``text`` starts (after front matter)

    def line_of(self, offset: int) -> int:
        """The file line holding character ``offset`` of the body text."""
        return self.body_line + self.text.count("\n", 0, offset)


@dataclass
class ReadResult:
    """What reading one file produced: a transcript, or problems, plus warnings."""

    transcript: Transcript | None = None
    problems: list[Problem] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)


def transcript_id(path: Path, folder: Path) -> str:
    """``folder/alder-creek/principal-01.txt`` -> ``alder-creek/principal-01``."""
    return path.relative_to(folder).with_suffix("").as_posix()


def decode(data: bytes, display: str) -> tuple[str, str | None]:
    """Decode file bytes to normalised text; return ``(text, warning or None)``.

    Raises ValueError (with a user-facing message) for binary content.
    """
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            text = data[len(bom) :].decode(encoding, errors="replace")
            return normalise(text), None
    if b"\x00" in data[:8192]:
        raise ValueError(
            "looks like a binary file (it contains NUL bytes), not a text transcript; "
            "save it as plain text (UTF-8) or remove it from the transcripts folder"
        )
    warning = None
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        text = data.decode("cp1252", errors="replace")
        warning = (
            f"{display}:{line}: not valid UTF-8 (byte 0x{data[exc.start]:02x}); read as Windows-1252. "
            "Re-save the file as UTF-8 to make sure every character is right"
        )
    return normalise(text), warning


def normalise(text: str) -> str:
    """CRLF/CR -> LF, NFC; drop a stray BOM character at the start."""
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    if text.startswith("\ufeff"):
        text = text[1:]
    return unicodedata.normalize("NFC", text)


def split_front_matter(text: str, display: str) -> tuple[dict[str, str], str, int, list[Problem]]:
    """Split off a leading ``---`` YAML block; return ``(attributes, body, body_line, problems)``."""
    lines = text.split("\n")
    if not lines or lines[0].rstrip() != "---":
        return {}, text, 1, []
    for index in range(1, len(lines)):
        if lines[index].rstrip() in ("---", "..."):
            break
    else:
        return (
            {},
            text,
            1,
            [
                Problem(
                    display, 1, "front matter opened with '---' is never closed; add a line '---' after the attributes"
                )
            ],
        )
    block = "\n".join(lines[1:index])
    body = "\n".join(lines[index + 1 :])
    data, problems = load_yaml(block, display, line_offset=1)
    if problems:
        return {}, body, index + 2, problems
    if data is None:
        return {}, body, index + 2, []
    if not isinstance(data, LineDict):
        return (
            {},
            body,
            index + 2,
            [Problem(display, 2, "front matter must be 'key: value' lines, e.g. 'case: Alder Creek'")],
        )
    attributes: dict[str, str] = {}
    for key, value in data.items():
        if isinstance(value, (dict, list)):
            problems.append(
                Problem(display, data.line_of(key), f"attribute '{key}' must be a single value, not a list or mapping")
            )
        elif value is not None and str(key) != "transcript":
            attributes[str(key)] = scalar_to_str(value)
    return attributes, body, index + 2, problems


def read_transcript(path: Path, folder: Path, display: str, known_speakers: frozenset[str] = frozenset()) -> ReadResult:
    """Read one transcript file (never raises for bad content: problems are returned)."""
    result = ReadResult()
    try:
        data = path.read_bytes()
    except OSError as exc:
        result.problems.append(Problem(display, 0, f"cannot read the file: {exc.strerror}"))
        return result
    try:
        text, warning = decode(data, display)
    except ValueError as exc:
        result.problems.append(Problem(display, 0, str(exc)))
        return result
    if warning:
        result.warnings.append(warning)
    attributes, body, body_line, problems = split_front_matter(text, display)
    result.problems += problems
    if problems:
        return result
    if not body.strip():
        result.warnings.append(f"{display}: the transcript is empty; it has no segments")
    turns = detect_turns(body, known_speakers, markdown=path.suffix.lower() == ".md")
    result.transcript = Transcript(
        id=transcript_id(path, folder),
        path=path,
        display_path=display,
        text=body,
        attributes=attributes,
        turns=turns,
        body_line=body_line,
    )
    return result


def find_transcript_files(folder: Path) -> list[Path]:
    """Transcript files under ``folder``, sorted; hidden files and folders are ignored."""
    files = []
    for path in sorted(folder.rglob("*")):
        relative = path.relative_to(folder)
        if any(part.startswith(".") for part in relative.parts):
            continue
        if path.is_file() and path.suffix.lower() in TRANSCRIPT_EXTENSIONS:
            files.append(path)
    return files


def read_attributes_csv(
    path: Path, display: str
) -> tuple[dict[str, tuple[int, dict[str, str]]], list[Problem], list[str]]:
    """Read ``attributes.csv``: ``{transcript id: (line, {attribute: value})}``, problems, warnings.

    Empty cells set nothing. A missing ``transcript`` column or a repeated transcript id is a
    problem.
    """
    rows: dict[str, tuple[int, dict[str, str]]] = {}
    problems: list[Problem] = []
    warnings: list[str] = []
    try:
        text, warning = decode(path.read_bytes(), display)
    except (OSError, ValueError) as exc:
        return rows, [Problem(display, 0, str(exc))], warnings
    if warning:
        warnings.append(warning)
    reader = csv.reader(io.StringIO(text))
    try:
        header = next(reader)
    except StopIteration:
        return rows, [], [f"{display}: the file is empty"]
    header = [h.strip() for h in header]
    if "transcript" not in header:
        return (
            rows,
            [
                Problem(
                    display,
                    1,
                    f"no 'transcript' column{hint('transcript', header)}; "
                    "the first row must name the columns, one of them 'transcript'",
                )
            ],
            warnings,
        )
    key = header.index("transcript")
    for row in reader:
        line = reader.line_num
        if not any(cell.strip() for cell in row):
            continue
        if len(row) > len(header):
            problems.append(Problem(display, line, f"{len(row)} cells but only {len(header)} columns in the header"))
            continue
        row = row + [""] * (len(header) - len(row))
        tid = row[key].strip().removesuffix(".txt").removesuffix(".md")
        if not tid:
            problems.append(
                Problem(display, line, "empty 'transcript' cell; give the transcript id, e.g. alder-creek/principal-01")
            )
            continue
        if tid in rows:
            problems.append(
                Problem(
                    display, line, f"transcript '{tid}' is already listed on line {rows[tid][0]}; merge the two rows"
                )
            )
            continue
        values = {h: cell.strip() for h, cell in zip(header, row) if h and h != "transcript" and cell.strip()}
        rows[tid] = (line, values)
    return rows, problems, warnings


def merge_attributes(
    transcripts: list[Transcript],
    rows: dict[str, tuple[int, dict[str, str]]],
    csv_display: str,
    warn: Callable[[str], None],
) -> None:
    """Add CSV attributes to transcripts; front matter wins, each conflict is a warning."""
    by_id = {t.id: t for t in transcripts}
    for tid, (line, values) in rows.items():
        transcript = by_id.get(tid)
        if transcript is None:
            warn(f"{csv_display}:{line}: no transcript '{tid}'{hint(tid, by_id)}; fix the id or remove the row")
            continue
        for name, value in values.items():
            current = transcript.attributes.get(name)
            if current is None:
                transcript.attributes[name] = value
            elif current != value:
                warn(
                    f"{transcript.display_path}: attribute '{name}' is '{current}' in the front matter but "
                    f"'{value}' in {csv_display}:{line}; using the front matter"
                )
