"""Fitting scores to what coders did, and checking that they mean what they say.

* :func:`rule_examples` turns parsed segments and a gold coder's labels into one example per
  (segment, code whose rules fired): its rule features, and whether the gold coder coded the
  code's theme there.
* :func:`fit_rule_scorer` fits the calibrated rule score (a logistic regression) on examples.
* :func:`fit_platt` maps a model's raw scores to probabilities (Platt scaling).
* :func:`reliability` is the calibration table: per score bin, the mean score and the share
  of suggestions that were right.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np

from qualcode.codebook.model import Codebook
from qualcode.suggest.features import RULE_FEATURES
from qualcode.suggest.parsed import ParsedSegment
from qualcode.suggest.scoring import RuleScorer

#: regularisation of the rule score's logistic regression (inverse strength, as in scikit-learn)
RULE_C = 1.0


def rule_examples(
    parsed: Sequence[ParsedSegment], codebook: Codebook, gold: Mapping[str, set[str]]
) -> tuple[list[dict[str, float]], list[int]]:
    """Rule features and labels (1: the gold coder coded the code's theme) of every candidate.

    ``gold`` maps segment id -> the top-level codes the gold coder gave it; segments not in
    ``gold`` are left out.
    """
    rows, labels = [], []
    for item in parsed:
        if item.segment.id not in gold:
            continue
        for code_id in item.hits:
            rows.append(item.features(codebook, [code_id]))
            labels.append(int(codebook.top_level(code_id) in gold[item.segment.id]))
    return rows, labels


def fit_rule_scorer(
    rows: Sequence[Mapping[str, float]], labels: Sequence[int], provenance: Mapping[str, Any], c: float = RULE_C
) -> RuleScorer:
    """A logistic regression of ``labels`` on the rule features of ``rows``."""
    from sklearn.linear_model import LogisticRegression

    x = np.array([[row[name] for name in RULE_FEATURES] for row in rows])
    y = np.array(labels)
    fitted = LogisticRegression(C=c, max_iter=5000).fit(x, y)
    weights = {name: round(float(w), 4) for name, w in zip(RULE_FEATURES, fitted.coef_[0])}
    return RuleScorer(round(float(fitted.intercept_[0]), 4), weights, dict(provenance))


def fit_platt(raw: Sequence[float], labels: Sequence[int]) -> tuple[float, float]:
    """Slope and offset so that ``sigmoid(slope * raw + offset)`` fits ``labels`` (1-D logistic)."""
    from sklearn.linear_model import LogisticRegression

    y = np.asarray(labels)
    if len(set(y.tolist())) < 2:
        return 1.0, 0.0
    fitted = LogisticRegression(C=100.0, max_iter=5000).fit(np.asarray(raw, dtype=float).reshape(-1, 1), y)
    return float(fitted.coef_[0][0]), float(fitted.intercept_[0])


def reliability(scores: Sequence[float], right: Sequence[bool], bins: int = 10) -> list[dict[str, Any]]:
    """Per score bin (``[0, 0.1)``, ... ``[0.9, 1]``): suggestions, mean score, share right."""
    table = []
    for b in range(bins):
        low, high = b / bins, (b + 1) / bins
        inside = [(s, r) for s, r in zip(scores, right) if low <= s < high or (b == bins - 1 and s == 1.0)]
        table.append(
            {
                "low": round(low, 2),
                "high": round(high, 2),
                "suggestions": len(inside),
                "predicted": round(sum(s for s, _ in inside) / len(inside), 4) if inside else None,
                "observed": round(sum(1 for _, r in inside if r) / len(inside), 4) if inside else None,
            }
        )
    return table


def calibration_error(table: Sequence[Mapping[str, Any]]) -> float | None:
    """Expected calibration error: the bins' |predicted - observed|, weighted by their size."""
    total = sum(int(row["suggestions"]) for row in table)
    if not total:
        return None
    gap = sum(
        int(row["suggestions"]) * abs(float(row["predicted"]) - float(row["observed"]))
        for row in table
        if row["suggestions"]
    )
    return round(gap / total, 4)
