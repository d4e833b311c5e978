"""The calibrated rule score: rule features -> the chance that the suggestion is right.

``score = 1 / (1 + exp(-(intercept + sum(weight_f * feature_f))))`` over the rule features of
:mod:`qualcode.suggest.features`. The weights are not set by hand: they are a logistic
regression fitted on the **dev** parts of the project's gold sets by
``benchmarks/fit_rule_scorer.py`` and stored in ``rule_scorer.json`` beside this module with
the data they came from. A suggestion is "right" when the gold coder coded the suggested
code's theme (its top-level code) on that segment, so a score of 0.7 means that about 70% of
the dev suggestions scored near 0.7 were right; ``qualcode evaluate --format json`` shows the
``calibration`` table on any gold coder.

Review decisions lower the weight of rules that coders keep rejecting (:func:`rule_factors`).
"""

from __future__ import annotations

import json
import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

from qualcode.suggest.features import RULE_FEATURES
from qualcode.suggest.store import Decision, base_rule

SCORER_FILE = Path(__file__).with_name("rule_scorer.json")

#: prior of a rule's acceptance in review: as if it had been accepted PRIOR_ACCEPTED times in PRIOR_DECIDED
PRIOR_ACCEPTED, PRIOR_DECIDED = 4.0, 5.0


@dataclass(frozen=True)
class RuleScorer:
    """Intercept and per-feature weights of the calibrated rule score."""

    intercept: float
    weights: Mapping[str, float]
    provenance: Mapping[str, Any]

    def logit(self, features: Mapping[str, float]) -> float:
        return self.intercept + sum(self.weights.get(name, 0.0) * value for name, value in features.items())

    def score(self, features: Mapping[str, float]) -> float:
        return round(sigmoid(self.logit(features)), 4)

    def to_json(self) -> dict[str, Any]:
        return {
            "intercept": self.intercept,
            "weights": {name: self.weights.get(name, 0.0) for name in RULE_FEATURES},
            "provenance": dict(self.provenance),
        }


def sigmoid(z: float) -> float:
    if z >= 0:
        return 1.0 / (1.0 + math.exp(-z))
    e = math.exp(z)
    return e / (1.0 + e)


@lru_cache(maxsize=1)
def default_scorer() -> RuleScorer:
    """The scorer shipped with qualcode (``rule_scorer.json``)."""
    data = json.loads(SCORER_FILE.read_text(encoding="utf-8"))
    return RuleScorer(float(data["intercept"]), {k: float(v) for k, v in data["weights"].items()}, data["provenance"])


def rule_factors(decisions: Iterable[Decision]) -> dict[tuple[str, str], float]:
    """(code, rule) -> how much of a full count the rule gets, from review decisions.

    A rule's acceptance is smoothed towards a prior of 80%
    (``(accepted + 4) / (decided + 5)``); a rule accepted at least as often as that counts fully,
    one accepted less counts ``acceptance / 0.8``: a rule rejected 10 times out of 10 counts a
    third, a single rejection 0.83. A fuzzy match counts with its keyword.
    """
    counts: dict[tuple[str, str], list[int]] = {}
    for decision in decisions:
        if decision.decision not in ("accept", "reject"):
            continue
        for rule in dict.fromkeys(base_rule(r) for r in decision.rules):
            if rule.startswith("model:"):
                continue
            if rule.startswith("fuzzy:"):
                rule = "keyword:" + rule[len("fuzzy:") :]
            tally = counts.setdefault((decision.code, rule), [0, 0])
            tally[0] += decision.decision == "accept"
            tally[1] += 1
    prior = PRIOR_ACCEPTED / PRIOR_DECIDED
    factors = {}
    for key, (accepted, decided) in counts.items():
        acceptance = (accepted + PRIOR_ACCEPTED) / (decided + PRIOR_DECIDED)
        if acceptance < prior:
            factors[key] = round(acceptance / prior, 4)
    return factors
