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

**Parts.** With an evaluation split in ``qualcode.yaml`` (:mod:`qualcode.suggest.split`) the
units are those of one part: ``test`` by default, ``dev`` for tuning, or ``all``.

**Calibration.** For suggestions, :attr:`Evaluation.calibration` is the reliability table of
every suggestion on the units whatever its score: per score bin, how many, their mean score
and the share that were right (the gold coder coded the suggested code at ``level``).

**Cross-validation** (:func:`cross_validate`): K folds by transcript; for each, models learn
from the gold coder's codings of the other folds and score the held-out fold, as rules only,
the model only (words, no rules) and combined (words and rule features; rules for codes
without a model).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import Any

from spacy.language import Language

from qualcode.codebook.model import Codebook
from qualcode.coding.resolve import CodingSet
from qualcode.errors import AnalysisError, UsageError
from qualcode.study.corpus import Corpus
from qualcode.suggest.calibrate import calibration_error, reliability
from qualcode.suggest.engine import score_parsed
from qualcode.suggest.matcher import RuleSet
from qualcode.suggest.model import LearnedModel
from qualcode.suggest.parsed import parse_segments
from qualcode.suggest.records import DEFAULT_MIN_SCORE, Suggestion


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
    part: str = "all"
    min_score: float | None = None
    calibration: list[dict[str, Any]] | None = None

    def to_json(self) -> dict[str, Any]:
        data: dict[str, Any] = {
            "part": self.part,
            "units": self.units,
            "transcripts": self.transcripts,
            "codes": {code: s.to_json() for code, s in self.codes.items()},
            "micro": self.micro.to_json(),
            "macro": self.macro.to_json(),
        }
        if self.min_score is not None:
            data["min_score"] = self.min_score
        if self.calibration is not None:
            data["calibration"] = self.calibration
            data["calibration_error"] = calibration_error(self.calibration)
        return data


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


def gold_units(
    corpus: Corpus, codebook: Codebook, gold: CodingSet, level: str, transcripts: set[str] | None = None
) -> tuple[list[str], dict[str, set[str]]]:
    """The transcripts scored (done by the gold coder, in ``transcripts``) and the gold labels per unit."""
    codebook.codes_at(level)  # an unknown level is an error
    gold_name = gold.coders[0]
    done = sorted(gold.done.get(gold_name, ()))
    if not done:
        raise AnalysisError(
            f"coder '{gold_name}' has marked no transcript done, so there is nothing to evaluate against; "
            f"mark the fully coded ones with `qualcode done TRANSCRIPT --coder {gold_name}`"
        )
    if transcripts is not None:
        done = [t for t in done if t in transcripts]
        if not done:
            raise AnalysisError(
                f"coder '{gold_name}' has marked no transcript of this evaluation part done; "
                "choose another --part, or mark transcripts done"
            )
    labels: dict[str, set[str]] = {s.id: set() for s in corpus.coded_segments(done)}
    for coding in gold.codings:
        if coding.segment in labels:
            labels[coding.segment].add(codebook.label_at(coding.code, level))
    return done, labels


def _predicted(
    suggestions: Iterable[Suggestion], codebook: Codebook, level: str, min_score: float
) -> dict[str, set[str]]:
    predicted: dict[str, set[str]] = {}
    for s in suggestions:
        if s.score >= min_score:
            predicted.setdefault(s.segment, set()).add(codebook.label_at(s.code, level))
    return predicted


def score_suggestions(
    suggestions: Sequence[Suggestion],
    gold_labels: Mapping[str, set[str]],
    codebook: Codebook,
    level: str,
    min_score: float,
) -> Evaluation:
    """Score suggestions (of any score) at ``min_score``, with their calibration table."""
    result = score_labels(gold_labels, _predicted(suggestions, codebook, level, min_score), codebook.codes_at(level))
    inside = [s for s in suggestions if s.segment in gold_labels]
    result.calibration = reliability(
        [s.score for s in inside], [codebook.label_at(s.code, level) in gold_labels[s.segment] for s in inside]
    )
    result.min_score = min_score
    return result


def evaluate(
    corpus: Corpus,
    codebook: Codebook,
    gold: CodingSet,
    level: str = "top",
    min_score: float = DEFAULT_MIN_SCORE,
    nlp: Language | None = None,
    other: CodingSet | None = None,
    transcripts: set[str] | None = None,
    model: LearnedModel | None = None,
    factors: Mapping[tuple[str, str], float] | None = None,
    part: str = "all",
) -> Evaluation:
    """Score the suggestions (made with ``nlp``, and ``model`` if given) or ``other``'s codings
    against the ``gold`` coder, on the transcripts the gold coder marked done (of ``transcripts``).

    ``gold`` and ``other`` hold one coder each (see :func:`qualcode.coding.resolve.load_codings`).
    """
    if (nlp is None) == (other is None):
        raise ValueError("evaluate either suggestions (nlp) or another coder (other)")
    done, gold_labels = gold_units(corpus, codebook, gold, level, transcripts)
    units = corpus.coded_segments(done)
    notes = []
    if other is None:
        assert nlp is not None
        rules = RuleSet(codebook, nlp)
        parsed = parse_segments(units, nlp, rules, grams=model is not None)
        suggestions = score_parsed(parsed, codebook, None, 0.0, model, factors)
        result = score_suggestions(suggestions, gold_labels, codebook, level, min_score)
    else:
        other_name = other.coders[0]
        predicted: dict[str, set[str]] = {}
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
    result.part = part
    result.notes = notes + result.notes
    return result


@dataclass
class CrossValidation:
    """Rules only, model only and combined, each scored over the K held-out folds pooled."""

    folds: int
    rules: Evaluation
    model: Evaluation
    combined: Evaluation
    part: str = "all"
    transcripts: int = 0
    units: int = 0
    suggestions: dict[str, list[Suggestion]] = field(default_factory=dict, repr=False)

    def to_json(self) -> dict[str, Any]:
        return {
            "part": self.part,
            "cv": self.folds,
            "units": self.units,
            "transcripts": self.transcripts,
            "rules": self.rules.to_json(),
            "model": self.model.to_json(),
            "combined": self.combined.to_json(),
        }


def cross_validate(
    corpus: Corpus,
    codebook: Codebook,
    gold: CodingSet,
    nlp: Language,
    folds: int,
    level: str = "top",
    min_score: float = DEFAULT_MIN_SCORE,
    transcripts: set[str] | None = None,
    part: str = "all",
) -> CrossValidation:
    """K-fold cross-validation by transcript of learning from the gold coder."""
    from qualcode.suggest.learn import codebook_examples, learn_models, training_labels

    done, gold_labels = gold_units(corpus, codebook, gold, level, transcripts)
    if folds < 2 or folds > len(done):
        raise UsageError(
            f"--cv {folds}: needs 2 to {len(done)} folds (the gold coder's {len(done)} done transcripts in this part)"
        )
    units = corpus.coded_segments(done)
    parsed = parse_segments(units, nlp, RuleSet(codebook, nlp), grams=True)
    by_id = {p.segment.id: p for p in parsed}
    threshold = min_score if min_score > 0 else DEFAULT_MIN_SCORE
    fold_of = {t: n % folds for n, t in enumerate(done)}
    extra = codebook_examples(codebook, nlp)
    found: dict[str, list[Suggestion]] = {"rules": [], "model": [], "combined": []}
    gold_name = gold.coders[0]
    for fold in range(folds):
        train = {t for t in done if fold_of[t] != fold}
        held = [p for p in parsed if fold_of[p.segment.transcript] == fold]
        labels = training_labels(corpus, codebook, _done_only(gold, gold_name, train), transcripts=train)
        combined, _, _ = learn_models(by_id, labels, codebook, use_rules=True, threshold=threshold, extra=extra)
        words, _, _ = learn_models(by_id, labels, codebook, use_rules=False, threshold=threshold, extra=extra)
        found["rules"] += score_parsed(held, codebook, min_score=0.0)
        found["combined"] += score_parsed(held, codebook, min_score=0.0, model=LearnedModel(combined))
        no_rules = [replace(p, hits={}) for p in held]
        found["model"] += score_parsed(no_rules, codebook, min_score=0.0, model=LearnedModel(words))
    results = {name: score_suggestions(s, gold_labels, codebook, level, min_score) for name, s in found.items()}
    for result in results.values():
        result.transcripts, result.part = len(done), part
    return CrossValidation(
        folds, results["rules"], results["model"], results["combined"], part, len(done), len(units), found
    )


def _done_only(gold: CodingSet, coder: str, transcripts: set[str]) -> CodingSet:
    """The gold coder's codings of ``transcripts``, which all count as covered."""
    return CodingSet(
        [c for c in gold.codings if c.transcript in transcripts],
        done={coder: set(transcripts)},
        coders=[coder],
    )
