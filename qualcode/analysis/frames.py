"""pandas data frames of a study, for notebooks (``Study.segments()``, ``codings()``, …).

Columns are fixed (the Python API contract); transcript attributes follow as extra columns,
except an attribute whose name is already a column (e.g. ``case``).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

import pandas as pd

from qualcode.analysis.retrieval import CODING_KEYS, coding_rows
from qualcode.coding.resolve import CodingSet
from qualcode.study.corpus import Corpus
from qualcode.study.views import case_rows
from qualcode.suggest.records import Suggestion

SEGMENT_COLUMNS = ("id", "transcript", "case", "speaker", "start", "end", "text", "skipped")
CODING_COLUMNS = CODING_KEYS
AGREEMENT_COLUMNS = ("agreement", "kappa", "alpha", "alpha_low", "alpha_high", "units")
CASE_COLUMNS = ("case", "transcripts", "participants", "segments", "words")
SUGGESTION_COLUMNS = ("segment", "transcript", "code", "score", "rules")


def _attribute_names(corpus: Corpus, taken: Sequence[str]) -> list[str]:
    return sorted(corpus.attribute_names - set(taken))


def segments_frame(corpus: Corpus) -> pd.DataFrame:
    """One row per segment, in reading order: :data:`SEGMENT_COLUMNS` + attributes."""
    names = _attribute_names(corpus, SEGMENT_COLUMNS)
    rows = []
    for segment in corpus.segments:
        attributes = corpus.typed_attributes_of(segment.transcript)
        rows.append(
            (
                segment.id,
                segment.transcript,
                corpus.case_of(segment.transcript),
                segment.speaker,
                segment.start,
                segment.end,
                segment.text,
                segment.skipped,
                *(attributes.get(n) for n in names),
            )
        )
    return _typed(corpus, pd.DataFrame(rows, columns=[*SEGMENT_COLUMNS, *names]))


def _typed(corpus: Corpus, frame: pd.DataFrame) -> pd.DataFrame:
    """Numeric case attributes as numeric columns (missing values as NaN)."""
    for name in corpus.case_table.numeric:
        if name in frame.columns:
            frame[name] = pd.to_numeric(frame[name])
    return frame


def cases_frame(corpus: Corpus) -> pd.DataFrame:
    """One row per case: case, transcripts, participants, segments, words + case attributes."""
    table = corpus.case_table
    names = [n for n in table.attributes if n not in CASE_COLUMNS]
    rows = [
        (row["case"], *(row[k] for k in CASE_COLUMNS[1:]), *(table.value(row["case"], n) for n in names))
        for row in case_rows(corpus)
    ]
    return _typed(corpus, pd.DataFrame(rows, columns=[*CASE_COLUMNS, *names]))


def codings_frame(corpus: Corpus, codings: CodingSet) -> pd.DataFrame:
    """One row per coding (as ``qualcode export codings``): :data:`CODING_COLUMNS` + attributes."""
    names = _attribute_names(corpus, CODING_COLUMNS)
    rows = coding_rows(corpus, codings)
    return _typed(corpus, pd.DataFrame(rows, columns=[*CODING_COLUMNS, *names]))


def agreement_frame(result: dict[str, Any]) -> pd.DataFrame:
    """Per code (index ``code``) the figures of :func:`qualcode.analysis.agreement.compare`.

    ``df.attrs`` holds the coders, the pooled and mean figures and the notes.
    """
    rows = []
    for code, figures in result["codes"].items():
        low, high = figures["alpha_ci"] or (None, None)
        rows.append(
            (code, figures["percent_agreement"], figures["kappa"], figures["alpha"], low, high, figures["units"])
        )
    frame = pd.DataFrame(rows, columns=["code", *AGREEMENT_COLUMNS]).set_index("code")
    frame = frame.astype(dict.fromkeys(AGREEMENT_COLUMNS[:-1], "float64"))
    frame.attrs = {"coders": result["coders"], "overall": result["overall"], "notes": result["notes"]}
    return frame


def suggestions_frame(suggestions: Iterable[Suggestion]) -> pd.DataFrame:
    """One row per suggestion, best first: :data:`SUGGESTION_COLUMNS` (``rules`` a list of rule names)."""
    rows = [(s.segment, s.transcript, s.code, s.score, list(s.rules)) for s in suggestions]
    return pd.DataFrame(rows, columns=list(SUGGESTION_COLUMNS))
