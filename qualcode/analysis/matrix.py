"""Codings -> cross-case matrices (pandas): code x attribute-value tables and co-occurrence.

Only segments of coded speakers count (never ``speakers_to_skip``), and a segment coded by
several coders counts once. Measures, per cell (code, column):

``segments``      distinct coded segments carrying the code
``transcripts``   distinct transcripts with such a segment
``participants``  distinct participants: the transcript's ``participant`` attribute, else the
                  segment's speaker within its transcript (``Speaker 2`` in two interviews is
                  two people)
``share``         segments / all coded-speaker segments of the column (0-1)

``level="top"`` rolls child codes up into their top-level code; ``level="all"`` lists every
code, a parent counting its own and its descendants' segments. Suggestions can be counted as
one more coder, ``suggestions`` (see :func:`select_codings`).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import pandas as pd

from qualcode.coding.store import Coding, load_codings
from qualcode.common.didyoumean import hint
from qualcode.errors import QualcodeError

if TYPE_CHECKING:
    from qualcode.study.project import Project

MEASURES = ("segments", "transcripts", "participants", "share")
LEVELS = ("top", "all")
SUGGESTIONS_CODER = "suggestions"
#: Column label for transcripts without a value for a ``--by`` attribute.
MISSING = "(none)"
_FIELD = {"segments": "segment", "transcripts": "transcript", "participants": "participant"}


@dataclass
class Selection:
    """The codings a matrix or report counts: the chosen coders', plus suggestions if asked."""

    codings: list[Coding]
    coders: list[str]
    suggestions: list = field(default_factory=list)  # qualcode.suggest.Suggestion objects
    include_suggestions: bool = False
    min_score: float = 0.0


def suggestion_codings(suggestions: Iterable) -> list[Coding]:
    """Suggestions as codings by the pseudo-coder ``suggestions``."""
    return [Coding(s.transcript, s.segment, s.code, SUGGESTIONS_CODER, "suggestion") for s in suggestions]


def select_codings(project: "Project", coders: Sequence[str] | None = None, include_suggestions: bool = False,
                   min_score: float = 0.0, suggestions: Sequence | None = None) -> Selection:
    """Load the chosen coders' codings (all when None) and, if asked, the current suggestions.

    ``suggestions`` may be given directly (tests, benchmarks); otherwise they come from
    :func:`qualcode.suggest.suggest` at or above ``min_score``.
    """
    loaded = load_codings(project, coders)
    found: list = []
    if include_suggestions:
        if suggestions is None:
            from qualcode.suggest.engine import suggest  # lazy: building the matcher is only needed here

            suggestions = suggest(project, min_score=min_score)
        found = [s for s in suggestions if s.score >= min_score]
    codings = list(loaded.codings) + suggestion_codings(found)
    names = list(loaded.coders) + ([SUGGESTIONS_CODER] if include_suggestions else [])
    return Selection(codings, names, found, include_suggestions, min_score)


# ------------------------------------------------------------------------------------------------
# Frames
# ------------------------------------------------------------------------------------------------


def participant_key(attributes: dict, transcript: str, speaker: str | None) -> str:
    """Who is speaking: the ``participant`` attribute, else the speaker within the transcript."""
    participant = attributes.get("participant")
    if participant:
        return str(participant)
    return f"{transcript}\u241f{speaker or ''}"


def attribute_value(attributes: dict, name: str) -> str:
    value = attributes.get(name)
    return MISSING if value is None or str(value) == "" else str(value)


def check_by(project: "Project", by: Sequence[str] | None) -> list[str]:
    """The ``--by`` attributes (default: the case attribute); unknown names get a did-you-mean."""
    names = [b.strip() for b in (by or [project.config.case_attribute])]
    if not all(names):
        raise QualcodeError("--by has an empty attribute name; use e.g. --by case or --by case,role")
    project.corpus.require_attributes(names, extra={project.config.case_attribute})
    if len(set(names)) != len(names):
        raise QualcodeError(f"--by names an attribute twice ({', '.join(names)}); give each attribute once")
    return names


def _keys(by: Sequence[str]) -> list[str]:
    """Internal column names for the ``by`` values (an attribute may be called 'participant')."""
    return [f"\0by{i}" for i in range(len(by))]


def segment_frame(project: "Project", by: Sequence[str]) -> pd.DataFrame:
    """One row per coded-speaker segment: segment, transcript, participant and the ``by`` values
    (in columns named by :func:`_keys`)."""
    corpus = project.corpus
    rows = []
    for transcript in corpus.transcripts:
        values = [attribute_value(transcript.attributes, name) for name in by]
        for segment in corpus.segments_by_transcript[transcript.id]:
            if not segment.skipped:
                rows.append((segment.id, transcript.id,
                             participant_key(transcript.attributes, transcript.id, segment.speaker), *values))
    return pd.DataFrame(rows, columns=["segment", "transcript", "participant", *_keys(by)])


def code_rows(project: "Project", level: str) -> list[str]:
    """Row codes in codebook order: top-level codes, or every code."""
    book = project.codebook
    return [c.id for c in book.codes] if level == "top" else [c.id for c in book.walk()]


def coded_pairs(project: "Project", codings: Iterable[Coding], level: str, ancestors: bool = True) -> pd.DataFrame:
    """Distinct (segment, code) pairs of coded-speaker segments, codes mapped to ``level``.

    ``top`` maps each code to its top-level code; ``all`` keeps the code and, with
    ``ancestors``, adds every code above it (so a parent counts its children's segments).
    """
    if level not in LEVELS:
        raise QualcodeError(f"unknown level '{level}'; use one of {', '.join(LEVELS)}")
    book = project.codebook
    index = project.corpus.segment_index
    pairs = set()
    for coding in codings:
        segment = index.get(coding.segment)
        if segment is None or segment.skipped or coding.code not in book:
            continue
        path = book.path_of(coding.code).split("/")
        if level == "top":
            targets = path[:1]
        else:
            targets = path if ancestors else path[-1:]
        pairs.update((coding.segment, code) for code in targets)
    return pd.DataFrame(sorted(pairs), columns=["segment", "code"])


def _column_index(project: "Project", by: Sequence[str]) -> pd.Index:
    def order(value: str):
        return (value == MISSING, value.casefold(), value)

    values = {tuple(attribute_value(t.attributes, name) for name in by) for t in project.corpus.transcripts}
    ordered = sorted(values, key=lambda combo: tuple(order(v) for v in combo))
    if len(by) == 1:
        return pd.Index([combo[0] for combo in ordered], name=by[0])
    return pd.MultiIndex.from_tuples(ordered, names=list(by))


def _measure(coded: pd.DataFrame, segments: pd.DataFrame, keys: list[str], measure: str) -> pd.DataFrame:
    """Code x keys table of ``measure`` (unreindexed: only codes and columns that occur)."""
    if measure not in MEASURES:
        raise QualcodeError(f"unknown measure '{measure}'{hint(measure, MEASURES)}; use one of {', '.join(MEASURES)}")
    if coded.empty:
        return pd.DataFrame()
    table = coded.groupby(["code", *keys])[_FIELD.get(measure, "segment")].nunique().unstack(keys)
    if measure == "share":
        table = table.div(segments.groupby(keys).size().reindex(table.columns).to_numpy(), axis=1)
    return table


def build_matrix(project: "Project", codings: Iterable[Coding], by: Sequence[str] | None = None,
                 measure: str = "segments", level: str = "top") -> pd.DataFrame:
    """Rows: codes (codebook order); columns: values of ``by`` (two or more give a MultiIndex).

    Every code and every value present among the transcripts appears, zeros included.
    ``df.attrs`` holds ``measure``, ``by`` and ``level``.
    """
    by = check_by(project, by)
    segments = segment_frame(project, by)
    coded = coded_pairs(project, codings, level).merge(segments, on="segment")
    table = _measure(coded, segments, _keys(by), measure)
    if not table.empty:
        table.columns = table.columns.set_names(by)
    table = table.reindex(index=code_rows(project, level), columns=_column_index(project, by)).fillna(0)
    table = table.astype(float if measure == "share" else int)
    table.index.name = "code"
    table.attrs = {"measure": measure, "by": list(by), "level": level}
    return table


def totals(project: "Project", codings: Iterable[Coding], measure: str = "segments", level: str = "top") -> pd.Series:
    """The measure over the whole study, per code (a 'Total' column)."""
    segments = segment_frame(project, []).assign(all="all")
    coded = coded_pairs(project, codings, level).merge(segments, on="segment")
    table = _measure(coded, segments, ["all"], measure)
    series = table["all"] if "all" in table else pd.Series(dtype=float)
    return series.reindex(code_rows(project, level)).fillna(0).astype(float if measure == "share" else int)


def cooccurrence(project: "Project", codings: Iterable[Coding], level: str = "top") -> pd.DataFrame:
    """Code x code: segments carrying both codes; the diagonal is the segments carrying the code.

    With ``level="top"`` codes are rolled up first; with ``level="all"`` codes count as applied
    (a parent and its child co-occur only when both were applied to the segment).
    """
    pairs = coded_pairs(project, codings, level, ancestors=False)
    rows = code_rows(project, level)
    if pairs.empty:
        table = pd.DataFrame(0, index=rows, columns=rows)
    else:
        indicator = pd.crosstab(pairs["segment"], pairs["code"]).clip(upper=1)
        table = (indicator.T @ indicator).reindex(index=rows, columns=rows).fillna(0).astype(int)
    table.index.name = "code"
    table.columns.name = "code"
    table.attrs = {"measure": "segments", "by": "code", "level": level}
    return table


def matrix_json(table: pd.DataFrame) -> dict:
    """The JSON contract: ``{"measure", "by", "rows", "columns", "values"}``.

    ``by`` is the attribute name (or a list for several, whose columns are value lists);
    a missing attribute value is ``null``.
    """
    by = table.attrs.get("by", [])
    by_out = by[0] if isinstance(by, list) and len(by) == 1 else by

    def label(value):
        if isinstance(value, tuple):
            return [None if v == MISSING else v for v in value]
        return None if value == MISSING else value

    return {
        "measure": table.attrs.get("measure"),
        "by": by_out,
        "rows": [str(r) for r in table.index],
        "columns": [label(c) for c in table.columns],
        "values": table.to_numpy().tolist(),
    }

