"""Collecting the cross-case report's data: numbers, quotes, case profiles, code pages, agreement.

:func:`report_context` returns everything the template needs. The default heatmap view is
rendered in the HTML (numbers readable without JavaScript, and in print); the page script
recomputes the other views from the embedded data, which holds each coded segment's text once:
cells, co-occurrence cells, case profiles and code pages all refer to quotes by index. All
counts use the matrix functions and the study's counting rules, so the report's numbers equal
``qualcode matrix``, ``transcripts`` and ``cases``.
"""

from __future__ import annotations

import datetime as _dt
import re
from collections import Counter, defaultdict
from collections.abc import Mapping, Sequence
from typing import Any

import pandas as pd

from qualcode import __version__
from qualcode.analysis.agreement import report_section
from qualcode.analysis.matrix import build_matrix, cooccurrence, totals
from qualcode.analysis.selection import SUGGESTIONS_CODER, Selection
from qualcode.codebook.model import Codebook
from qualcode.report.format import BINS, format_clock, format_value, heat_bin
from qualcode.report.markdown import markdown_blocks
from qualcode.study.attributes import MISSING, PARTICIPANT_ATTRIBUTE, attribute_value
from qualcode.study.corpus import Corpus
from qualcode.study.ordering import natural_key
from qualcode.synthesis.summaries import CITATION, Summary

__all__ = ["AUTO", "BINS", "MEASURE_LABELS", "report_context"]

MEASURE_LABELS = {
    "segments": "Segments",
    "transcripts": "Transcripts",
    "participants": "Participants",
    "share": "Share of segments",
}


def _codes(book: Codebook) -> tuple[list[dict[str, Any]], dict[str, int]]:
    codes = list(book.walk())
    index = {code.id: i for i, code in enumerate(codes)}
    out = [
        {
            "id": code.id,
            "label": code.name,
            "parent": index[code.parent] if code.parent else -1,
            "depth": book.depth(code.id),
            "color": book.color_of(code.id),
            "memos": [],
        }
        for code in codes
    ]
    return out, index


def _quotes(
    corpus: Corpus, selection: Selection, code_index: dict[str, int], transcript_index: dict[str, int]
) -> list[dict[str, Any]]:
    """One record per coded segment of a coded speaker, in reading order."""
    applied: dict[str, dict[str, set[str]]] = defaultdict(lambda: defaultdict(set))  # segment -> code -> coders
    for coding in selection.codings:
        segment = corpus.segment_index.get(coding.segment)
        if segment is None or segment.skipped or coding.code not in code_index:
            continue
        applied[segment.id][coding.code].add(coding.coder)
    evidence: dict[str, list[list[Any]]] = defaultdict(list)
    for suggestion in selection.suggestions:
        segment = corpus.segment_index.get(suggestion.segment)
        if segment is None or segment.id not in applied or suggestion.code not in code_index:
            continue
        for item in suggestion.evidence:
            start, end = max(item.start - segment.start, 0), min(item.end - segment.start, len(segment.text))
            if start < end:
                evidence[segment.id].append([start, end, code_index[suggestion.code], str(item.rule)])
    notes: dict[str, list[list[str]]] = defaultdict(list)
    for note in selection.hand.notes:
        if note.segment in applied and note.text.strip():
            notes[note.segment].append([note.coder, note.text])
    coders = {name: i for i, name in enumerate(selection.coders)}
    segments = sorted(
        (corpus.segment_index[s] for s in applied), key=lambda s: (transcript_index[s.transcript], s.index)
    )
    out = []
    for segment in segments:
        by_code = applied[segment.id]
        ordered = sorted(by_code, key=code_index.__getitem__)
        out.append(
            {
                "i": segment.id,
                "t": transcript_index[segment.transcript],
                "s": segment.speaker or "",
                "tm": format_clock(segment.time_start),
                "x": segment.text,
                "c": [code_index[c] for c in ordered],
                "g": [code_index[c] for c in ordered if by_code[c] == {SUGGESTIONS_CODER}],
                "k": sorted({coders[name] for names in by_code.values() for name in names if name in coders}),
                "e": sorted(evidence.get(segment.id, [])),
                "nt": notes.get(segment.id, []),
            }
        )
    return out


def _transcripts(
    corpus: Corpus, columns: list[str], filters: list[str], quotes: list[dict[str, Any]]
) -> list[dict[str, Any]]:
    coded = Counter(q["t"] for q in quotes)
    out = []
    for i, transcript in enumerate(corpus.transcripts):
        attributes = corpus.attributes_by_id[transcript.id]
        case = attribute_value(attributes, corpus.case_attribute)
        out.append(
            {
                "id": transcript.id,
                "col": columns.index(case),
                "case": case,
                "role": str(attributes.get("role") or ""),
                "p": str(attributes[PARTICIPANT_ATTRIBUTE]) if attributes.get(PARTICIPANT_ATTRIBUTE) else None,
                "n": len(corpus.coded_segments([transcript.id])),
                "w": corpus.word_count([transcript.id]),
                "q": coded[i],
                "f": {name: attribute_value(attributes, name) for name in filters},
                "people": corpus.participants([transcript.id]),
            }
        )
    return out


def _exemplars(
    quotes: list[dict[str, Any]], transcripts: list[dict[str, Any]], codes: list[dict[str, Any]], ncols: int
) -> dict[int, list[int]]:
    """Per code (its sub-codes included): one quote per case, preferring readable lengths
    (80-700 characters), then quotes carrying few codes, then reading order."""
    best: dict[tuple[int, int], tuple[bool, int, int]] = {}
    for qi, quote in enumerate(quotes):
        carried = set()
        for code in quote["c"]:
            while code != -1 and code not in carried:
                carried.add(code)
                code = codes[code]["parent"]
        rank = (not 80 <= len(quote["x"]) <= 700, len(quote["c"]), qi)
        col = transcripts[quote["t"]]["col"]
        for code in carried:
            if (code, col) not in best or rank < best[(code, col)]:
                best[(code, col)] = rank
    return {ci: [best[(ci, col)][2] for col in range(ncols) if (ci, col) in best] for ci in range(len(codes))}


def _heat_rows(
    table: pd.DataFrame,
    codes: list[dict[str, Any]],
    code_index: dict[str, int],
    measure: str,
    total: pd.Series | None = None,
    diagonal: bool = False,
) -> list[dict[str, Any]]:
    """Rows of heat cells; with ``diagonal`` (co-occurrence) the colour scale ignores the diagonal."""
    values = table.to_numpy()
    scale = values.copy()
    if diagonal and scale.size:
        scale.flat[:: len(scale) + 1] = 0
    peak = float(scale.max()) if scale.size else 0.0
    rows = []
    for code_id, row in zip(table.index, values.tolist()):
        cells = [
            {"col": j, "value": v, "text": format_value(v, measure), "bin": heat_bin(v, peak)}
            for j, v in enumerate(row)
        ]
        entry = {"code": codes[code_index[code_id]], "index": code_index[code_id], "cells": cells}
        if total is not None:
            entry["total"] = format_value(float(total[code_id]), measure)
        rows.append(entry)
    return rows


def _case_profiles(
    corpus: Corpus,
    book: Codebook,
    selection: Selection,
    columns: list[str],
    transcripts: list[dict[str, Any]],
    codes: list[dict[str, Any]],
    code_index: dict[str, int],
) -> list[dict[str, Any]]:
    top_segments = build_matrix(corpus, book, selection.codings, measure="segments", level="top")
    top_share = build_matrix(corpus, book, selection.codings, measure="share", level="top")
    profiles = []
    for col, case in enumerate(columns):
        members = sorted((t for t in transcripts if t["col"] == col), key=lambda t: natural_key(t["id"]))
        themes: list[dict[str, Any]] = [
            {
                "code": codes[code_index[c]],
                "index": code_index[c],
                "segments": int(top_segments.at[c, case]),
                "share": format_value(float(top_share.at[c, case]), "share"),
                "percent": round(float(top_share.at[c, case]) * 100, 1),
            }
            for c in top_segments.index
            if top_segments.at[c, case] > 0
        ]
        themes.sort(key=lambda t: (-t["segments"], t["index"]))
        profiles.append(
            {
                "case": case,
                "col": col,
                "transcripts": members,
                "participants": len(set().union(*(t["people"] for t in members))),
                "segments": sum(t["n"] for t in members),
                "words": sum(t["w"] for t in members),
                "coded": sum(t["q"] for t in members),
                "themes": themes[:5],
                "attributes": [
                    {"name": name, "text": corpus.case_table.text(case, name)}
                    for name in corpus.case_table.attributes
                    if corpus.case_table.value(case, name) is not None
                ],
            }
        )
    return profiles


def _code_pages(
    corpus: Corpus,
    book: Codebook,
    selection: Selection,
    codes: list[dict[str, Any]],
    code_index: dict[str, int],
    exemplars: dict[int, list[int]],
    columns: list[str],
) -> list[dict[str, Any]]:
    counts = build_matrix(corpus, book, selection.codings, measure="segments", level="all")
    overall = totals(corpus, book, selection.codings, "segments", "all")
    pages = []
    for code in book.walk():
        i = code_index[code.id]
        row = counts.loc[code.id]
        pages.append(
            {
                "code": codes[i],
                "index": i,
                "path": book.path_of(code.id),
                "definition": code.definition,
                "include": code.include,
                "exclude": code.exclude,
                "examples": code.examples,
                "children": [codes[code_index[c.id]] for c in code.children],
                "counts": [{"col": j, "case": case, "value": int(row[case])} for j, case in enumerate(columns)],
                "total": int(overall[code.id]),
                "exemplars": " ".join(str(q) for q in exemplars[i]),
            }
        )
    return pages


def _study_numbers(
    corpus: Corpus, selection: Selection, transcripts: list[dict[str, Any]], quotes: list[dict[str, Any]]
) -> list[tuple[str, str]]:
    index = corpus.segment_index
    participants = set().union(*(t["people"] for t in transcripts))
    cases = {t["case"] for t in transcripts} - {MISSING}
    hand = selection.hand_coders
    counted = sum(1 for c in selection.codings if c.segment in index and not index[c.segment].skipped)
    numbers = [
        ("transcripts", len(transcripts)),
        ("cases", len(cases)),
        ("participants", len(participants)),
        ("words", sum(t["w"] for t in transcripts)),
        ("interviewee segments", sum(t["n"] for t in transcripts)),
        ("coded segments", len(quotes)),
        ("codings", counted),
        ("coders", len(hand)),
    ]
    return [(label, f"{value:,}") for label, value in numbers]


def _nested_agreement_rows(rows: list[dict[str, Any]], book: Codebook) -> list[dict[str, Any]]:
    """The per-code rows in codebook order, each sub-code under its own parent: a parent with
    no row of its own (no coder used it) gets a heading row (``"heading": True``)."""
    order = {code.id: i for i, code in enumerate(book.walk())}
    present = {row["code"] for row in rows if row.get("code") in order}
    if not present:
        return rows
    out: list[dict[str, Any]] = []
    shown: set[str] = set()
    for row in sorted(rows, key=lambda r: order.get(r.get("code", ""), len(order))):
        code = row.get("code", "")
        if code in order and row.get("depth", 0):
            ancestors = book.path_of(code).split("/")[:-1]
            for depth, ancestor in enumerate(ancestors):
                if ancestor not in shown and ancestor not in present:
                    out.append({"code": ancestor, "label": book.by_id[ancestor].name, "depth": depth, "heading": True})
                    shown.add(ancestor)
        out.append(row)
        shown.add(code)
    return out


def _agreement(
    selection: Selection, corpus: Corpus, book: Codebook, reconciled: Mapping[str, Sequence[str]]
) -> dict[str, Any] | None:
    """The agreement section comparing the independent coders: a coder made by ``reconcile``
    is left out (and named in ``excluded``)."""
    made = [c for c in selection.hand.coders if c in reconciled]
    hand = selection.hand
    if made:
        hand = hand.restricted([c for c in hand.coders if c not in reconciled])
    section = report_section(hand, corpus, book)
    if section is not None:
        section["excluded"] = [_reconciled_label(c, reconciled[c]) for c in made]
    return section


def _reconciled_label(coder: str, sources: Sequence[str]) -> str:
    return f"{coder} (reconciled from {' and '.join(sources)})"


def _memos(memos: Sequence[Mapping[str, Any]], book: Codebook, codes: list[dict[str, Any]], index: dict[str, int]):
    out = []
    for number, memo in enumerate(memos):
        cited = []
        for code in memo.get("codes", []):
            known = code in index
            if known:
                codes[index[code]]["memos"].append(number)
            cited.append({"id": code, "label": book.by_id[code].name if known else code, "known": known})
        out.append(
            {
                "anchor": f"memo-{number + 1}",
                "title": str(memo.get("title", "")),
                "author": str(memo.get("author", "")),
                "date": str(memo.get("date", "")),
                "file": str(memo.get("file", "")),
                "body": str(memo.get("body", "")),
                "blocks": markdown_blocks(str(memo.get("body", ""))),
                "codes": cited,
            }
        )
    return out


#: Disagreements shown in the report; the rest are one command away.
DISAGREEMENT_LIMIT = 200


def _framework(
    summaries: Mapping[tuple[str, str], Summary],
    columns: list[str],
    code_index: dict[str, int],
    quotes: list[dict[str, Any]],
) -> dict[str, dict[str, Any]]:
    """The framework view's summaries: ``"<column> <code index>"`` -> the summary's Markdown as
    blocks (citations left out), author, updated, stale, and the cited quotes (indices)."""
    position = {q["i"]: n for n, q in enumerate(quotes)}
    cells: dict[str, dict[str, Any]] = {}
    for (case, code), summary in summaries.items():
        if case not in columns or code not in code_index:
            continue
        body = re.sub(r"[ \t]*" + CITATION.pattern, "", summary.body)
        cells[f"{columns.index(case)} {code_index[code]}"] = {
            "b": markdown_blocks(body),
            "a": summary.author,
            "u": summary.updated,
            "st": summary.stale,
            "ct": [position[c] for c in summary.citations if c in position],
        }
    return cells


#: ``agreement=AUTO``: an agreement section whenever two or more hand coders are selected.
AUTO = "auto"


def report_context(
    corpus: Corpus,
    book: Codebook,
    selection: Selection,
    filters: list[str] | None = None,
    generated: str | None = None,
    agreement: dict[str, Any] | str | None = None,
    reconciled: Mapping[str, Sequence[str]] | None = None,
    memos: Sequence[Mapping[str, Any]] = (),
    summaries: Mapping[tuple[str, str], Summary] | None = None,
) -> dict[str, Any]:
    """Everything the template needs. ``filters``: attributes offered as filters (default: every
    transcript attribute but the case attribute, which is the matrix's columns).

    ``agreement``: :data:`AUTO` compares the selection's hand coders when there are two or more
    of them (:func:`qualcode.analysis.agreement.report_section`), as ``qualcode report`` does,
    leaving out the coders in ``reconciled`` (coder -> the coders it was reconciled from, see
    :func:`qualcode.coding.reconcile.reconciled_coders`); a dict of that function's data is used
    as given; None (the default) leaves the section out. ``memos``: analytic memos as dicts
    (title, author, date, codes, body, file), shown in their own section and linked from the
    codes they cite. ``summaries``: the summaries per cell by (case, code), shown in the
    framework view (without them the view shows the quote counts).
    """
    corpus.require_transcripts()
    reconciled = {c: tuple(v) for c, v in (reconciled or {}).items() if c in selection.hand_coders}
    if agreement == AUTO:
        agreement = _agreement(selection, corpus, book, reconciled)
    if isinstance(agreement, dict):
        agreement = {**agreement, "rows": _nested_agreement_rows(agreement.get("rows", []), book)}
        agreement.setdefault("excluded", [])
    if filters is None:
        filters = sorted(corpus.attribute_names - {corpus.case_attribute}, key=natural_key)
    corpus.require_attributes(filters)
    codes, code_index = _codes(book)
    memo_items = _memos(memos, book, codes, code_index)
    default = build_matrix(corpus, book, selection.codings, measure="segments", level="top")
    columns = [str(c) for c in default.columns]
    transcript_index = {t.id: i for i, t in enumerate(corpus.transcripts)}
    quotes = _quotes(corpus, selection, code_index, transcript_index)
    transcripts = _transcripts(corpus, columns, filters, quotes)
    exemplars = _exemplars(quotes, transcripts, codes, len(columns))
    co = cooccurrence(corpus, book, selection.codings, level="top")
    generated = generated or _dt.datetime.now(_dt.UTC).strftime("%Y-%m-%d %H:%M UTC")
    data = {
        "columns": columns,
        "codes": codes,
        "top": [code_index[c.id] for c in book.codes],
        "transcripts": [{k: t[k] for k in ("id", "col", "case", "role", "p", "n", "f")} for t in transcripts],
        "quotes": quotes,
        "coders": selection.coders,
        "filters": filters,
        "measures": MEASURE_LABELS,
        "memos": [{"a": m["anchor"], "t": m["title"]} for m in memo_items],
        "cases_table": corpus.case_table.context(),
        "framework": _framework(summaries or {}, columns, code_index, quotes),
    }
    filter_values = [
        {
            "name": name,
            "options": sorted({t["f"][name] for t in transcripts}, key=natural_key),
        }
        for name in filters
    ]
    return {
        "title": book.name or "Cross-case report",
        "numbers": _study_numbers(corpus, selection, transcripts, quotes),
        "provenance": {
            "version": __version__,
            "codebook": book.name,
            "codebook_version": book.version,
            "codebook_file": book.display,
            "codebook_sha256": book.sha256,
            "coders": selection.hand_coders,
            "coder_labels": [
                _reconciled_label(c, reconciled[c]) if c in reconciled else c for c in selection.hand_coders
            ],
            "suggestions": selection.include_suggestions,
            "min_score": selection.min_score,
            "segment_by": corpus.segment_by,
            "generated": generated,
        },
        "case_attribute": corpus.case_attribute,
        "columns": columns,
        "measures": MEASURE_LABELS,
        "filters": filter_values,
        "matrix": _heat_rows(
            default, codes, code_index, "segments", totals(corpus, book, selection.codings, "segments", "top")
        ),
        "matrix_peak": int(default.to_numpy().max()) if default.size else 0,
        "cooccur": _heat_rows(co, codes, code_index, "segments", diagonal=True),
        "cooccur_codes": [codes[code_index[c]] for c in co.columns],
        "cases": _case_profiles(corpus, book, selection, columns, transcripts, codes, code_index),
        "code_pages": _code_pages(corpus, book, selection, codes, code_index, exemplars, columns),
        "codebook": book,
        "agreement": agreement,
        "memos": memo_items,
        "disagreement_limit": DISAGREEMENT_LIMIT,
        "data": data,
    }
