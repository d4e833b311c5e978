"""Codings as spreadsheet rows: import from CSV/XLSX, export to CSV/JSON.

Import reads the shape teams keep in spreadsheets: ``transcript``, ``quote``, ``code`` and an
optional ``memo`` column. Each quote is anchored to the segment(s) containing it: exact match
first (ignoring whitespace and case), then fuzzy (see :mod:`qualcode.anchoring`); a quote that
spans several segments codes each of them. Every bad row is reported with its row number, and
nothing is imported unless ``skip_bad`` is set.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from qualcode.coding.anchoring import anchor_for, locate_quote, segments_overlapping
from qualcode.coding.store import Coding, CodingSet, now, store_for
from qualcode.common.didyoumean import hint
from qualcode.errors import QualcodeError
from qualcode.study.transcripts import decode

if TYPE_CHECKING:
    from qualcode.study.project import Project

REQUIRED = ("transcript", "quote", "code")
EXPORT_KEYS = ("transcript", "case", "segment", "speaker", "code", "coder", "source", "quote", "memo")


class ImportProblem(QualcodeError):
    """Rows of an import file could not be used; nothing was imported."""


@dataclass
class ImportResult:
    rows: int = 0
    added: int = 0
    already_present: int = 0
    fuzzy: list[tuple[int, float]] = field(default_factory=list)  # (row, score)
    problems: list[str] = field(default_factory=list)
    skipped_speaker_rows: list[int] = field(default_factory=list)


def read_table(path: Path, display: str) -> list[tuple[int, dict[str, str]]]:
    """Rows of a CSV or XLSX file as ``(row number, {lower-case column: value})``."""
    if not path.is_file():
        raise QualcodeError(f"{display}: file not found")
    if path.suffix.lower() in (".xlsx", ".xlsm"):
        rows = _read_xlsx(path, display)
    else:
        try:
            text, _warning = decode(path.read_bytes(), display)
        except ValueError as exc:
            raise QualcodeError(f"{display}: {exc}") from None
        reader = csv.reader(io.StringIO(text))
        rows = [(reader.line_num, row) for row in reader]
    if not rows:
        raise QualcodeError(f"{display}: the file is empty; the first row must name the columns {', '.join(REQUIRED)}")
    header = [str(h or "").strip().casefold() for h in rows[0][1]]
    missing = [c for c in REQUIRED if c not in header]
    if missing:
        found = ", ".join(h for h in header if h) or "none"
        raise QualcodeError(
            f"{display}:1: missing column(s) {', '.join(missing)} (found: {found}); "
            f"the first row must name the columns {', '.join(REQUIRED)} and optionally memo"
        )
    out = []
    for number, row in rows[1:]:
        values = {h: str(v if v is not None else "").strip() for h, v in zip(header, row) if h}
        if any(values.values()):
            out.append((number, values))
    return out


def _read_xlsx(path: Path, display: str) -> list[tuple[int, list]]:
    from openpyxl import load_workbook

    try:
        workbook = load_workbook(path, read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many types for broken files
        raise QualcodeError(f"{display}: not a readable XLSX workbook ({exc.__class__.__name__}); save it again from your spreadsheet program") from None
    try:
        sheet = workbook.worksheets[0]
        return [(number, list(row)) for number, row in enumerate(sheet.iter_rows(values_only=True), start=1)]
    finally:
        workbook.close()


def _code_id(project: "Project", raw: str) -> str:
    """Accept an id or a path such as ``collaborative_pl/coaching``."""
    candidate = raw.strip().rstrip("/").rsplit("/", 1)[-1]
    project.codebook.get(candidate)
    return candidate


def import_codings(project: "Project", path: Path, coder: str, skip_bad: bool = False) -> ImportResult:
    """Anchor and import every row; raise ImportProblem listing all bad rows unless ``skip_bad``."""
    display = project.display(path) if path.is_absolute() else str(path)
    rows = read_table(path, display)
    corpus = project.corpus
    result = ImportResult(rows=len(rows))
    planned: list[tuple[int, list, str, str]] = []  # (row, segments, code, memo)
    for number, row in rows:
        where = f"{display}:{number}"
        transcript_id = row.get("transcript", "").removesuffix(".txt").removesuffix(".md")
        quote = row.get("quote", "")
        codes_cell = row.get("code", "")
        problems = []
        if transcript_id not in corpus.by_id:
            problems.append(f"no transcript '{transcript_id}'{hint(transcript_id, corpus.by_id)}")
        codes = []
        for raw in [c for c in codes_cell.replace(",", ";").split(";") if c.strip()] or [""]:
            try:
                codes.append(_code_id(project, raw))
            except QualcodeError:
                known = project.codebook.by_id
                problems.append(f"no code '{raw.strip()}'{hint(raw.strip(), known)}" if raw.strip() else "empty code")
        if not quote:
            problems.append("empty quote")
        segments = []
        if not problems:
            transcript = corpus.by_id[transcript_id]
            located = locate_quote(quote, transcript.text)
            if located is None:
                problems.append(f"quote not found in transcript '{transcript_id}' (even approximately); "
                                "check it against the transcript text")
            else:
                start, end, score = located
                segments = segments_overlapping(corpus.segments_by_transcript[transcript_id], start, end)
                spoken = [s for s in segments if not s.skipped]
                if spoken:
                    segments = spoken
                elif segments:
                    result.skipped_speaker_rows.append(number)
                if score < 100:
                    result.fuzzy.append((number, score))
                if not segments:
                    problems.append("the quote lies outside every segment")
        if problems:
            result.problems += [f"{where}: {p}" for p in problems]
            continue
        for code in codes:
            planned.append((number, segments, code, row.get("memo", "")))
    if result.problems and not skip_bad:
        raise ImportProblem(
            "\n".join(result.problems)
            + f"\nnothing was imported: fix these {len(result.problems)} row problem(s), or pass --skip-bad to import the other rows"
        )
    with store_for(project).transaction(coder) as current:
        stamp = now()
        for number, segments, code, memo in planned:
            for segment in segments:
                key = (segment.id, code)
                if key in current.codings:
                    result.already_present += 1
                    continue
                anchor = anchor_for(segment, corpus.by_id[segment.transcript].text)
                current.codings[key] = Coding(segment.transcript, segment.id, code, current.coder, "import", stamp, memo, anchor)
                result.added += 1
        current.record("import", file=display, rows=result.rows, added=result.added, bad_rows=len(result.problems))
    return result


def export_rows(project: "Project", codings: CodingSet) -> list[dict]:
    """One row per coding: EXPORT_KEYS plus every transcript attribute (by name)."""
    corpus = project.corpus
    names = sorted({k for t in corpus.transcripts for k in t.attributes} - set(EXPORT_KEYS))
    rows = []
    for coding in sorted(codings.codings, key=lambda c: (c.transcript, corpus.segment_index[c.segment].index, c.code, c.coder)):
        segment = corpus.segment_index[coding.segment]
        attributes = corpus.by_id[coding.transcript].attributes
        row = {
            "transcript": coding.transcript,
            "case": corpus.case_of(coding.transcript),
            "segment": coding.segment,
            "speaker": segment.speaker,
            "code": coding.code,
            "coder": coding.coder,
            "source": coding.source,
            "quote": segment.text,
            "memo": coding.memo,
        }
        row.update({name: attributes.get(name) for name in names})
        rows.append(row)
    return rows
