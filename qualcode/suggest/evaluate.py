"""How well suggestions (or another coder) agree with a gold coder: precision, recall, F1.

**Units** are the segments of coded speakers in the transcripts the gold coder marked done
(``qualcode done``): there, a segment the gold coder left without a code means "code absent".
Each unit has a set of codes on each side. At ``level="top"`` (the default) every code is
rolled up into its top-level code on both sides, since coders code at child or parent level;
``level="all"`` compares exact codes.

Per code: TP = units with the code on both sides, FP = predicted only, FN = gold only;
precision = TP/(TP+FP), recall = TP/(TP+FN), F1 their harmonic mean, support = TP+FN. A ratio
with a zero denominator (a code never predicted, or never in gold) is 0.0, as in scikit-learn's
``zero_division=0``. Micro averages pool TP/FP/FN over codes; macro averages are the plain
means of the per-code values. The codes scored are those present on either side.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from spacy.language import Language

from qualcode.codebook.model import Codebook
from qualcode.coding.resolve import CodingSet
from qualcode.errors import AnalysisError
from qualcode.study.corpus import Corpus
from qualcode.suggest.engine import suggest_segments
from qualcode.suggest.records import DEFAULT_MIN_SCORE


@dataclass(frozen=True)
class Scores:
    precision: float
    recall: float
    f1: float
    support: int
    tp: int = 0
    fp: int = 0
    fn: int = 0

    def to_json(self) -> dict[str, Any]:
        return {"precision": self.precision, "recall": self.recall, "f1": self.f1, "support": self.support}


@dataclass
class Evaluation:
    codes: dict[str, Scores]
    micro: Scores
    macro: Scores
    units: int = 0
    transcripts: int = 0
    notes: list[str] = field(default_factory=list)

    def to_json(self) -> dict[str, Any]:
        return {
            "codes": {code: s.to_json() for code, s in self.codes.items()},
            "micro": self.micro.to_json(),
            "macro": self.macro.to_json(),
        }


def _ratio(a: int, b: int) -> float:
    return a / b if b else 0.0


def _f1(p: float, r: float) -> float:
    return 2 * p * r / (p + r) if p + r else 0.0


def _scores(tp: int, fp: int, fn: int) -> tuple[float, float, float]:
    p, r = _ratio(tp, tp + fp), _ratio(tp, tp + fn)
    return p, r, _f1(p, r)


def _rounded(p: float, r: float, f: float, support: int, tp: int = 0, fp: int = 0, fn: int = 0) -> Scores:
    return Scores(round(p, 4), round(r, 4), round(f, 4), support, tp, fp, fn)


def score_labels(gold: Mapping[str, set[str]], predicted: Mapping[str, set[str]], order: Iterable[str]) -> Evaluation:
    """Score per-unit code sets; ``gold`` holds every unit (possibly with an empty set).

    Predictions for units not in ``gold`` are ignored. Codes are reported in ``order``
    (codes missing from it come last, sorted).
    """
    counts: dict[str, list[int]] = {}
    for unit, gold_codes in gold.items():
        predicted_codes = predicted.get(unit, set())
        for code in gold_codes | predicted_codes:
            tp_fp_fn = counts.setdefault(code, [0, 0, 0])
            if code in gold_codes and code in predicted_codes:
                tp_fp_fn[0] += 1
            elif code in predicted_codes:
                tp_fp_fn[1] += 1
            else:
                tp_fp_fn[2] += 1
    rank = {code: n for n, code in enumerate(order)}
    ordered = sorted(counts, key=lambda c: (rank.get(c, len(rank)), c))
    raw = {code: _scores(*counts[code]) for code in ordered}
    codes = {code: _rounded(*raw[code], counts[code][0] + counts[code][2], *counts[code]) for code in ordered}
    tp, fp, fn = (sum(c[i] for c in counts.values()) for i in range(3))
    micro = _rounded(*_scores(tp, fp, fn), tp + fn, tp, fp, fn)
    n = len(raw) or 1
    means = [sum(values[i] for values in raw.values()) / n for i in range(3)]
    macro = _rounded(means[0], means[1], means[2], tp + fn)
    evaluation = Evaluation(codes, micro, macro, units=len(gold))
    never = [code for code, s in codes.items() if s.tp + s.fp == 0]
    if never:
        evaluation.notes.append(f"never predicted (precision 0.00): {', '.join(never)}")
    return evaluation


def evaluate(
    corpus: Corpus,
    codebook: Codebook,
    gold: CodingSet,
    level: str = "top",
    min_score: float = DEFAULT_MIN_SCORE,
    nlp: Language | None = None,
    other: CodingSet | None = None,
) -> Evaluation:
    """Score the suggestions (made with ``nlp``) or ``other``'s codings against the ``gold`` coder.

    ``gold`` and ``other`` hold one coder each (see :func:`qualcode.coding.resolve.load_codings`).
    """
    if (nlp is None) == (other is None):
        raise ValueError("evaluate either suggestions (nlp) or another coder (other)")
    codebook.codes_at(level)  # an unknown level is an error
    gold_name = gold.coders[0]
    done = sorted(gold.done.get(gold_name, ()))
    if not done:
        raise AnalysisError(
            f"coder '{gold_name}' has marked no transcript done, so there is nothing to evaluate against; "
            f"mark the fully coded ones with `qualcode done TRANSCRIPT --coder {gold_name}`"
        )
    units = corpus.coded_segments(done)
    gold_labels: dict[str, set[str]] = {s.id: set() for s in units}
    for coding in gold.codings:
        if coding.segment in gold_labels:
            gold_labels[coding.segment].add(codebook.label_at(coding.code, level))

    predicted: dict[str, set[str]] = {}
    notes = []
    if other is None:
        assert nlp is not None
        for s in suggest_segments(units, codebook, nlp, min_score=min_score):
            predicted.setdefault(s.segment, set()).add(codebook.label_at(s.code, level))
    else:
        other_name = other.coders[0]
        for coding in other.codings:
            predicted.setdefault(coding.segment, set()).add(codebook.label_at(coding.code, level))
        missing = [t for t in done if t not in other.done.get(other_name, ())]
        if missing:
            notes.append(
                f"{other_name} has not marked {len(missing)} of these {len(done)} transcripts done; "
                "their uncoded segments count as 'code absent'"
            )
    result = score_labels(gold_labels, predicted, codebook.codes_at(level))
    result.transcripts = len(done)
    result.notes = notes + result.notes
    return result
