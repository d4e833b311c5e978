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

from qualcode.codebook.model import Codebook
from qualcode.coding.anchoring import anchor_for, locate_quote, segments_overlapping
from qualcode.coding.records import Coding, now
from qualcode.coding.resolve import reanchor_file
from qualcode.coding.store import CodingStore
from qualcode.common.didyoumean import hint
from qualcode.errors import ImportFileError, ImportRowsError, UnknownCodeError
from qualcode.study.corpus import Corpus
from qualcode.study.segment import Segment
from qualcode.study.transcripts import decode

REQUIRED = ("transcript", "quote", "code")


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
        raise ImportFileError(f"{display}: file not found")
    if path.suffix.lower() in (".xlsx", ".xlsm"):
        rows = _read_xlsx(path, display)
    else:
        try:
            text, _warning = decode(path.read_bytes(), display)
        except ValueError as exc:
            raise ImportFileError(f"{display}: {exc}") from None
        reader = csv.reader(io.StringIO(text))
        rows = [(reader.line_num, row) for row in reader]
    if not rows:
        raise ImportFileError(
            f"{display}: the file is empty; the first row must name the columns {', '.join(REQUIRED)}"
        )
    header = [str(h or "").strip().casefold() for h in rows[0][1]]
    missing = [c for c in REQUIRED if c not in header]
    if missing:
        found = ", ".join(h for h in header if h) or "none"
        raise ImportFileError(
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
        raise ImportFileError(
            f"{display}: not a readable XLSX workbook ({exc.__class__.__name__}); "
            "save it again from your spreadsheet program"
        ) from None
    try:
        sheet = workbook.worksheets[0]
        return [(number, list(row)) for number, row in enumerate(sheet.iter_rows(values_only=True), start=1)]
    finally:
        workbook.close()


def _code_id(codebook: Codebook, raw: str) -> str:
    """Accept an id or a path such as ``collaborative_pl/coaching``."""
    return codebook.resolve(raw)


def import_codings(
    store: CodingStore, corpus: Corpus, codebook: Codebook, path: Path, display: str, coder: str, skip_bad: bool = False
) -> ImportResult:
    """Anchor and import every row; raise ImportRowsError listing all bad rows unless ``skip_bad``."""
    rows = read_table(path, display)
    result = ImportResult(rows=len(rows))
    planned: list[tuple[int, list[Segment], str, str]] = []  # (row, segments, code, memo)
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
                codes.append(_code_id(codebook, raw))
            except UnknownCodeError:
                known = codebook.by_id
                problems.append(f"no code '{raw.strip()}'{hint(raw.strip(), known)}" if raw.strip() else "empty code")
        if not quote:
            problems.append("empty quote")
        segments = []
        if not problems:
            transcript = corpus.by_id[transcript_id]
            located = locate_quote(quote, transcript.text)
            if located is None:
                problems.append(
                    f"quote not found in transcript '{transcript_id}' (even approximately); "
                    "check it against the transcript text"
                )
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
        raise ImportRowsError(
            "\n".join(result.problems) + f"\nnothing was imported: fix these {len(result.problems)} row problem(s), "
            "or pass --skip-bad to import the other rows"
        )
    with store.transaction(coder) as current:
        reanchor_file(current, corpus)
        stamp = now()
        for _row, segments, code, memo in planned:
            for segment in segments:
                key = (segment.id, code)
                if key in current.codings:
                    result.already_present += 1
                    continue
                anchor = anchor_for(segment, corpus.by_id[segment.transcript].text)
                current.codings[key] = Coding(
                    segment.transcript, segment.id, code, current.coder, "import", stamp, memo, anchor
                )
                result.added += 1
        current.record("import", file=display, rows=result.rows, added=result.added, bad_rows=len(result.problems))
    return result
