"""Questions researchers ask of their codings: quotes for codes, code frequencies, coders.

All functions take resolved codings (:class:`~qualcode.coding.resolve.CodingSet`) so a command
loads them once. No pandas or spaCy here: hand-coding commands stay fast.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from typing import Any

from qualcode.codebook.model import Codebook
from qualcode.coding.resolve import CodingSet
from qualcode.errors import InputError
from qualcode.study.corpus import Corpus

QUOTE_KEYS = ("case", "transcript", "segment", "speaker", "codes", "coders", "text", "attributes")
CODING_KEYS = (
    "transcript",
    "case",
    "segment",
    "speaker",
    "code",
    "coder",
    "source",
    "quote",
    "memo",
    "time_start",
    "time_end",
)


def parse_where(pairs: Sequence[str]) -> list[tuple[str, str]]:
    """``["role=principal"]`` -> ``[("role", "principal")]``; malformed pairs are errors."""
    out = []
    for pair in pairs:
        name, sep, value = pair.partition("=")
        if not sep or not name.strip():
            raise InputError(f"--where '{pair}' must look like ATTRIBUTE=VALUE, e.g. --where role=principal")
        out.append((name.strip(), value.strip()))
    return out


def expand_codes(codebook: Codebook, code_ids: Sequence[str], exact: bool) -> dict[str, str]:
    """Requested code -> itself and (unless ``exact``) its descendants: ``{code: requested}``."""
    wanted: dict[str, str] = {}
    for code_id in code_ids:
        codebook.get(code_id)
        for member in [code_id] if exact else codebook.descendants(code_id):
            wanted.setdefault(member, code_id)
    return wanted


def quotes(
    corpus: Corpus,
    codebook: Codebook,
    codings: CodingSet,
    code_ids: Sequence[str],
    case: str | None = None,
    where: Sequence[tuple[str, str]] = (),
    exact: bool = False,
) -> list[dict[str, Any]]:
    """Coded segments carrying any of ``code_ids`` (children included unless ``exact``).

    Each row: case, transcript, segment, speaker, codes (all codes on the segment, by the
    selected coders), coders (who applied a requested code), text, attributes. Rows are sorted by
    case, then transcript, then reading order. Filters match case-insensitively.
    """
    wanted = expand_codes(codebook, code_ids, exact)
    corpus.require_attributes([name for name, _ in where])
    if case is not None:
        corpus.require_case(case)
    all_codes: dict[str, set[str]] = defaultdict(set)
    matched_by: dict[str, set[str]] = defaultdict(set)
    for coding in codings.codings:
        all_codes[coding.segment].add(coding.code)
        if coding.code in wanted:
            matched_by[coding.segment].add(coding.coder)
    found: list[tuple[tuple[str, str, int], dict[str, Any]]] = []
    for segment_id, coders in matched_by.items():
        segment = corpus.segment_index[segment_id]
        attributes = corpus.attributes_by_id[segment.transcript]
        segment_case = corpus.case_of(segment.transcript)
        if case is not None and (segment_case or "").casefold() != case.casefold():
            continue
        if any(attributes.get(name, "").casefold() != value.casefold() for name, value in where):
            continue
        order = (segment_case or "", segment.transcript, segment.index)
        found.append(
            (
                order,
                {
                    "case": segment_case,
                    "transcript": segment.transcript,
                    "segment": segment.id,
                    "speaker": segment.speaker,
                    "codes": sorted(all_codes[segment_id]),
                    "coders": sorted(coders),
                    "text": segment.text,
                    "attributes": dict(attributes),
                },
            )
        )
    found.sort(key=lambda item: item[0])
    return [row for _, row in found]


def code_stats(corpus: Corpus, book: Codebook, codings: CodingSet) -> list[dict[str, Any]]:
    """Per code, in codebook order: distinct segments, transcripts and cases carrying it.

    A parent counts the distinct segments coded with it or any of its children (a segment
    coded with both counts once). Segments of ``speakers_to_skip`` are not counted.
    """
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


def coder_summary(codings: CodingSet) -> list[dict[str, Any]]:
    """Per coder: codings, distinct segments and codes, transcripts covered and done, last change."""
    rows = []
    for coder in codings.coders:
        mine = [c for c in codings.codings if c.coder == coder]
        sources: dict[str, int] = defaultdict(int)
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


def coding_rows(corpus: Corpus, codings: CodingSet) -> list[dict[str, Any]]:
    """One row per coding: CODING_KEYS plus every transcript attribute (by name)."""
    names = sorted(corpus.attribute_names - set(CODING_KEYS))
    rows = []
    for coding in sorted(
        codings.codings, key=lambda c: (c.transcript, corpus.segment_index[c.segment].index, c.code, c.coder)
    ):
        segment = corpus.segment_index[coding.segment]
        attributes = corpus.typed_attributes_of(coding.transcript)
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
            "time_start": segment.time_start,
            "time_end": segment.time_end,
        }
        row.update({name: attributes.get(name) for name in names})
        rows.append(row)
    return rows
