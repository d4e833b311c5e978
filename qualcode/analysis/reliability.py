"""Inter-coder reliability statistics over *reliability data*: pure functions, no project.

Reliability data is a list of units, each a list holding one value per coder, ``None`` where
that coder gave no value (missing data). Percent agreement and Cohen's kappa (two coders) are
the usual ones; Krippendorff's alpha (nominal) uses the coincidence-matrix method, so any
number of coders and missing values are allowed, and its confidence interval is a percentile
bootstrap over units (seeded, reproducible). A statistic without a value for the data raises
:class:`~qualcode.errors.UndefinedStatistic` saying why.
"""

from __future__ import annotations

from collections.abc import Hashable, Sequence

import numpy as np

from qualcode.errors import UndefinedStatistic as Undefined

Units = Sequence[Sequence[Hashable | None]]
NO_PAIRS = "no unit has values from two or more coders"
ONE_VALUE = "every value is the same, so there is no variation to measure"


def coded(units: Units, categories: Sequence[Hashable] | None = None) -> tuple[np.ndarray, list[Hashable]]:
    """The units as an array (units x coders) of category indices, -1 where a value is missing,
    and the categories (given, or in order of appearance). Every statistic below works on it."""
    if categories is None:
        categories = list(dict.fromkeys(v for unit in units for v in unit if v is not None))
    index = {c: i for i, c in enumerate(categories)}
    width = max((len(unit) for unit in units), default=0)
    array = np.full((len(units), width), -1, dtype=np.int64)
    for u, unit in enumerate(units):
        array[u, : len(unit)] = [-1 if v is None else index[v] for v in unit]
    return array, list(categories)


def value_counts(array: np.ndarray, k: int) -> np.ndarray:
    """How often each unit got each category (units x K)."""
    counts = np.zeros((len(array), k))
    units, _coders = np.nonzero(array >= 0)
    np.add.at(counts, (units, array[array >= 0]), 1)
    return counts


def percent_agreement(units: Units) -> float:
    """Percent (0-100) of agreeing coder pairs among all pairs of coders who both coded a unit.

    With two coders and no missing data this is the share of units they agree on.
    """
    array, categories = coded(units)
    return percent_agreement_of(value_counts(array, len(categories)))


def percent_agreement_of(counts: np.ndarray) -> float:
    """:func:`percent_agreement` from the units' category counts."""
    m = counts.sum(axis=1)
    pairs = float((m * (m - 1) / 2).sum())
    if not pairs:
        raise Undefined(NO_PAIRS)
    return 100.0 * float((counts * (counts - 1) / 2).sum()) / pairs


def cohen_kappa(units: Units) -> float:
    """Cohen's kappa of exactly two coders, over the units both coded."""
    if any(len(unit) != 2 for unit in units):
        raise ValueError("Cohen's kappa compares exactly two coders")
    array, categories = coded(units)
    return cohen_kappa_of(array.reshape(len(units), 2), len(categories))


def cohen_kappa_of(array: np.ndarray, k: int) -> float:
    """:func:`cohen_kappa` from the coded array of two coders."""
    both = array[(array >= 0).all(axis=1)]
    n = len(both)
    if not n:
        raise Undefined(NO_PAIRS)
    first, second = np.bincount(both[:, 0], minlength=k), np.bincount(both[:, 1], minlength=k)
    chance = int((first * second).sum())  # expected agreement times n**2
    if chance == n * n:
        raise Undefined(ONE_VALUE)
    observed = int((both[:, 0] == both[:, 1]).sum()) / n
    expected = chance / (n * n)
    return (observed - expected) / (1 - expected)


def coincidence_rows(units: Units, categories: Sequence[Hashable] | None = None) -> np.ndarray:
    """Each unit's contribution to the coincidence matrix (units x K x K).

    A unit with m >= 2 values adds every ordered pair of values from different coders, weighted
    1/(m-1); units with fewer than two values add nothing.
    """
    array, found = coded(units, categories)
    return coincidence_rows_of(value_counts(array, len(found)))


def coincidence_rows_of(counts: np.ndarray) -> np.ndarray:
    """:func:`coincidence_rows` from the units' category counts."""
    m = counts.sum(axis=1)
    weight = np.divide(1.0, m - 1, out=np.zeros_like(m), where=m >= 2)
    pairs = np.einsum("uk,ul->ukl", counts, counts) - counts[:, :, None] * np.eye(counts.shape[1])
    return pairs * weight[:, None, None]


def _alphas(matrices: np.ndarray) -> np.ndarray:
    """Nominal alpha of each coincidence matrix in a stack (... x K x K); NaN where undefined."""
    n_c = matrices.sum(axis=-1)
    n = n_c.sum(axis=-1)
    expected = n * n - (n_c**2).sum(axis=-1)  # sum of n_c * n_k over c != k
    observed = n - np.trace(matrices, axis1=-2, axis2=-1)  # sum of o_ck over c != k
    defined = expected > 1e-9 * np.maximum(n * n, 1)
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.where(defined, 1 - (n - 1) * observed / np.where(defined, expected, 1), np.nan)


def krippendorff_alpha(units: Units, categories: Sequence[Hashable] | None = None) -> float:
    """Krippendorff's alpha for nominal data: 1 - observed / expected disagreement."""
    return krippendorff_alpha_of(coincidence_rows(units, categories))


def krippendorff_alpha_of(rows: np.ndarray) -> float:
    """:func:`krippendorff_alpha` from the units' coincidence rows."""
    matrix = rows.sum(axis=0)
    if matrix.sum() <= 0:
        raise Undefined(NO_PAIRS)
    alpha = float(_alphas(matrix))
    if np.isnan(alpha):
        raise Undefined(ONE_VALUE)
    return alpha


def bootstrap_alphas(rows: np.ndarray, samples: int, seed: int) -> np.ndarray:
    """Alpha of ``samples`` resamples (with replacement) of the units behind ``rows``.

    ``rows`` are per-unit coincidence contributions (see :func:`coincidence_rows`); units
    without pairable values are left out before resampling. Undefined replicates are NaN. The
    same ``seed`` and data always give the same replicates.
    """
    return bootstrap_alphas_many([rows], samples, seed)[0]


def bootstrap_alphas_many(stacks: Sequence[np.ndarray], samples: int, seed: int) -> list[np.ndarray]:
    """:func:`bootstrap_alphas` of each of ``stacks``, sharing the random draws where they can.

    Each result equals ``bootstrap_alphas(stack, samples, seed)``: the draws depend only on the
    seed, the number of pairable units and the number of categories, so stacks alike in both
    (every code of one comparison) are resampled together. A resample is one row of unit counts
    (how often each unit was drawn), and its coincidence matrix is those counts times the
    unit rows: one matrix product per chunk of resamples instead of summing drawn copies.
    """
    out: list[np.ndarray] = [np.full(max(samples, 0), np.nan) for _ in stacks]
    batches: dict[tuple[int, int], list[int]] = {}
    kept = []
    for i, rows in enumerate(stacks):
        rows = rows[rows.sum(axis=(1, 2)) > 0]
        kept.append(rows.reshape(len(rows), -1))
        if samples > 0 and len(rows):
            batches.setdefault((len(rows), rows.shape[1]), []).append(i)
    for (size, k), members in batches.items():
        flat = np.concatenate([kept[i] for i in members], axis=1)  # units x (stacks * K * K)
        rng = np.random.default_rng(seed)
        # The chunking of the draws is the one the first implementation used, so the same seed
        # gives the same resamples as always.
        chunk = max(1, 4_000_000 // (k * k) // size)
        parts = []
        for start in range(0, samples, chunk):
            n = min(chunk, samples - start)
            picks = rng.integers(0, size, size=(n, size))
            offsets = (np.arange(n) * size)[:, None]
            drawn = np.bincount((picks + offsets).ravel(), minlength=n * size).reshape(n, size)
            parts.append(drawn.astype(float) @ flat)
        matrices = np.concatenate(parts).reshape(samples, len(members), k, k)
        for j, i in enumerate(members):
            out[i] = _alphas(matrices[:, j])
    return out


def percentile_interval(replicates: np.ndarray, level: float = 0.95) -> tuple[float, float] | None:
    """The central ``level`` percentile interval of the defined replicates, or None."""
    defined = replicates[~np.isnan(replicates)]
    if not len(defined):
        return None
    tail = (100 - 100 * level) / 2
    low, high = np.percentile(defined, [tail, 100 - tail])
    return float(low), float(high)
