"""The cross-case report: one self-contained HTML file (inline CSS and JS, no network requests).

:func:`report_context` collects the numbers and quotes; :func:`render_report` fills the jinja2
template (autoescape on, StrictUndefined). The default heatmap view is rendered in the HTML
(numbers readable without JavaScript, and in print); the page script recomputes the other views
from the embedded data, which holds each coded segment's text once: cells, co-occurrence cells,
case profiles and code pages all refer to quotes by index.

Safety: every user text reaches the page either autoescaped by jinja2 or inside a
``<script type="application/json">`` block with ``<``, ``>`` and ``&`` escaped, and the script
inserts text with ``textContent`` only. A Content-Security-Policy allows no network access and
only the report's own script (by hash), so even an escaping bug could not load or run anything.
"""

from __future__ import annotations

import base64
import datetime as _dt
import hashlib
import json
import math
import re
from collections import Counter, defaultdict
from importlib import resources
from typing import TYPE_CHECKING

import jinja2
from markupsafe import Markup

from qualcode import __version__
from qualcode.errors import QualcodeError
from qualcode.analysis.matrix import MISSING, SUGGESTIONS_CODER, Selection, build_matrix, cooccurrence, participant_key, totals

if TYPE_CHECKING:
    from qualcode.study.project import Project

BINS = 5  # colour classes h1..h5 (h0 = zero)
_PALETTE = ("#4e79a7", "#f28e2b", "#59a14f", "#e15759", "#b07aa1", "#edc948", "#76b7b2", "#ff9da7", "#9c755f")
_COLOR = re.compile(r"^#[0-9a-fA-F]{6}$")
MEASURE_LABELS = {
    "segments": "Segments",
    "transcripts": "Transcripts",
    "participants": "Participants",
    "share": "Share of segments",
}


# ------------------------------------------------------------------------------------------------
# Formatting shared with report.js (keep the two in step)
# ------------------------------------------------------------------------------------------------


def format_value(value: float, measure: str) -> str:
    """Counts as integers; shares as whole percentages (``<1%`` for a small non-zero share)."""
    if measure != "share":
        return str(int(value))
    if 0 < value < 0.005:
        return "<1%"
    return f"{math.floor(value * 100 + 0.5)}%"


def heat_bin(value: float, peak: float) -> int:
    """0 for zero, else 1..BINS by the value's fraction of the largest cell."""
    if value <= 0 or peak <= 0:
        return 0
    return max(1, min(BINS, math.ceil(value / peak * BINS)))


def script_json(data) -> Markup:
    """JSON safe inside ``<script type="application/json">`` (no ``</script>``, ``<!--``)."""
    text = json.dumps(data, ensure_ascii=False, separators=(",", ":"))
    for char, escaped in (("<", "\\u003c"), (">", "\\u003e"), ("&", "\\u0026"),
                          ("\u2028", "\\u2028"), ("\u2029", "\\u2029")):
        text = text.replace(char, escaped)
    return Markup(text)


# ------------------------------------------------------------------------------------------------
# Collecting
# ------------------------------------------------------------------------------------------------


def _codes(book) -> tuple[list[dict], dict[str, int]]:
    codes = list(book.walk())
    index = {code.id: i for i, code in enumerate(codes)}
    top_colors = {}
    for n, code in enumerate(book.codes):
        color = code.color if code.color and _COLOR.match(code.color) else _PALETTE[n % len(_PALETTE)]
        top_colors[code.id] = color
    out = []
    for code in codes:
        own = code.color if code.color and _COLOR.match(code.color) else None
        out.append({
            "id": code.id,
            "label": code.name,
            "parent": index[code.parent] if code.parent else -1,
            "depth": book.depth(code.id),
            "color": own or top_colors[book.top_level(code.id)],
        })
    return out, index


def _quotes(project: "Project", selection: Selection, code_index: dict[str, int],
            transcript_index: dict[str, int]) -> list[dict]:
    """One record per coded segment of a coded speaker, in reading order."""
    corpus = project.corpus
    applied: dict[str, dict[str, set[str]]] = defaultdict(lambda: defaultdict(set))  # segment -> code -> coders
    for coding in selection.codings:
        segment = corpus.segment_index.get(coding.segment)
        if segment is None or segment.skipped or coding.code not in code_index:
            continue
        applied[segment.id][coding.code].add(coding.coder)
    evidence: dict[str, list] = defaultdict(list)
    for suggestion in selection.suggestions:
        segment = corpus.segment_index.get(suggestion.segment)
        if segment is None or segment.id not in applied or suggestion.code not in code_index:
            continue
        for item in suggestion.evidence:
            start, end = max(item.start - segment.start, 0), min(item.end - segment.start, len(segment.text))
            if start < end:
                evidence[segment.id].append([start, end, code_index[suggestion.code], str(item.rule)])
    coders = {name: i for i, name in enumerate(selection.coders)}
    segments = sorted((corpus.segment_index[s] for s in applied),
                      key=lambda s: (transcript_index[s.transcript], s.index))
    out = []
    for segment in segments:
        by_code = applied[segment.id]
        ordered = sorted(by_code, key=code_index.__getitem__)
        out.append({
            "t": transcript_index[segment.transcript],
            "s": segment.speaker or "",
            "x": segment.text,
            "c": [code_index[c] for c in ordered],
            "g": [code_index[c] for c in ordered if by_code[c] == {SUGGESTIONS_CODER}],
            "k": sorted({coders[name] for names in by_code.values() for name in names if name in coders}),
            "e": sorted(evidence.get(segment.id, [])),
        })
    return out


def _transcripts(project: "Project", columns: list[str], filters: list[str], quotes: list[dict]) -> list[dict]:
    corpus = project.corpus
    case_attribute = project.config.case_attribute
    coded = Counter(q["t"] for q in quotes)
    out = []
    for i, transcript in enumerate(corpus.transcripts):
        attributes = transcript.attributes
        segments = corpus.segments_by_transcript[transcript.id]
        case = _value(attributes, case_attribute)
        out.append({
            "id": transcript.id,
            "col": columns.index(case),
            "case": case,
            "role": str(attributes.get("role") or ""),
            "p": str(attributes["participant"]) if attributes.get("participant") else None,
            "n": sum(1 for s in segments if not s.skipped),
            "w": sum(len(s.text.split()) for s in segments),
            "q": coded[i],
            "f": {name: _value(attributes, name) for name in filters},
            "people": {participant_key(attributes, transcript.id, s.speaker) for s in segments if not s.skipped},
        })
    return out


def _value(attributes: dict, name: str) -> str:
    value = attributes.get(name)
    return MISSING if value is None or str(value) == "" else str(value)


def _exemplars(quotes: list[dict], transcripts: list[dict], codes: list[dict], ncols: int) -> dict[int, list[int]]:
    """Per code (its sub-codes included): one quote per case, preferring readable lengths
    (80-700 characters), then quotes carrying few codes, then reading order."""
    best: dict[tuple[int, int], tuple] = {}
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


def _heat_rows(table, codes: list[dict], code_index: dict[str, int], measure: str, total=None,
               diagonal: bool = False) -> list[dict]:
    """Rows of heat cells; with ``diagonal`` (co-occurrence) the colour scale ignores the diagonal."""
    values = table.to_numpy()
    scale = values.copy()
    if diagonal and scale.size:
        scale.flat[:: len(scale) + 1] = 0
    peak = float(scale.max()) if scale.size else 0.0
    rows = []
    for code_id, row in zip(table.index, values.tolist()):
        cells = [{"col": j, "value": v, "text": format_value(v, measure), "bin": heat_bin(v, peak)}
                 for j, v in enumerate(row)]
        entry = {"code": codes[code_index[code_id]], "index": code_index[code_id], "cells": cells}
        if total is not None:
            entry["total"] = format_value(float(total[code_id]), measure)
        rows.append(entry)
    return rows


def _case_profiles(project, selection, columns, transcripts, codes, code_index) -> list[dict]:
    top_segments = build_matrix(project, selection.codings, measure="segments", level="top")
    top_share = build_matrix(project, selection.codings, measure="share", level="top")
    profiles = []
    for col, case in enumerate(columns):
        members = [t for t in transcripts if t["col"] == col]
        themes = [
            {"code": codes[code_index[c]], "index": code_index[c], "segments": int(top_segments.at[c, case]),
             "share": format_value(float(top_share.at[c, case]), "share"),
             "percent": round(float(top_share.at[c, case]) * 100, 1)}
            for c in top_segments.index if top_segments.at[c, case] > 0
        ]
        themes.sort(key=lambda t: (-t["segments"], t["index"]))
        profiles.append({
            "case": case,
            "col": col,
            "transcripts": members,
            "participants": len(set().union(*(t["people"] for t in members))),
            "segments": sum(t["n"] for t in members),
            "words": sum(t["w"] for t in members),
            "coded": sum(t["q"] for t in members),
            "themes": themes[:5],
        })
    return profiles


def _code_pages(project, selection, codes, code_index, exemplars, columns) -> list[dict]:
    book = project.codebook
    counts = build_matrix(project, selection.codings, measure="segments", level="all")
    overall = totals(project, selection.codings, "segments", "all")
    pages = []
    for code in book.walk():
        i = code_index[code.id]
        row = counts.loc[code.id]
        pages.append({
            "code": codes[i], "index": i, "path": book.path_of(code.id), "definition": code.definition,
            "include": code.include, "exclude": code.exclude, "examples": code.examples,
            "children": [codes[code_index[c.id]] for c in code.children],
            "counts": [{"col": j, "case": case, "value": int(row[case])} for j, case in enumerate(columns)],
            "total": int(overall[code.id]),
            "exemplars": " ".join(str(q) for q in exemplars[i]),
        })
    return pages


def _study_numbers(project, selection, transcripts, quotes) -> list[tuple[str, str]]:
    index = project.corpus.segment_index
    participants = set().union(*(t["people"] for t in transcripts))
    cases = {t["case"] for t in transcripts} - {MISSING}
    hand = [c for c in selection.coders if c != SUGGESTIONS_CODER]
    counted = sum(1 for c in selection.codings if c.segment in index and not index[c.segment].skipped)
    numbers = [
        ("transcripts", len(transcripts)), ("cases", len(cases)), ("participants", len(participants)),
        ("words", sum(t["w"] for t in transcripts)), ("segments", sum(t["n"] for t in transcripts)),
        ("coded segments", len(quotes)), ("codings", counted), ("coders", len(hand)),
    ]
    return [(label, f"{value:,}") for label, value in numbers]


#: Disagreements shown in the report; the rest are one command away.
DISAGREEMENT_LIMIT = 200


def report_context(project: "Project", selection: Selection, filters: list[str] | None = None,
                   generated: str | None = None, agreement: dict | None = None) -> dict:
    """Everything the template needs. ``filters``: attributes offered as filters (default: role).

    ``agreement``: the data of :func:`qualcode.agreement.report_section` for the agreement
    section (per-code table, disagreement list); None leaves the section out.
    """
    corpus = project.corpus
    book = project.codebook
    if not corpus.transcripts:
        raise QualcodeError("the project has no transcripts yet; add .txt or .md files to the transcripts folder")
    if filters is None:
        filters = ["role"] if "role" in corpus.attribute_names else []
    corpus.require_attributes(filters)
    codes, code_index = _codes(book)
    default = build_matrix(project, selection.codings, measure="segments", level="top")
    columns = [str(c) for c in default.columns]
    transcript_index = {t.id: i for i, t in enumerate(corpus.transcripts)}
    quotes = _quotes(project, selection, code_index, transcript_index)
    transcripts = _transcripts(project, columns, filters, quotes)
    exemplars = _exemplars(quotes, transcripts, codes, len(columns))
    co = cooccurrence(project, selection.codings, level="top")
    generated = generated or _dt.datetime.now(_dt.timezone.utc).strftime("%Y-%m-%d %H:%M UTC")
    data = {
        "columns": columns,
        "codes": codes,
        "top": [code_index[c.id] for c in book.codes],
        "transcripts": [{k: t[k] for k in ("id", "col", "case", "role", "p", "n", "f")} for t in transcripts],
        "quotes": quotes,
        "coders": selection.coders,
        "filters": filters,
        "measures": MEASURE_LABELS,
    }
    filter_values = [
        {"name": name, "options": sorted({t["f"][name] for t in transcripts}, key=lambda v: (v == MISSING, v.casefold()))}
        for name in filters
    ]
    return {
        "title": book.name or "Cross-case report",
        "numbers": _study_numbers(project, selection, transcripts, quotes),
        "provenance": {
            "version": __version__,
            "codebook": book.name,
            "codebook_version": book.version,
            "codebook_file": book.display,
            "codebook_sha256": book.sha256,
            "coders": [c for c in selection.coders if c != SUGGESTIONS_CODER],
            "suggestions": selection.include_suggestions,
            "min_score": selection.min_score,
            "segment_by": project.config.segment_by,
            "generated": generated,
        },
        "case_attribute": project.config.case_attribute,
        "columns": columns,
        "measures": MEASURE_LABELS,
        "filters": filter_values,
        "matrix": _heat_rows(default, codes, code_index, "segments",
                             totals(project, selection.codings, "segments", "top")),
        "matrix_peak": int(default.to_numpy().max()) if default.size else 0,
        "cooccur": _heat_rows(co, codes, code_index, "segments", diagonal=True),
        "cooccur_codes": [codes[code_index[c]] for c in co.columns],
        "cases": _case_profiles(project, selection, columns, transcripts, codes, code_index),
        "code_pages": _code_pages(project, selection, codes, code_index, exemplars, columns),
        "codebook": book,
        "agreement": agreement,
        "disagreement_limit": DISAGREEMENT_LIMIT,
        "data": data,
    }


# ------------------------------------------------------------------------------------------------
# Rendering
# ------------------------------------------------------------------------------------------------


def _asset(name: str) -> str:
    return (resources.files("qualcode.report") / "templates" / name).read_text(encoding="utf-8")


def _environment() -> jinja2.Environment:
    return jinja2.Environment(
        loader=jinja2.PackageLoader("qualcode.report", "templates"),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )


def render_report(context: dict) -> str:
    """The HTML text of the report."""
    script = _asset("report.js")
    digest = base64.b64encode(hashlib.sha256(script.encode("utf-8")).digest()).decode("ascii")
    template = _environment().get_template("report.html.j2")
    return template.render(
        **context,
        data_json=script_json(context["data"]),
        css=Markup(_asset("report.css")),
        script=Markup(script),
        script_hash=f"sha256-{digest}",
    )


def build_report(project: "Project", selection: Selection, **options) -> str:
    """Collect and render in one call (options as for :func:`report_context`)."""
    return render_report(report_context(project, selection, **options))
