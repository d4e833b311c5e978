"""Learning from the team's coding: (codings, decisions) -> one explainable linear model per code.

**Examples.** For each code, the positives are the segments the chosen coders coded with the
code or one of its descendants; the negatives are the other coded-speaker segments of the
transcripts those coders covered (marked done, or coded at least once), and segments where a
coder rejected a suggestion of the code. Accepted suggestions are codings, so they count as
positives. The codebook's own words count too: the label, definition, include note and
examples of a code and of the codes below it are extra positive examples of it, those of the
codes outside its theme extra negatives (:func:`codebook_examples`; rule features 0). So a
model starts from what the codebook says a code is, and a code with few coded segments still
learns its vocabulary.

**Model.** A logistic regression (scikit-learn, ``class_weight="balanced"``) on the segment's
lemma unigrams and bigrams (each ``1/sqrt(k)`` when present, ``k`` the segment's distinct
n-grams; n-grams seen in fewer than :data:`MIN_DF` training segments are left out) and, unless
``use_rules`` is False, the code's rule features (:mod:`qualcode.suggest.features`). A code
needs :data:`MIN_POSITIVES` positives and as many negatives.

**Cross-validation and calibration.** Folds are by transcript (``GroupKFold``, up to
:data:`MAX_FOLDS`) when the examples come from three or more transcripts, else stratified.
The out-of-fold raw scores give the Platt calibration (so a score of 0.7 means about 70%
right) and the reported precision, recall and F1 at ``threshold``; the final model is then
fitted on all the examples.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

import numpy as np
from scipy import sparse
from spacy.language import Language

from qualcode.codebook.model import Codebook
from qualcode.coding.resolve import CodingSet
from qualcode.errors import AnalysisError
from qualcode.study.corpus import Corpus
from qualcode.study.segment import Segment
from qualcode.suggest.cache import ParseCache
from qualcode.suggest.calibrate import fit_platt
from qualcode.suggest.features import ngrams, word_count
from qualcode.suggest.matcher import RuleSet
from qualcode.suggest.model import (
    MODEL_RULE_FEATURES,
    RULE_PREFIX,
    CodeModel,
    LearnedModel,
    codebook_hash,
    gram_matrix,
    model_rule_features,
)
from qualcode.suggest.parsed import ParsedSegment, parse_segments
from qualcode.suggest.records import DEFAULT_MIN_SCORE
from qualcode.suggest.scoring import default_scorer
from qualcode.suggest.store import Decision

#: a code needs this many positive (and negative) examples to get a model
MIN_POSITIVES = 5
#: n-grams in fewer training segments than this are not features
MIN_DF = 2
MAX_FOLDS = 5
#: inverse regularisation strength of the per-code logistic regressions
MODEL_C = 4.0
#: a code's model keeps its largest weights only (all the others are smaller than these)
MAX_WEIGHTS = 1500

CodeProgress = Callable[[str, int, int], None]


@dataclass
class Labels:
    """What the coders said: which segments are examples, and which are positive, per code."""

    units: list[str]  # segments labelled for every code (coded speakers of covered transcripts)
    positives: dict[str, set[str]] = field(default_factory=dict)  # code -> segments coded with it (or below)
    rejected: dict[str, set[str]] = field(default_factory=dict)  # code -> segments where it was rejected
    transcripts: list[str] = field(default_factory=list)

    def examples(self, code: str) -> tuple[list[str], list[int]]:
        """The example segments of ``code`` and their labels (1 positive, 0 negative)."""
        positive = self.positives.get(code, set())
        extra = [s for s in sorted(self.rejected.get(code, set())) if s not in set(self.units)]
        segments = [*self.units, *extra]
        return segments, [int(s in positive) for s in segments]

    @property
    def segments(self) -> list[str]:
        """Every segment some code has as an example."""
        return list(dict.fromkeys([*self.units, *(s for found in self.rejected.values() for s in sorted(found))]))


def training_labels(
    corpus: Corpus,
    codebook: Codebook,
    codings: CodingSet,
    decisions: Iterable[Decision] = (),
    transcripts: set[str] | None = None,
) -> Labels:
    """The examples the coders of ``codings`` give, in ``transcripts`` (None: all)."""
    coders = set(codings.coders)
    covered: set[str] = set()
    for coder in coders:
        covered |= codings.covered(coder)
    if transcripts is not None:
        covered &= transcripts
    order = [t.id for t in corpus.transcripts if t.id in covered]
    units = [s.id for s in corpus.coded_segments(order)]
    unit_set = set(units)
    ancestors = {c.id: _ancestors(codebook, c.id) for c in codebook.walk()}
    positives: dict[str, set[str]] = {}
    for coding in codings.codings:
        if coding.coder in coders and coding.segment in unit_set and coding.code in ancestors:
            for code in ancestors[coding.code]:
                positives.setdefault(code, set()).add(coding.segment)
    rejected: dict[str, set[str]] = {}
    skipped = {s.id for s in corpus.segments if s.skipped}
    for decision in decisions:
        if decision.decision != "reject" or decision.coder not in coders or decision.code not in ancestors:
            continue
        segment = corpus.segment_index.get(decision.segment)
        if (
            segment is not None
            and segment.id not in skipped
            and (transcripts is None or segment.transcript in transcripts)
        ):
            rejected.setdefault(decision.code, set()).add(decision.segment)
    for code, found in rejected.items():
        found -= positives.get(code, set())
    return Labels(units, positives, rejected, order)


def _ancestors(codebook: Codebook, code_id: str) -> list[str]:
    path = codebook.path_of(code_id).split("/")
    return path


CODEBOOK_TRANSCRIPT = "(codebook)"


def codebook_examples(codebook: Codebook, nlp: Language) -> list[tuple[str, ParsedSegment]]:
    """(code id, parsed text) for every label, definition, include note and example of the codebook."""
    texts = []
    for code in codebook.walk():
        for text in (code.label, code.definition, code.include, *code.examples):
            if text and text.strip() and text.strip() != code.id:
                texts.append((code.id, text.strip()))
    docs = nlp.pipe([t for _, t in texts], batch_size=256)
    found = []
    for n, ((code_id, text), doc) in enumerate(zip(texts, docs)):
        segment = Segment(f"{CODEBOOK_TRANSCRIPT}#{n}", CODEBOOK_TRANSCRIPT, None, 0, len(text), text)
        found.append((code_id, ParsedSegment(segment, {}, word_count(doc), (), ngrams(doc))))
    return found


def _codebook_labels(
    codebook: Codebook, code: str, extra: Sequence[tuple[str, ParsedSegment]]
) -> tuple[list[ParsedSegment], list[int]]:
    """The codebook texts that are examples of ``code``: its subtree's (1) and other themes' (0)."""
    subtree = set(codebook.descendants(code))
    theme = codebook.top_level(code)
    parsed, labels = [], []
    for code_id, item in extra:
        if code_id in subtree:
            parsed.append(item)
            labels.append(1)
        elif codebook.top_level(code_id) != theme:
            parsed.append(item)
            labels.append(0)
    return parsed, labels


def vocabulary(parsed: Sequence[ParsedSegment], min_df: int = MIN_DF) -> dict[str, int]:
    """N-grams in at least ``min_df`` of the parsed segments -> column index (sorted)."""
    df: dict[str, int] = {}
    for item in parsed:
        for gram in item.grams or ():
            df[gram] = df.get(gram, 0) + 1
    return {g: i for i, g in enumerate(sorted(g for g, n in df.items() if n >= min_df))}


def design(
    parsed: Sequence[ParsedSegment], vocab: Mapping[str, int], codebook: Codebook, code: str, use_rules: bool
) -> sparse.csr_matrix:
    """The feature matrix of ``parsed`` for ``code``: n-gram columns, then rule-feature columns."""
    grams = gram_matrix(parsed, vocab)
    if not use_rules:
        return grams
    subtree = codebook.descendants(code)
    rules = np.array([model_rule_features(item, codebook, subtree) for item in parsed])
    return sparse.hstack([grams, sparse.csr_matrix(rules)], format="csr")


def _folds(groups: Sequence[str], labels: Sequence[int]) -> list[tuple[np.ndarray, np.ndarray]]:
    from sklearn.model_selection import GroupKFold, StratifiedKFold

    y = np.asarray(labels)
    distinct = sorted(set(groups))
    if len(distinct) >= 3:
        splitter = GroupKFold(n_splits=min(MAX_FOLDS, len(distinct)))
        return list(splitter.split(np.zeros(len(y)), y, groups=list(groups)))
    n = int(min(MAX_FOLDS, y.sum(), len(y) - y.sum()))
    splitter_s = StratifiedKFold(n_splits=max(n, 2), shuffle=True, random_state=0)
    return list(splitter_s.split(np.zeros(len(y)), y))


def _fit(x: sparse.csr_matrix, y: np.ndarray):
    from sklearn.linear_model import LogisticRegression

    return LogisticRegression(C=MODEL_C, class_weight="balanced", solver="liblinear", max_iter=1000).fit(x, y)


def _scores(tp: int, fp: int, fn: int) -> dict[str, float]:
    p = tp / (tp + fp) if tp + fp else 0.0
    r = tp / (tp + fn) if tp + fn else 0.0
    f = 2 * p * r / (p + r) if p + r else 0.0
    return {"precision": round(p, 4), "recall": round(r, 4), "f1": round(f, 4)}


def learn_code(
    code: str,
    parsed: Sequence[ParsedSegment],
    labels: Sequence[int],
    vocab: Mapping[str, int],
    codebook: Codebook,
    use_rules: bool = True,
    threshold: float = DEFAULT_MIN_SCORE,
    extra: Sequence[tuple[str, ParsedSegment]] = (),
) -> CodeModel:
    """Cross-validate, calibrate and fit the model of one code on its examples.

    ``extra`` are the codebook's texts (:func:`codebook_examples`): always in training, never scored.
    """
    x = design(parsed, vocab, codebook, code, use_rules)
    y = np.asarray(labels)
    extra_parsed, extra_labels = _codebook_labels(codebook, code, extra)
    x_extra = design(extra_parsed, vocab, codebook, code, use_rules) if extra_parsed else None
    y_extra = np.asarray(extra_labels, dtype=y.dtype)

    def fit(rows: np.ndarray):
        if x_extra is None:
            return _fit(x[rows], y[rows])
        return _fit(sparse.vstack([x[rows], x_extra], format="csr"), np.concatenate([y[rows], y_extra]))

    raw = np.zeros(len(y))
    folds = _folds([p.segment.transcript for p in parsed], labels)
    for train, held in folds:
        if len(set(y[train].tolist())) < 2:
            rate = max(float(y[train].mean()), 1e-3) if len(train) else 1e-3
            raw[held] = math.log(rate / (1 - rate)) if rate < 1 else 10.0
            continue
        raw[held] = fit(train).decision_function(x[held])
    slope, offset = fit_platt(raw.tolist(), labels)
    predicted = 1.0 / (1.0 + np.exp(-(slope * raw + offset))) >= threshold
    tp = int((predicted & (y == 1)).sum())
    fp = int((predicted & (y == 0)).sum())
    fn = int((~predicted & (y == 1)).sum())
    rules = np.array([_rule_score(item, codebook, code) >= threshold for item in parsed])
    rule_counts = (int((rules & (y == 1)).sum()), int((rules & (y == 0)).sum()), int((~rules & (y == 1)).sum()))
    fitted = fit(np.arange(len(y)))
    names = sorted(vocab, key=vocab.__getitem__) + ([RULE_PREFIX + n for n in MODEL_RULE_FEATURES] if use_rules else [])
    ranked = sorted(zip(names, fitted.coef_[0]), key=lambda nw: -abs(nw[1]))
    weights = {name: float(w) for name, w in ranked[:MAX_WEIGHTS] if abs(w) >= 1e-4}
    return CodeModel(
        code,
        float(fitted.intercept_[0]),
        weights,
        slope,
        offset,
        positives=int(y.sum()),
        negatives=int(len(y) - y.sum()),
        cv={
            "folds": len(folds),
            "threshold": threshold,
            **_scores(tp, fp, fn),
            "rules_f1": _scores(*rule_counts)["f1"],
        },
    )


def _rule_score(item: ParsedSegment, codebook: Codebook, code: str) -> float:
    """The best rule score of ``code`` or a descendant in a segment (-1 when no rule fired)."""
    scorer = default_scorer()
    fired = [c for c in codebook.descendants(code) if c in item.hits]
    return max((scorer.score(item.features(codebook, [c])) for c in fired), default=-1.0)


def learn_models(
    parsed: Mapping[str, ParsedSegment],
    labels: Labels,
    codebook: Codebook,
    use_rules: bool = True,
    min_positives: int = MIN_POSITIVES,
    threshold: float = DEFAULT_MIN_SCORE,
    progress: CodeProgress | None = None,
    extra: Sequence[tuple[str, ParsedSegment]] = (),
) -> tuple[dict[str, CodeModel], dict[str, int], dict[str, dict[str, Any]]]:
    """Models for every code with enough examples whose model beats its rules in cross-validation;
    the positives of the codes with too few examples; the cross-validation of the codes whose
    rules did at least as well as a model (they keep the rule score).

    With ``use_rules``, each code gets the better (in cross-validation) of a model of words and
    rule features and a model of words alone, and keeps it only if it beats the rules alone.

    ``parsed`` maps segment id -> the parsed segment (with n-grams) for every example segment.
    """
    vocab = vocabulary([*(parsed[s] for s in labels.units), *(item for _, item in extra)])
    models: dict[str, CodeModel] = {}
    too_few: dict[str, int] = {}
    rules_better: dict[str, dict[str, Any]] = {}
    codes = [c.id for c in codebook.walk()]
    for n, code in enumerate(codes, start=1):
        segments, y = labels.examples(code)
        positives = sum(y)
        if progress is not None:
            progress(code, n, len(codes))
        if positives < min_positives or len(y) - positives < min_positives:
            too_few[code] = positives
            continue
        examples = [parsed[s] for s in segments]
        model = learn_code(code, examples, y, vocab, codebook, use_rules, threshold, extra)
        if use_rules:  # the best in cross-validation of: rules alone, words alone, words and rules
            words = learn_code(code, examples, y, vocab, codebook, False, threshold, extra)
            words.cv["rules_f1"] = model.cv["rules_f1"]
            model.cv["words_f1"] = words.cv["words_f1"] = words.cv["f1"]
            model.cv["combined_f1"] = words.cv["combined_f1"] = model.cv["f1"]
            if words.cv["f1"] > model.cv["f1"]:
                model = words
        if not use_rules or model.cv["f1"] > model.cv["rules_f1"]:
            models[code] = model
        else:
            rules_better[code] = {"positives": model.positives, "negatives": model.negatives, **model.cv}
    return models, too_few, rules_better


def learn_model(
    corpus: Corpus,
    codebook: Codebook,
    codings: CodingSet,
    nlp: Language,
    decisions: Iterable[Decision] = (),
    transcripts: set[str] | None = None,
    min_positives: int = MIN_POSITIVES,
    progress: CodeProgress | None = None,
    cache: ParseCache | None = None,
) -> LearnedModel:
    """Learn from ``codings`` (the chosen coders) in ``transcripts`` (None: all): the whole model
    (``cache``: parsed segments kept between runs)."""
    labels = training_labels(corpus, codebook, codings, decisions, transcripts)
    if not labels.units:
        who = ", ".join(codings.coders) or "nobody"
        raise AnalysisError(
            f"nothing to learn from: {who} covered no transcript here (code some segments, or mark "
            "transcripts done with `qualcode done`)"
        )
    segments = [corpus.segment_index[s] for s in labels.segments]
    parsed = parse_segments(segments, nlp, RuleSet(codebook, nlp), grams=True, cache=cache)
    by_id = {p.segment.id: p for p in parsed}
    extra = codebook_examples(codebook, nlp)
    models, too_few, rules_better = learn_models(
        by_id, labels, codebook, True, min_positives, DEFAULT_MIN_SCORE, progress, extra
    )
    return LearnedModel(
        models,
        codebook_hash(codebook),
        codebook.display or "",
        list(codings.coders),
        datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
        str(nlp.lang),
        labels.transcripts,
        min_positives,
        too_few,
        rules_better,
    )
