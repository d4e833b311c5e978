"""Codings as spreadsheet rows: import from CSV/XLSX, export to CSV/XLSX/JSON.

Import reads the shape teams keep in spreadsheets: ``transcript``, ``quote``, ``code`` and the
optional ``memo`` and ``segment`` columns, from any file :func:`~qualcode.common.spreadsheet.read_sheet`
reads (CSV separated by commas, semicolons or tabs in UTF-8, Windows-1252 or Latin-1; XLSX). A
row whose ``segment`` is a segment of its transcript codes that segment (so an exported file
imports as it was); otherwise its quote is anchored to the segment(s) containing it: exact match
first (ignoring whitespace and case), then fuzzy (see :mod:`qualcode.coding.anchoring`); a quote
that spans several segments codes each of them. Every bad row is reported with its row number,
and nothing is imported unless ``skip_bad`` is set.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from qualcode.codebook.model import Codebook
from qualcode.coding.anchoring import QuoteIndex, anchor_for, segments_overlapping
from qualcode.coding.records import Coding, now
from qualcode.coding.resolve import reanchor_file
from qualcode.coding.store import CodingStore
from qualcode.common.didyoumean import closest, hint
from qualcode.common.spreadsheet import cell_text, is_cut, read_sheet
from qualcode.errors import ImportFileError, ImportRowsError, UnknownCodeError
from qualcode.study.corpus import Corpus
from qualcode.study.segment import Segment

REQUIRED = ("transcript", "quote", "code")
#: Columns read besides the required ones.
OPTIONAL = ("memo", "segment")
#: Columns ``export codings`` writes that import does not use (passed over without a word).
EXPORTED = ("case", "speaker", "coder", "source", "time_start", "time_end")
_EXPECTED = f"{', '.join(REQUIRED)} and optionally {', '.join(OPTIONAL)}"


@dataclass
class ImportResult:
    rows: int = 0
    added: int = 0
    already_present: int = 0
    fuzzy: list[tuple[int, float]] = field(default_factory=list)  # (row, score)
    problems: list[str] = field(default_factory=list)
    skipped_speaker_rows: list[int] = field(default_factory=list)
    #: Rows whose ``segment`` is not (or no longer) in their transcript, anchored by their quote.
    stale_segment_rows: list[int] = field(default_factory=list)
    #: Coders named in the file's ``coder`` column other than the one imported for.
    other_coders: list[str] = field(default_factory=list)


@dataclass
class CodingsTable:
    """The rows of an import file, ``(row number, {column: value})``, and how the file was read."""

    rows: list[tuple[int, dict[str, str]]]
    described: str
    notes: list[str] = field(default_factory=list)


def read_table(path: Path, display: str) -> CodingsTable:
    """The rows of a CSV or XLSX file keyed by the columns read (see :func:`_columns`)."""
    sheet = read_sheet(path, display)
    records = sheet.rows
    if not records or not any(str(h).strip() for h in records[0][1]):
        raise ImportFileError(
            f"{display}: the file is empty; the first row must name the columns {', '.join(REQUIRED)}"
        )
    columns, notes = _columns([str(h) for h in records[0][1]], display)
    out = []
    for number, row in records[1:]:
        values = {name: cell_text(row[i]) if i < len(row) else "" for name, i in columns.items()}
        if any(values.values()):
            out.append((number, values))
    return CodingsTable(out, sheet.described, sheet.notes + notes)


def _normal(name: str) -> str:
    """A header name compared loosely: any case, no surrounding spaces, a space or ``-`` as ``_``."""
    return "_".join(name.replace("-", " ").replace("_", " ").split()).casefold()


def _columns(header: list[str], display: str) -> tuple[dict[str, int], list[str]]:
    """``{column: index}`` for the columns read, and notes; a missing required column is an error.

    A header that matches a column only loosely (``Transcript``, `` quote ``) is read, with a
    note; one that looks like a misspelt column (``Codes``, ``Segment ID``) gets a did-you-mean.
    """
    wanted = (*REQUIRED, *OPTIONAL)
    columns: dict[str, int] = {}
    loose: list[str] = []
    for index, raw in enumerate(header):
        if raw.strip() in (*wanted, "coder") and raw.strip() not in columns:
            columns[raw.strip()] = index
    for index, raw in enumerate(header):
        key = _normal(raw)
        if key in (*wanted, "coder") and key not in columns and index not in columns.values():
            columns[key] = index
            if key != "coder":
                loose.append(f"'{raw.strip()}' as '{key}'")
    guesses: dict[str, str] = {}  # column -> the header that looks like a misspelling of it
    for index, raw in enumerate(header):
        if index in columns.values() or not raw.strip() or _normal(raw) in EXPORTED:
            continue
        absent = [c for c in wanted if c not in columns and c not in guesses]
        found = closest(_normal(raw).replace("_", " "), absent, cutoff=80)
        if found:
            guesses[found[0]] = raw.strip()
    notes = [f"{display}:1: read column(s) {', '.join(loose)}"] if loose else []
    missing = [c for c in REQUIRED if c not in columns]
    if missing:
        found_names = ", ".join(h.strip() for h in header if h.strip()) or "none"
        hints = "".join(f"; did you mean '{c}' for column '{guesses[c]}'?" for c in missing if c in guesses)
        raise ImportFileError(
            f"{display}:1: missing column(s) {', '.join(missing)} (found: {found_names}){hints}; "
            f"the first row must name the columns {_EXPECTED}"
        )
    for column in OPTIONAL:
        if column in guesses:
            notes.append(
                f"{display}:1: column '{guesses[column]}' is not read (did you mean '{column}'?); "
                f"rename it '{column}' to use it"
            )
    return columns, notes


def _code_id(codebook: Codebook, raw: str) -> str:
    """Accept an id or a path such as ``collaborative_pl/coaching``."""
    return codebook.resolve(raw)


def import_codings(
    store: CodingStore,
    corpus: Corpus,
    codebook: Codebook,
    path: Path,
    display: str,
    coder: str,
    skip_bad: bool = False,
    table: CodingsTable | None = None,
) -> ImportResult:
    """Anchor and import every row; raise ImportRowsError listing all bad rows unless ``skip_bad``.

    ``table`` is the file already read with :func:`read_table` (it is read here when not given).
    """
    rows = (table or read_table(path, display)).rows
    result = ImportResult(rows=len(rows))
    result.other_coders = sorted({row.get("coder", "") for _n, row in rows} - {"", coder})
    planned: list[tuple[int, list[Segment], str, str]] = []  # (row, segments, code, memo)
    indexes: dict[str, QuoteIndex] = {}
    for number, row in rows:
        where = f"{display}:{number}"
        transcript_id = row.get("transcript", "").removesuffix(".txt").removesuffix(".md")
        quote = row.get("quote", "")
        if is_cut(quote):  # an exported quote cut to fit a cell: the part before the "…"
            quote = quote[:-1]
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
        named = corpus.segment_index.get(row.get("segment", ""))
        if named is not None and named.transcript != transcript_id:
            named = None
        if row.get("segment") and named is None and transcript_id in corpus.by_id:
            result.stale_segment_rows.append(number)
        if not quote and named is None:
            problems.append("empty quote")
        segments = []
        if not problems and named is not None:
            segments = [named]
            if named.skipped:
                result.skipped_speaker_rows.append(number)
        elif not problems:
            if transcript_id not in indexes:  # prepared once per transcript, not once per row
                indexes[transcript_id] = QuoteIndex(corpus.by_id[transcript_id].text)
            located = indexes[transcript_id].locate(quote)
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
