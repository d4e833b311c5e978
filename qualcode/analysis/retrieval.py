"""Questions researchers ask of their codings: quotes for codes, code frequencies, coders.

All functions take a loaded :class:`~qualcode.codings.CodingSet` so a command loads codings once.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from typing import TYPE_CHECKING

from qualcode.coding.store import CodingSet
from qualcode.common.didyoumean import hint
from qualcode.errors import QualcodeError

if TYPE_CHECKING:
    from qualcode.study.project import Project

QUOTE_KEYS = ("case", "transcript", "segment", "speaker", "codes", "coders", "text", "attributes")


def parse_where(pairs: Sequence[str]) -> list[tuple[str, str]]:
    """``["role=principal"]`` -> ``[("role", "principal")]``; malformed pairs are errors."""
    out = []
    for pair in pairs:
        name, sep, value = pair.partition("=")
        if not sep or not name.strip():
            raise QualcodeError(f"--where '{pair}' must look like ATTRIBUTE=VALUE, e.g. --where role=principal")
        out.append((name.strip(), value.strip()))
    return out


def expand_codes(project: "Project", code_ids: Sequence[str], exact: bool) -> dict[str, str]:
    """Requested code -> itself and (unless ``exact``) its descendants: ``{code: requested}``."""
    wanted: dict[str, str] = {}
    for code_id in code_ids:
        project.codebook.get(code_id)
        for member in [code_id] if exact else project.codebook.descendants(code_id):
            wanted.setdefault(member, code_id)
    return wanted


def quotes(project: "Project", codings: CodingSet, code_ids: Sequence[str], case: str | None = None,
           where: Sequence[tuple[str, str]] = (), exact: bool = False) -> list[dict]:
    """Coded segments carrying any of ``code_ids`` (children included unless ``exact``).

    Each row: case, transcript, segment, speaker, codes (all codes on the segment, by the
    selected coders), coders (who applied a requested code), text, attributes. Rows are sorted by
    case, then transcript, then reading order. Filters match case-insensitively.
    """
    wanted = expand_codes(project, code_ids, exact)
    project.corpus.require_attributes([name for name, _ in where])
    corpus = project.corpus
    if case is not None:
        cases = {c for c in (corpus.case_of(t.id) for t in corpus.transcripts) if c}
        if case.casefold() not in {c.casefold() for c in cases}:
            raise QualcodeError(f"no case '{case}'{hint(case, cases)}; cases: {', '.join(sorted(cases))}")
    all_codes: dict[str, set[str]] = defaultdict(set)
    matched_by: dict[str, set[str]] = defaultdict(set)
    for coding in codings.codings:
        all_codes[coding.segment].add(coding.code)
        if coding.code in wanted:
            matched_by[coding.segment].add(coding.coder)
    rows = []
    for segment_id, coders in matched_by.items():
        segment = corpus.segment_index[segment_id]
        attributes = corpus.by_id[segment.transcript].attributes
        segment_case = corpus.case_of(segment.transcript)
        if case is not None and (segment_case or "").casefold() != case.casefold():
            continue
        if any(attributes.get(name, "").casefold() != value.casefold() for name, value in where):
            continue
        rows.append(
            {
                "case": segment_case,
                "transcript": segment.transcript,
                "segment": segment.id,
                "speaker": segment.speaker,
                "codes": sorted(all_codes[segment_id]),
                "coders": sorted(coders),
                "text": segment.text,
                "attributes": dict(attributes),
                "_order": (segment_case or "", segment.transcript, segment.index),
            }
        )
    rows.sort(key=lambda r: r["_order"])
    for row in rows:
        del row["_order"]
    return rows


def code_stats(project: "Project", codings: CodingSet) -> list[dict]:
    """Per code, in codebook order: distinct segments, transcripts and cases carrying it.

    A parent counts the distinct segments coded with it or any of its children (a segment
    coded with both counts once). Segments of ``speakers_to_skip`` are not counted.
    """
    corpus = project.corpus
    book = project.codebook
    segments_by_code: dict[str, set[str]] = defaultdict(set)
    codings_by_code: dict[str, int] = defaultdict(int)
    for coding in codings.codings:
        segment = corpus.segment_index.get(coding.segment)
        if segment is None or segment.skipped:
            continue
        segments_by_code[coding.code].add(coding.segment)
        codings_by_code[coding.code] += 1
    rows = []
    for code in book.walk():
        members = book.descendants(code.id)
        segments = set().union(*(segments_by_code[m] for m in members))
        transcripts = {corpus.segment_index[s].transcript for s in segments}
        cases = {corpus.case_of(t) for t in transcripts} - {None}
        rows.append(
            {
                "code": code.id,
                "path": book.path_of(code.id),
                "label": code.label,
                "depth": book.depth(code.id),
                "segments": len(segments),
                "own_segments": len(segments_by_code[code.id]),
                "codings": sum(codings_by_code[m] for m in members),
                "transcripts": len(transcripts),
                "cases": len(cases),
            }
        )
    return rows


def coder_summary(project: "Project", codings: CodingSet) -> list[dict]:
    """Per coder: codings, distinct segments and codes, transcripts covered and done, last change."""
    rows = []
    for coder in codings.coders:
        mine = [c for c in codings.codings if c.coder == coder]
        sources = defaultdict(int)
        for coding in mine:
            sources[coding.source] += 1
        rows.append(
            {
                "coder": coder,
                "codings": len(mine),
                "segments": len({c.segment for c in mine}),
                "codes": len({c.code for c in mine}),
                "transcripts": len(codings.covered(coder)),
                "done": len(codings.done.get(coder, ())),
                "sources": dict(sorted(sources.items())),
                "last_change": max((c.timestamp for c in mine), default=None),
            }
        )
    return rows
