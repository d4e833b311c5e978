"""Transcript files -> :class:`Transcript` (id, normalised text, attributes, named speaker turns).

Reading rules, in one place:
- the id is the path relative to the transcripts folder, without extension, ``/``-separated;
- a format reader (:mod:`qualcode.study.formats`) gives the file's normalised text (``\\n`` line
  ends, Unicode NFC), or a caption file's cues;
- an optional YAML front-matter block (``---`` … ``---``) holds attributes, in any format; Word,
  OpenDocument, PDF and RTF files may instead start with plain ``key: value`` lines; all offsets
  refer to the text *after* them;
- turns are found in the text (:mod:`qualcode.study.turns`), or made from caption cues (one turn
  per run of cues by one speaker), and their speakers named (:mod:`qualcode.study.speakers`);
- ``attributes.csv`` in the transcripts folder (column ``transcript`` + one per attribute) adds
  attributes; front matter wins on conflict, with a warning.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path

from qualcode.common.didyoumean import hint
from qualcode.common.spreadsheet import detect_delimiter
from qualcode.common.yamlfile import LineDict, load_yaml, scalar_to_str
from qualcode.errors import Problem, UnreadableFileError
from qualcode.study.formats import EXTENSIONS, Cue, reader_for
from qualcode.study.formats.text import decode
from qualcode.study.speakers import name_speakers
from qualcode.study.turns import Turn, detect

__all__ = ["ATTRIBUTES_FILE", "TRANSCRIPT_EXTENSIONS", "Transcript", "decode", "read_transcript"]

#: File extensions read as transcripts (see qualcode.study.formats).
TRANSCRIPT_EXTENSIONS = EXTENSIONS
ATTRIBUTES_FILE = "attributes.csv"
#: Formats whose text lines are the file's lines (so messages can name a line).
LINE_FORMATS = (".txt", ".md")
_KEY_VALUE = re.compile(r"^(?P<key>[a-z][a-z0-9_]*)[ \t]*:[ \t]*(?P<value>\S.*?)\s*$")


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
    format: str = ".txt"

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


def split_front_matter(text: str, display: str) -> tuple[dict[str, str], str, int, list[Problem]]:
    """Split off a leading ``---`` YAML block; return ``(attributes, body, body_line, problems)``."""
    lines = text.split("\n")
    if not lines or lines[0].rstrip() != "---":
        return {}, text, 1, []
    for index in range(1, len(lines)):
        if lines[index].rstrip() in ("---", "..."):
            break
    else:
        message = "front matter opened with '---' is never closed; add a line '---' after the attributes"
        return {}, text, 1, [Problem(display, 1, message)]
    block = "\n".join(lines[1:index])
    body = "\n".join(lines[index + 1 :])
    data, problems = load_yaml(block, display, line_offset=1)
    if problems:
        return {}, body, index + 2, problems
    if data is None:
        return {}, body, index + 2, []
    if not isinstance(data, LineDict):
        message = "front matter must be 'key: value' lines, e.g. 'case: Alder Creek'"
        return {}, body, index + 2, [Problem(display, 2, message)]
    attributes: dict[str, str] = {}
    for key, value in data.items():
        if isinstance(value, (dict, list)):
            problems.append(
                Problem(display, data.line_of(key), f"attribute '{key}' must be a single value, not a list or mapping")
            )
        elif value is not None and str(key) != "transcript":
            attributes[str(key)] = scalar_to_str(value)
    return attributes, body, index + 2, problems


def split_key_value_block(text: str) -> tuple[dict[str, str], str, int]:
    """Split off leading ``key: value`` lines (lower-case keys; blank lines between them allowed),
    as typed at the top of a Word document. Returns ``(attributes, body, body_line)``."""
    lines = text.split("\n")
    attributes: dict[str, str] = {}
    end = 0
    for index, line in enumerate(lines):
        if not line.strip():
            continue
        match = _KEY_VALUE.match(line)
        if match is None:
            break
        attributes.setdefault(match["key"], match["value"])
        end = index + 1
    if not attributes:
        return {}, text, 1
    while end < len(lines) and not lines[end].strip():
        end += 1
    return attributes, "\n".join(lines[end:]), end + 1


def turns_from_cues(cues: list[Cue]) -> tuple[str, list[Turn]]:
    """The text of a caption file (``Speaker: words`` paragraphs) and its turns: consecutive cues
    of one speaker form one turn, one cue per line, with the first cue's start and the last cue's
    end as the turn's times."""
    groups: list[list[Cue]] = []
    for cue in cues:
        if groups and groups[-1][0].speaker == cue.speaker:
            groups[-1].append(cue)
        else:
            groups.append([cue])
    parts: list[str] = []
    turns: list[Turn] = []
    offset, line = 0, 1
    for group in groups:
        speaker = group[0].speaker
        label = f"{speaker}: " if speaker else ""
        content = "\n".join(cue.text for cue in group)
        start = offset + len(label)
        turns.append(Turn(speaker, start, start + len(content), None, speaker, group[0].start, group[-1].end, line))
        parts.append(label + content)
        offset += len(label) + len(content) + 2
        line += content.count("\n") + 2
    return "\n\n".join(parts), turns


def read_transcript(
    path: Path,
    folder: Path,
    display: str,
    known_speakers: frozenset[str] = frozenset(),
    aliases: Mapping[str, str] | None = None,
) -> ReadResult:
    """Read one transcript file (never raises for bad content: problems are returned).

    ``known_speakers`` are labels always taken as speakers (the project's ``speakers_to_skip``);
    ``aliases`` the project's ``speaker_aliases``.
    """
    result = ReadResult()
    suffix = path.suffix.lower()
    reader = reader_for(path)
    if reader is None:  # pragma: no cover - the caller only passes files of known formats
        raise ValueError(f"no reader for {path}")
    try:
        extracted = reader(path)
    except UnreadableFileError as exc:
        result.problems.append(Problem(display, exc.line, str(exc)))
        return result
    except OSError as exc:
        result.problems.append(Problem(display, 0, f"cannot read the file: {exc.strerror or exc}"))
        return result
    for line, message in extracted.warnings:
        result.warnings.append(f"{display}:{line}: {message}" if line else f"{display}: {message}")
    aliases = dict(aliases or {})
    known = known_speakers | {k.casefold() for k in aliases}
    legend: dict[str, str] = {}
    attributes: dict[str, str] = {}
    body_line = 1
    if extracted.cues is not None:
        body, turns = turns_from_cues(extracted.cues)
    else:
        attributes, body, body_line, problems = split_front_matter(extracted.text, display)
        result.problems += problems
        if problems:
            return result
        if not attributes and extracted.key_value_block:
            attributes, body, body_line = split_key_value_block(body)
        detection = detect(body, known, markdown=extracted.markdown)
        turns, legend = detection.turns, detection.legend
    if not body.strip():
        result.warnings.append(f"{display}: the transcript is empty; it has no segments")

    def where(turn: Turn) -> str:
        return f"{display}:{body_line + turn.line - 1}" if suffix in LINE_FORMATS and turn.line else display

    turns, notes = name_speakers(turns, legend, aliases, where)
    result.warnings += notes
    result.transcript = Transcript(
        id=transcript_id(path, folder),
        path=path,
        display_path=display,
        text=body,
        attributes=attributes,
        turns=turns,
        body_line=body_line,
        format=suffix,
    )
    return result


def _attributes_delimiter(text: str) -> str:
    """``;`` or tab when the table uses it (European Excel) and it yields a ``transcript`` column, else ``,``."""
    found = detect_delimiter(text)
    header = next(csv.reader(io.StringIO(text.split("\n", 1)[0]), delimiter=found), [])
    return found if "transcript" in [h.strip() for h in header] else ","


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
    reader = csv.reader(io.StringIO(text), delimiter=_attributes_delimiter(text), strict=True)
    try:
        header = next(reader)
    except StopIteration:
        return rows, [], [f"{display}: the file is empty"]
    except csv.Error as exc:
        return rows, [_csv_problem(display, 1, exc)], warnings
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
    while True:
        start = reader.line_num + 1
        try:
            row = next(reader)
        except StopIteration:
            break
        except csv.Error as exc:
            problems.append(_csv_problem(display, start, exc))
            break
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


def _csv_problem(display: str, line: int, exc: csv.Error) -> Problem:
    if "unexpected end of data" in str(exc):
        why = 'a quote (") opened here is never closed; close it, or remove the stray quote'
    else:
        why = f'{exc}; a cell with a quote must be quoted as a whole, with the quote doubled ("")'
    return Problem(display, line, f"cannot read the table: {why}")


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
