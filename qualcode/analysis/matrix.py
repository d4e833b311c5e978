"""Codings -> cross-case matrices (pandas): code x attribute-value tables and co-occurrence.

Only segments of coded speakers count (never ``speakers_to_skip``), and a segment coded by
several coders counts once. Measures, per cell (code, column):

``segments``      distinct coded segments carrying the code
``transcripts``   distinct transcripts with such a segment
``participants``  distinct participants (see :mod:`qualcode.study.attributes`)
``share``         segments / all coded-speaker segments of the column (0-1)

``level="top"`` rolls child codes up into their top-level code; ``level="all"`` lists every
code, a parent counting its own and its descendants' segments.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

import pandas as pd

from qualcode.codebook.model import Codebook
from qualcode.coding.records import Coding
from qualcode.common.didyoumean import hint
from qualcode.errors import InputError, UnknownAttributeError, UsageError
from qualcode.study.attributes import MISSING, attribute_value, participant_key
from qualcode.study.corpus import Corpus
from qualcode.study.ordering import natural_key

MEASURES = ("segments", "transcripts", "participants", "share")
#: ``--by case`` always means the project's case attribute, whatever it is called.
CASE_ALIAS = "case"
_FIELD = {"segments": "segment", "transcripts": "transcript", "participants": "participant"}


def check_by(corpus: Corpus, by: str | Sequence[str] | None) -> list[str]:
    """The ``--by`` attributes (default: the case attribute); unknown names get a did-you-mean.

    ``case`` names the case attribute unless some transcript has an attribute called ``case``.
    """
    if isinstance(by, str):
        by = [by]
    names = [b.strip() for b in (by or [corpus.case_attribute])]
    if not all(names):
        raise InputError("--by has an empty attribute name; use e.g. --by case or --by case,role")
    names = [corpus.case_attribute if n == CASE_ALIAS and n not in corpus.attribute_names else n for n in names]
    corpus.require_attributes(names, extra={corpus.case_attribute})
    if len(set(names)) != len(names):
        raise InputError(f"--by names an attribute twice ({', '.join(names)}); give each attribute once")
    return names


def check_measure(measure: str) -> None:
    if measure not in MEASURES:
        raise InputError(f"unknown measure '{measure}'{hint(measure, MEASURES)}; use one of {', '.join(MEASURES)}")


def _keys(by: Sequence[str]) -> list[str]:
    """Internal column names for the ``by`` values (an attribute may be called 'participant')."""
    return [f"\0by{i}" for i in range(len(by))]


def segment_frame(corpus: Corpus, by: Sequence[str]) -> pd.DataFrame:
    """One row per coded-speaker segment: segment, transcript, participant and the ``by`` values
    (in columns named by :func:`_keys`)."""
    rows = []
    for transcript in corpus.transcripts:
        values = [attribute_value(corpus.attributes_by_id[transcript.id], name) for name in by]
        for segment in corpus.coded_segments([transcript.id]):
            person = participant_key(transcript.attributes, transcript.id, segment.speaker)
            rows.append((segment.id, transcript.id, person, *values))
    return pd.DataFrame(rows, columns=["segment", "transcript", "participant", *_keys(by)])


def coded_pairs(
    corpus: Corpus, codebook: Codebook, codings: Iterable[Coding], level: str, ancestors: bool = True
) -> pd.DataFrame:
    """Distinct (segment, code) pairs of coded-speaker segments, codes mapped to ``level``.

    ``top`` maps each code to its top-level code; ``all`` keeps the code and, with
    ``ancestors``, adds every code above it (so a parent counts its children's segments).
    """
    codebook.codes_at(level)  # an unknown level is an error
    index = corpus.segment_index
    counted: dict[str, list[str]] = {}  # code -> the codes it counts for at this level
    for code in codebook.by_id:
        path = codebook.path_of(code).split("/")
        counted[code] = path[:1] if level == "top" else path if ancestors else path[-1:]
    listed = list(codings)
    frame = pd.DataFrame({"segment": [c.segment for c in listed], "code": [c.code for c in listed]})
    spoken = [s for s, segment in index.items() if not segment.skipped]
    frame = frame[frame["segment"].isin(spoken) & frame["code"].isin(list(counted))]
    frame = frame.assign(code=frame["code"].map(counted)).explode("code")
    frame = frame.drop_duplicates().sort_values(["segment", "code"], kind="stable")
    return frame.reset_index(drop=True)


def _column_index(corpus: Corpus, by: Sequence[str]) -> pd.Index:
    # Natural order (P2 before P10), the project's case_order first for the case attribute.
    def order(value: str, name: str) -> tuple:
        listed = corpus.case_order if name == corpus.case_attribute else ()
        if value in listed:
            return (0, listed.index(value))
        return (1, natural_key(value))

    values = {tuple(attribute_value(corpus.attributes_by_id[t.id], name) for name in by) for t in corpus.transcripts}
    ordered = sorted(values, key=lambda combo: tuple(order(v, n) for v, n in zip(combo, by)))
    if len(by) == 1:
        return pd.Index([combo[0] for combo in ordered], name=by[0])
    return pd.MultiIndex.from_tuples(ordered, names=list(by))


def _measure(coded: pd.DataFrame, segments: pd.DataFrame, keys: list[str], measure: str) -> pd.DataFrame:
    """Code x keys table of ``measure`` (unreindexed: only codes and columns that occur)."""
    check_measure(measure)
    if coded.empty:
        return pd.DataFrame()
    table = coded.groupby(["code", *keys])[_FIELD.get(measure, "segment")].nunique().unstack(keys)
    if measure == "share":
        table = table.div(segments.groupby(keys).size().reindex(table.columns).to_numpy(), axis=1)
    return table


def build_matrix(
    corpus: Corpus,
    codebook: Codebook,
    codings: Iterable[Coding],
    by: str | Sequence[str] | None = None,
    measure: str = "segments",
    level: str = "top",
    order_by: str | None = None,
    descending: bool = False,
) -> pd.DataFrame:
    """Rows: codes (codebook order); columns: values of ``by`` (two or more give a MultiIndex).

    Every code and every value present among the transcripts appears, zeros included.
    ``order_by`` (a case attribute) orders the case columns by that attribute (numbers
    numerically, text naturally, missing last; ties by case name); ``by`` must include the case.
    ``df.attrs`` holds ``measure``, ``by`` and ``level``.
    """
    check_measure(measure)
    names = check_by(corpus, by)
    if order_by is not None:
        check_order_by(corpus, names, order_by)
    segments = segment_frame(corpus, names)
    coded = coded_pairs(corpus, codebook, codings, level).merge(segments, on="segment")
    table = _measure(coded, segments, _keys(names), measure)
    if not table.empty:
        table.columns = table.columns.set_names(names)
    table = table.reindex(index=codebook.codes_at(level), columns=_column_index(corpus, names)).fillna(0)
    table = table.astype(float if measure == "share" else int)
    table.index.name = "code"
    if order_by is not None:
        table = table[order_columns(corpus, table.columns, names, order_by, descending)]
    table.attrs = {"measure": measure, "by": list(names), "level": level}
    return table


def check_order_by(corpus: Corpus, names: Sequence[str], order_by: str) -> None:
    """An error unless ``order_by`` is a case attribute and the case is among the ``--by`` names."""
    known = corpus.case_table.attributes
    if order_by not in known:
        listing = ", ".join(known) if known else "none (add a cases.csv with a 'case' column)"
        raise UnknownAttributeError(
            f"no case attribute '{order_by}'{hint(order_by, known)}; case attributes: {listing}"
        )
    if corpus.case_attribute not in names:
        raise UsageError(
            f"--order-by orders the case columns, but --by {','.join(names)} has no case level; "
            "add the case to --by (e.g. --by case) or leave out --order-by"
        )


def case_sort_key(corpus: Corpus, order_by: str, descending: bool):
    """A sort key for case names by a case attribute: numbers numerically, text naturally,
    missing last (also when descending), ties by case name."""
    table = corpus.case_table
    numeric = order_by in table.numeric

    def key(case: str) -> tuple:
        value = table.value(case, order_by)
        if value is None:
            return (1, 0, natural_key(case))
        if numeric:
            number = float(value)
            return (0, -number if descending else number, natural_key(case))
        return (0, 0, natural_key(case))

    return key


def ordered_cases(corpus: Corpus, cases: Iterable[str], order_by: str, descending: bool = False) -> list[str]:
    """``cases`` ordered by the case attribute ``order_by``."""
    cases = list(cases)
    table = corpus.case_table
    if order_by in table.numeric:
        return sorted(cases, key=case_sort_key(corpus, order_by, descending))
    present = [c for c in cases if table.value(c, order_by) is not None]
    missing = sorted((c for c in cases if table.value(c, order_by) is None), key=natural_key)
    present.sort(key=lambda c: natural_key(c))  # ties by name (stable below)
    present.sort(key=lambda c: natural_key(str(table.value(c, order_by))), reverse=descending)
    return present + missing


def order_columns(corpus: Corpus, columns: pd.Index, names: Sequence[str], order_by: str, descending: bool) -> list:
    """The matrix columns with the case level ordered by ``order_by`` (other levels keep their order)."""
    level = list(names).index(corpus.case_attribute)
    values = list(columns)
    cases = list(dict.fromkeys(v[level] if isinstance(v, tuple) else v for v in values))
    rank = {case: i for i, case in enumerate(ordered_cases(corpus, cases, order_by, descending))}
    position = {v: i for i, v in enumerate(values)}
    return sorted(values, key=lambda v: (rank[v[level] if isinstance(v, tuple) else v], position[v]))


def totals(
    corpus: Corpus, codebook: Codebook, codings: Iterable[Coding], measure: str = "segments", level: str = "top"
) -> pd.Series:
    """The measure over the whole study, per code (a 'Total' column)."""
    segments = segment_frame(corpus, []).assign(all="all")
    coded = coded_pairs(corpus, codebook, codings, level).merge(segments, on="segment")
    table = _measure(coded, segments, ["all"], measure)
    series = table["all"] if "all" in table else pd.Series(dtype=float)
    return series.reindex(codebook.codes_at(level)).fillna(0).astype(float if measure == "share" else int)


def cooccurrence(corpus: Corpus, codebook: Codebook, codings: Iterable[Coding], level: str = "top") -> pd.DataFrame:
    """Code x code: segments carrying both codes; the diagonal is the segments carrying the code.

    With ``level="top"`` codes are rolled up first; with ``level="all"`` codes count as applied
    (a parent and its child co-occur only when both were applied to the segment).
    """
    pairs = coded_pairs(corpus, codebook, codings, level, ancestors=False)
    rows = codebook.codes_at(level)
    if pairs.empty:
        table = pd.DataFrame(0, index=rows, columns=rows)
    else:
        indicator = pd.crosstab(pairs["segment"], pairs["code"]).clip(upper=1)
        table = (indicator.T @ indicator).reindex(index=rows, columns=rows).fillna(0).astype(int)
    table.index.name = "code"
    table.columns.name = "code"
    table.attrs = {"measure": "segments", "by": "code", "level": level}
    return table


def matrix_json(table: pd.DataFrame) -> dict[str, object]:
    """The JSON contract: ``{"measure", "by", "rows", "columns", "values"}``.

    ``by`` is the attribute name (or a list for several, whose columns are value lists);
    a missing attribute value is ``null``.
    """
    by = table.attrs.get("by", [])
    by_out = by[0] if isinstance(by, list) and len(by) == 1 else by

    def label(value: object) -> object:
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
