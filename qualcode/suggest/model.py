"""A model learned from the team's coding: one readable linear model per code, as JSON.

``models/learned.json`` (written by ``qualcode learn``, read by ``suggest`` and ``evaluate``)::

    {"format": "qualcode-learned-model", "version": 1,
     "created": "2026-12-01T21:04:11Z", "codebook": "codebooks/district-practices.yaml",
     "codebook_hash": "9f2c...", "coders": ["ana", "ben"], "language": "en",
     "transcripts": ["alder-creek/teacher-01", ...], "min_positives": 5,
     "codes": {"coaching": {"positives": 31, "negatives": 402,
                            "cv": {"folds": 5, "precision": 0.71, "recall": 0.65, "f1": 0.68},
                            "intercept": -2.1, "calibration": {"slope": 0.93, "offset": -0.4},
                            "weights": {"rules:kw2": 1.9, "coach": 1.4, "coach cycle": 0.8, ...}}},
     "too_few": {"foster_youth": 2},
     "rules_better": {"plc": {"folds": 5, "f1": 0.61, "rules_f1": 0.74, ...}}}

For a segment, ``z = intercept + sum(weight * value)`` over its features, and the score is
``1 / (1 + exp(-(slope * z + offset)))``. A word or bigram feature has the value
``1 / sqrt(k)`` when present (``k``: the number of distinct n-grams of the segment) and 0
otherwise; ``rules:*`` features are :data:`MODEL_RULE_FEATURES`: the calibrated rule score's
logit (``rules:score``), whether a rule fired (``rules:fired``) and the rule features of
:mod:`qualcode.suggest.features`, for the code and its descendants. Weights are listed largest
first (by absolute value); a code keeps its 1,500 largest, and weights under 0.001 are left
out. The file is safe to delete: ``qualcode learn`` writes it again.
"""

from __future__ import annotations

import hashlib
import json
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
from scipy import sparse

from qualcode.codebook.model import Codebook
from qualcode.errors import ModelError
from qualcode.suggest.features import RULE_FEATURES
from qualcode.suggest.parsed import ParsedSegment
from qualcode.suggest.scoring import default_scorer

FORMAT = "qualcode-learned-model"
VERSION = 1
RULE_PREFIX = "rules:"
#: weights smaller than this (in absolute value) are not written
MIN_WEIGHT = 0.001


#: the rule columns of a model: the calibrated rule score's logit (best code of the subtree whose
#: rules fired; 0 when none did), whether any fired, and the rule features themselves
MODEL_RULE_FEATURES = ("score", "fired", *RULE_FEATURES)


def model_rule_features(
    item: ParsedSegment,
    codebook: Codebook,
    subtree: Sequence[str],
    factors: Mapping[tuple[str, str], float] | None = None,
) -> list[float]:
    """The rule columns (:data:`MODEL_RULE_FEATURES`) of a code's model for one segment."""
    scorer = default_scorer()
    fired = [c for c in subtree if c in item.hits]
    logit = max((scorer.logit(item.features(codebook, [c], factors)) for c in fired), default=0.0)
    features = item.features(codebook, subtree, factors)
    return [logit, 1.0 if fired else 0.0, *(features[n] for n in RULE_FEATURES)]


def codebook_hash(codebook: Codebook) -> str:
    """sha256 of what a model depends on: the codes, their parents, keywords and patterns."""
    codes = [
        [c.id, c.parent or "", list(c.keywords), list(c.exclude_keywords), json.dumps(c.patterns, sort_keys=True)]
        for c in codebook.walk()
    ]
    return hashlib.sha256(json.dumps(codes, ensure_ascii=False).encode("utf-8")).hexdigest()


@dataclass
class CodeModel:
    """The linear model of one code."""

    code: str
    intercept: float
    weights: dict[str, float]
    slope: float = 1.0
    offset: float = 0.0
    positives: int = 0
    negatives: int = 0
    cv: dict[str, Any] = field(default_factory=dict)

    @property
    def uses_rules(self) -> bool:
        return any(name.startswith(RULE_PREFIX) for name in self.weights)

    def to_json(self) -> dict[str, Any]:
        weights = sorted(self.weights.items(), key=lambda kv: (-abs(kv[1]), kv[0]))
        return {
            "positives": self.positives,
            "negatives": self.negatives,
            "cv": self.cv,
            "intercept": round(self.intercept, 4),
            "calibration": {"slope": round(self.slope, 4), "offset": round(self.offset, 4)},
            "weights": {name: round(w, 4) for name, w in weights if abs(w) >= MIN_WEIGHT},
        }


@dataclass
class LearnedModel:
    """Per-code models and where they came from."""

    codes: dict[str, CodeModel]
    codebook_hash: str = ""
    codebook: str = ""
    coders: list[str] = field(default_factory=list)
    created: str = ""
    language: str = "en"
    transcripts: list[str] = field(default_factory=list)
    min_positives: int = 0
    too_few: dict[str, int] = field(default_factory=dict)
    rules_better: dict[str, dict[str, Any]] = field(default_factory=dict)

    def to_json(self) -> dict[str, Any]:
        return {
            "format": FORMAT,
            "version": VERSION,
            "created": self.created,
            "codebook": self.codebook,
            "codebook_hash": self.codebook_hash,
            "coders": self.coders,
            "language": self.language,
            "transcripts": self.transcripts,
            "min_positives": self.min_positives,
            "codes": {code: m.to_json() for code, m in self.codes.items()},
            "too_few": self.too_few,
            "rules_better": self.rules_better,
        }

    # -- scoring -----------------------------------------------------------------------------
    def usable(self, codebook: Codebook) -> dict[str, CodeModel]:
        """The code models whose code is still in the codebook."""
        return {code: m for code, m in self.codes.items() if code in codebook.by_id}

    def probabilities(
        self,
        parsed: Sequence[ParsedSegment],
        codebook: Codebook,
        factors: Mapping[tuple[str, str], float] | None = None,
        codes: Sequence[str] | None = None,
    ) -> dict[str, np.ndarray]:
        """Code -> the calibrated score of each parsed segment (in order)."""
        models = self.usable(codebook)
        if codes is not None:
            models = {c: m for c, m in models.items() if c in set(codes)}
        if not models or not parsed:
            return {}
        order = list(models)
        vocabulary: dict[str, int] = {}
        for model in models.values():
            for name in model.weights:
                if not name.startswith(RULE_PREFIX):
                    vocabulary.setdefault(name, len(vocabulary))
        grams = gram_matrix(parsed, vocabulary)
        weights = np.zeros((len(vocabulary), len(order)))
        for j, code in enumerate(order):
            for name, w in models[code].weights.items():
                if name in vocabulary:
                    weights[vocabulary[name], j] = w
        logits = np.asarray(grams @ weights)
        result = {}
        for j, code in enumerate(order):
            model = models[code]
            z = logits[:, j] + model.intercept
            if model.uses_rules:
                subtree = codebook.descendants(code)
                rule_w = np.array([model.weights.get(RULE_PREFIX + n, 0.0) for n in MODEL_RULE_FEATURES])
                rows = np.array([model_rule_features(p, codebook, subtree, factors) for p in parsed])
                z = z + rows @ rule_w
            result[code] = 1.0 / (1.0 + np.exp(-(model.slope * z + model.offset)))
        return result

    def top_words(self, code: str, segment: ParsedSegment, limit: int = 3) -> list[tuple[str, tuple[int, int]]]:
        """The n-grams of ``segment`` that raised ``code``'s score most, with their spans."""
        model = self.codes[code]
        grams = segment.grams or {}
        value = 1.0 / math.sqrt(len(grams)) if grams else 0.0
        scored = [(model.weights[g] * value, g) for g in grams if model.weights.get(g, 0.0) > 0]
        scored.sort(key=lambda t: (-t[0], t[1]))
        return [(g, grams[g]) for _, g in scored[:limit]]


def gram_matrix(parsed: Sequence[ParsedSegment], vocabulary: Mapping[str, int]) -> sparse.csr_matrix:
    """Rows of ``1/sqrt(k)`` at the segment's known n-grams (``k``: all its distinct n-grams)."""
    rows, cols, values = [], [], []
    for i, p in enumerate(parsed):
        grams = p.grams or {}
        if not grams:
            continue
        value = 1.0 / math.sqrt(len(grams))
        for g in grams:
            j = vocabulary.get(g)
            if j is not None:
                rows.append(i)
                cols.append(j)
                values.append(value)
    return sparse.csr_matrix((values, (rows, cols)), shape=(len(parsed), len(vocabulary)))


# -- reading -----------------------------------------------------------------------------------
def read_model(path: Path, display: str | None = None) -> LearnedModel:
    """Read ``models/learned.json``; a damaged or foreign file is a :class:`ModelError`."""
    name = display or str(path)
    fix = "delete it and run `qualcode learn` to write it again"
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except UnicodeDecodeError:
        raise ModelError(f"{name}: not UTF-8 text; {fix}") from None
    except json.JSONDecodeError as exc:
        raise ModelError(f"{name}:{exc.lineno}: not valid JSON ({exc.msg}); {fix}") from None
    except OSError as exc:
        raise ModelError(f"{name}: cannot read it ({exc.strerror}); {fix}") from None
    if not isinstance(data, dict) or data.get("format") != FORMAT:
        raise ModelError(f'{name}: not a qualcode learned model (no "format": "{FORMAT}"); {fix}')
    if data.get("version") != VERSION:
        raise ModelError(f"{name}: model version {data.get('version')!r}, this qualcode reads {VERSION}; {fix}")
    try:
        codes = {}
        for code, item in dict(data.get("codes") or {}).items():
            calibration = item.get("calibration") or {}
            codes[str(code)] = CodeModel(
                str(code),
                float(item["intercept"]),
                {str(k): float(v) for k, v in dict(item["weights"]).items()},
                float(calibration.get("slope", 1.0)),
                float(calibration.get("offset", 0.0)),
                int(item.get("positives", 0)),
                int(item.get("negatives", 0)),
                dict(item.get("cv") or {}),
            )
        return LearnedModel(
            codes,
            str(data.get("codebook_hash", "")),
            str(data.get("codebook", "")),
            [str(c) for c in data.get("coders", [])],
            str(data.get("created", "")),
            str(data.get("language", "en")),
            [str(t) for t in data.get("transcripts", [])],
            int(data.get("min_positives", 0)),
            {str(k): int(v) for k, v in dict(data.get("too_few") or {}).items()},
            {str(k): dict(v) for k, v in dict(data.get("rules_better") or {}).items()},
        )
    except (KeyError, TypeError, ValueError, AttributeError) as exc:
        raise ModelError(f"{name}: a code's model is incomplete or malformed ({exc!r}); {fix}") from None
