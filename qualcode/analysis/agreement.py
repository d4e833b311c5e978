"""Inter-coder agreement of a project's coders: per code, per exclusive group, and pooled.

:func:`compare` applies the statistics of :mod:`qualcode.analysis.reliability` to a
:class:`CodingTable` (who gave which codes to which segment): per code as presence/absence, per
``exclusive`` group with the group's children as categories, and pooled across codes.
:func:`build_table` makes that table from resolved codings: the units are the segments of coded
speakers in transcripts a compared coder covered (marked done or coded at least once); a coder
who did not cover a transcript has missing data there, not "absent".
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass
from functools import cached_property
from typing import Any

import numpy as np

from qualcode.analysis.reliability import (
    bootstrap_alphas,
    bootstrap_alphas_many,
    coded,
    cohen_kappa,
    cohen_kappa_of,
    coincidence_rows,
    coincidence_rows_of,
    krippendorff_alpha,
    krippendorff_alpha_of,
    percent_agreement,
    percent_agreement_of,
    percentile_interval,
    value_counts,
)
from qualcode.codebook.model import Codebook
from qualcode.coding.resolve import CodingSet
from qualcode.errors import AnalysisError, InputError
from qualcode.errors import UndefinedStatistic as Undefined
from qualcode.study.corpus import Corpus

__all__ = [
    "NONE",
    "CodingTable",
    "Comparison",
    "Undefined",
    "bootstrap_alphas",
    "build_table",
    "code_members",
    "coincidence_rows",
    "cohen_kappa",
    "compare",
    "disagreement_list",
    "disagreements",
    "exclusive_groups",
    "group_values",
    "krippendorff_alpha",
    "percent_agreement",
    "percentile_interval",
    "prepare",
    "presence",
    "report_section",
]

RARE_SHARE = 0.05  # note a code's interval when this share of bootstrap resamples had no variation
NONE = "(none)"  # the category of a segment carrying none of an exclusive group's codes
STAT_KEYS = ("percent_agreement", "kappa", "alpha", "alpha_ci", "units", "coders")
GROUP_KEYS = ("alpha", "alpha_ci", "units")


@dataclass(frozen=True)
class CodingTable:
    """Which codes each coder gave each unit; ``None`` where the coder did not cover the unit."""

    coders: list[str]
    units: list[str]
    values: list[list[frozenset[str] | None]]  # per unit, one entry per coder

    @property
    def shared(self) -> int:
        """How many units two or more coders covered (the units statistics use)."""
        return sum(sum(v is not None for v in row) >= 2 for row in self.values)

    @cached_property
    def _absent(self) -> list[tuple[bool | None, ...]]:
        """Per unit and coder: False where the coder covered the unit, None where not."""
        return [tuple(None if v is None else False for v in row) for row in self.values]

    @cached_property
    def _absent_array(self) -> np.ndarray:
        """:attr:`_absent` coded: 0 where the coder covered the unit, -1 where not."""
        array = np.array([[-1 if v is None else 0 for v in row] for row in self.values], dtype=np.int64)
        return array.reshape(len(self.values), len(self.coders))

    @cached_property
    def _given_at(self) -> dict[str, list[tuple[int, int]]]:
        """Code -> the (unit, coder) positions where it was given: one pass for every code."""
        where: dict[str, list[tuple[int, int]]] = defaultdict(list)
        for u, row in enumerate(self.values):
            for c, given in enumerate(row):
                for code in given or ():
                    where[code].append((u, c))
        return where


def presence_array(table: CodingTable, members: Collection[str]) -> np.ndarray:
    """:func:`presence` as a coded array (see :func:`~qualcode.analysis.reliability.coded`):
    1 where the coder gave one of ``members``, 0 where the coder covered the unit without, -1
    where the coder did not cover it."""
    out = table._absent_array.copy()
    for code in set(members):
        where = table._given_at.get(code)
        if where:
            units, coders = zip(*where, strict=True)
            out[list(units), list(coders)] = 1
    return out


def presence(table: CodingTable, members: Collection[str]) -> list[tuple[bool | None, ...]]:
    """Per unit and coder: did the coder give any of ``members`` (None = missing)?"""
    out = list(table._absent)  # shared rows; a unit with the code gets a row of its own
    for code in set(members):
        for u, c in table._given_at.get(code, ()):
            out[u] = (*out[u][:c], True, *out[u][c + 1 :])
    return out


def group_values(
    table: CodingTable, children: Mapping[str, Collection[str]]
) -> tuple[list[list[str | None]], list[tuple[str, str, list[str]]]]:
    """Per unit and coder: the one child of an exclusive group given, or :data:`NONE`.

    ``children`` maps each child to the codes that count as it (itself and its descendants).
    A coder giving several children is an error: returned as ``(unit, coder, children)`` and
    treated as missing for that coder.
    """
    rows: list[list[str | None]] = []
    conflicts: list[tuple[str, str, list[str]]] = []
    for unit, row in zip(table.units, table.values):
        out: list[str | None] = []
        for coder, given in zip(table.coders, row):
            hits = [] if given is None else [c for c, members in children.items() if given & set(members)]
            if given is None or len(hits) > 1:
                out.append(None)
                if len(hits) > 1:
                    conflicts.append((unit, coder, hits))
            else:
                out.append(hits[0] if hits else NONE)
        rows.append(out)
    return rows, conflicts


def _constant_note(label: str, stats: str, values: set, n: int, presence_data: bool) -> str:
    if presence_data:
        what = ("every coder applied it to all" if True in values else "no coder applied it to any") + f" of the {n}"
    else:
        what = f"every coder gave '{next(iter(values))}' to all {n}"
    return f"{label}: {stats} undefined: {what} segments coded by two or more coders"


def _describe(
    label: str,
    array: np.ndarray,
    categories: Sequence,
    kappa: bool,
    bootstrap: int,
    seed: int,
    presence_data: bool,
    rows: np.ndarray | None = None,
    replicates: np.ndarray | None = None,
) -> tuple[dict[str, Any], np.ndarray, list[str]]:
    """Every statistic of one variable, given as a coded array (units x coders, category
    indices, -1 where missing): (figures, coincidence rows, notes on undefined ones).

    ``rows`` and ``replicates``, when given, are this variable's coincidence rows and bootstrap
    replicates computed already (the caller resamples every code in one go).
    """
    counts = value_counts(array, len(categories))
    pairable = counts.sum(axis=1) >= 2
    n = int(pairable.sum())
    result: dict[str, Any] = {
        "percent_agreement": None,
        "kappa": None,
        "alpha": None,
        "alpha_ci": None,
        "units": n,
        "coders": int((array[pairable] >= 0).any(axis=0).sum()) if n else 0,
    }
    if rows is None:
        rows = coincidence_rows_of(counts)
    if not n:
        return result, rows, []  # one note for the whole comparison, made by the caller
    result["percent_agreement"] = percent_agreement_of(counts[pairable])
    values = {categories[int(i)] for i in np.nonzero(counts[pairable].sum(axis=0))[0]}
    if len(values) == 1:
        return (
            result,
            rows,
            [_constant_note(label, "kappa and alpha" if kappa else "alpha", values, n, presence_data)],
        )
    if kappa:
        result["kappa"] = cohen_kappa_of(array[pairable], len(categories))
    result["alpha"] = krippendorff_alpha_of(rows)
    notes = []
    if bootstrap > 0:
        if replicates is None:
            replicates = bootstrap_alphas(rows, bootstrap, seed)
        result["alpha_ci"] = percentile_interval(replicates)
        dropped = int(np.isnan(replicates).sum())
        if result["alpha_ci"] is None:
            notes.append(f"{label}: alpha_ci undefined: no bootstrap resample had variation")
        elif dropped >= RARE_SHARE * bootstrap:
            notes.append(
                f"{label}: {dropped} of {bootstrap} bootstrap resamples had no variation and were left out; "
                "alpha_ci is rough for a code this rare"
            )
    return result, rows, notes


def _rounded(value):
    if isinstance(value, float):
        return round(value, 4)
    if isinstance(value, tuple):
        return [round(v, 4) for v in value]
    return value


def compare(
    table: CodingTable,
    codes: Mapping[str, Collection[str]],
    groups: Mapping[str, Mapping[str, Collection[str]]] | None = None,
    bootstrap: int = 1000,
    seed: int = 1,
) -> dict:
    """Agreement figures as the ``qualcode agree --format json`` contract.

    ``codes`` maps each reported code to the codes that count as its presence; ``groups`` maps
    each exclusive group to its children (see :func:`group_values`).
    """
    two = len(table.coders) == 2
    notes: list[str] = []
    if not two:
        notes.append(f"kappa is defined for exactly two coders ({len(table.coders)} compared); see alpha")
    if not table.shared:
        notes.append(
            "no segment was coded by two or more of the compared coders, so every statistic is undefined; "
            "a coder covers a transcript by coding it or marking it done (`qualcode done`)"
        )
    if bootstrap > 0:
        notes.append(
            f"alpha_ci: 95% percentile interval of {bootstrap} bootstrap resamples of segments (seed {seed}); "
            "resamples without variation are left out"
        )
    else:
        notes.append("alpha_ci: not computed (--bootstrap 0)")
    per_code, pooled_units = {}, []
    code_units = {code_id: presence_array(table, members) for code_id, members in codes.items()}
    pooled_rows = [coincidence_rows_of(value_counts(units, 2)) for units in code_units.values()]
    # Every code (and the pooled figure) resamples the same segments: draw them once for all.
    stacks = [*pooled_rows, np.sum(pooled_rows, axis=0)] if pooled_rows else []
    replicates = bootstrap_alphas_many(stacks, bootstrap, seed) if bootstrap > 0 else []
    for i, (code_id, units) in enumerate(code_units.items()):
        per_code[code_id], _, found = _describe(
            f"code '{code_id}'",
            units,
            (False, True),
            two,
            bootstrap,
            seed,
            True,
            pooled_rows[i],
            replicates[i] if replicates else None,
        )
        notes += found
        pooled_units.append(units)
    out_groups = {}
    for group_id, children in (groups or {}).items():
        categories, conflicts = group_values(table, children)
        for unit, coder, hits in conflicts:
            notes.append(
                f"error: group '{group_id}' is exclusive but {coder} gave {unit} {len(hits)} of its codes "
                f"({', '.join(hits)}); counted as missing for {coder}. Keep one of them"
            )
        labels = [*children, NONE]
        figures, _, found = _describe(
            f"group '{group_id}'", coded(categories, labels)[0], labels, False, bootstrap, seed, False
        )
        out_groups[group_id] = {k: _rounded(figures[k]) for k in GROUP_KEYS}
        notes += found
    pooled_replicates = replicates[-1] if replicates else None
    units = np.concatenate(pooled_units) if pooled_units else np.zeros((0, len(table.coders)), dtype=np.int64)
    pooled = (units, np.concatenate(pooled_rows) if pooled_rows else None, pooled_replicates)
    overall = _overall(per_code, pooled, two, bootstrap, seed, notes)
    out_codes = {c: {k: _rounded(f[k]) for k in STAT_KEYS} for c, f in per_code.items()}
    return {
        "coders": list(table.coders),
        "units": len(table.units),
        "codes": out_codes,
        "groups": out_groups,
        "overall": overall,
        "notes": notes,
    }


def _overall(
    per_code: dict,
    pooled_data: tuple[np.ndarray, np.ndarray | None, np.ndarray | None],
    two: bool,
    bootstrap: int,
    seed: int,
    notes: list[str],
) -> dict:
    """Pooled figures over every (segment, code) decision, and means of the per-code figures."""
    units, rows, replicates = pooled_data  # every code's units, coincidence rows, and the resampled alphas
    pooled: dict = {
        "percent_agreement": None,
        "kappa": None,
        "alpha": None,
        "alpha_ci": None,
        "decisions": int(((units >= 0).sum(axis=1) >= 2).sum()),
        "codes": len(per_code),
    }
    if pooled["decisions"]:
        figures, _, _ = _describe("pooled", units, (False, True), two, 0, seed, True, rows)
        pooled.update({k: figures[k] for k in ("percent_agreement", "kappa", "alpha")})
        if figures["alpha"] is not None and bootstrap > 0 and replicates is not None:
            # Resampled segments keep all codes of a segment together (rows summed over codes).
            pooled["alpha_ci"] = percentile_interval(replicates)
    if pooled["decisions"] and pooled["alpha"] is None:
        stats = "kappa and alpha" if two else "alpha"
        notes.append(f"overall pooled: {stats} undefined: every (segment, code) decision has the same value")
    mean: dict = {}
    for key in ("percent_agreement", "kappa", "alpha"):
        values = [f[key] for f in per_code.values() if f[key] is not None]
        mean[key] = float(np.mean(values)) if values else None
        if values and len(values) < len(per_code):
            notes.append(f"overall mean {key} is over the {len(values)} of {len(per_code)} codes where it is defined")
    mean["codes"] = len(per_code)
    return {"pooled": {k: _rounded(v) for k, v in pooled.items()}, "mean": {k: _rounded(v) for k, v in mean.items()}}


def disagreements(table: CodingTable, codes: Mapping[str, Collection[str]]) -> list[dict]:
    """Units where the coders who covered them gave different codes (among ``codes``).

    Each: ``{"segment", "codes": {coder: [code, ...]}, "disputed": [code, ...]}``; coders who did
    not cover the unit are left out; codes follow the order of ``codes``.
    """
    out = []
    for unit, row in zip(table.units, table.values):
        given = {
            coder: [c for c, members in codes.items() if v & set(members)]
            for coder, v in zip(table.coders, row)
            if v is not None
        }
        if len(given) < 2:
            continue
        sets = [set(v) for v in given.values()]
        disputed = set[str]().union(*sets) - sets[0].intersection(*sets[1:])
        if disputed:
            out.append({"segment": unit, "codes": given, "disputed": [c for c in codes if c in disputed]})
    return out


def build_table(corpus: Corpus, codings: CodingSet, coders: Sequence[str]) -> CodingTable:
    """Units: non-skipped segments of transcripts any of ``coders`` covered, in reading order."""
    covered = {coder: codings.covered(coder) for coder in coders}
    given: dict[tuple[str, str], set[str]] = defaultdict(set)
    for coding in codings.for_coders(coders):
        given[(coding.coder, coding.segment)].add(coding.code)
    segments = [s for s in corpus.coded_segments() if any(s.transcript in t for t in covered.values())]
    values = [
        [frozenset(given.get((c, s.id), ())) if s.transcript in covered[c] else None for c in coders] for s in segments
    ]
    return CodingTable(list(coders), [s.id for s in segments], values)


def code_members(book: Codebook, table: CodingTable, code_ids: Sequence[str], level: str) -> dict[str, set[str]]:
    """Reported code -> codes counting as its presence.

    ``all``: each code exactly as coded (a parent does not include its children). ``top``: each
    top-level code with all its descendants. Without ``code_ids``: the codes any coder used.
    """
    book.codes_at(level)  # an unknown level is an error
    for code_id in code_ids:
        book.get(code_id)  # raises with did-you-mean
    if level == "all":
        used = set().union(*(v for row in table.values for v in row if v))
        ids = list(dict.fromkeys(code_ids)) or [c.id for c in book.walk() if c.id in used]
        return {c: {c} for c in ids}
    for code_id in code_ids:
        if book.depth(code_id):
            top = book.top_level(code_id)
            raise InputError(
                f"--level top compares top-level codes; '{code_id}' is under '{top}': use --code {top}, or --level all"
            )
    members = {c.id: set(book.descendants(c.id)) for c in book.codes}
    if code_ids:
        return {c: members[c] for c in dict.fromkeys(code_ids)}
    return {c: m for c, m in members.items() if any(v & m for row in table.values for v in row if v)}


def exclusive_groups(book: Codebook, code_ids: Sequence[str] = ()) -> dict[str, dict[str, set[str]]]:
    """Exclusive codes (all, or those named in ``code_ids``) -> child -> its codes."""
    return {
        code.id: {child.id: set(book.descendants(child.id)) for child in code.children}
        for code in book.walk()
        if code.exclusive and (not code_ids or code.id in code_ids)
    }


@dataclass
class Comparison:
    """What a command needs: the table and the selected codes and groups."""

    table: CodingTable
    codes: dict[str, set[str]]
    groups: dict[str, dict[str, set[str]]]


def prepare(
    codings: CodingSet, corpus: Corpus, codebook: Codebook, code_ids: Sequence[str] = (), level: str = "all"
) -> Comparison:
    """The table of the coders in ``codings`` and the selected codes; needs two or more coders."""
    names = list(dict.fromkeys(codings.coders))
    if len(names) < 2:
        have = ", ".join(names) or "nobody yet"
        raise AnalysisError(
            f"agreement needs two or more coders; codings by: {have}. "
            "Have a second coder code the same transcripts (qualcode code ... --coder NAME --new-coder)"
        )
    table = build_table(corpus, codings, names)
    return Comparison(table, code_members(codebook, table, code_ids, level), exclusive_groups(codebook, code_ids))


def disagreement_list(corpus: Corpus, found: Comparison) -> list[dict[str, Any]]:
    """:func:`disagreements` with each segment's transcript, case, speaker and text."""
    out = []
    for item in disagreements(found.table, found.codes):
        segment = corpus.segment_index[item["segment"]]
        out.append(
            {
                "segment": segment.id,
                "transcript": segment.transcript,
                "case": corpus.case_of(segment.transcript),
                "speaker": segment.speaker,
                "codes": item["codes"],
                "disputed": item["disputed"],
                "text": segment.text,
            }
        )
    return out


def report_section(
    codings: CodingSet, corpus: Corpus, codebook: Codebook, level: str = "all", bootstrap: int = 1000, seed: int = 1
) -> dict[str, Any] | None:
    """Plain data for the HTML report's agreement section, or None with fewer than two coders.

    ``{"coders": [...], "units": N, "shared": units coded by two or more coders, "rows": [{"code",
    "path", "label", "depth", "percent_agreement", "kappa", "alpha", "alpha_ci", "units",
    "coders"}], "groups": [{"group", "label", "alpha", "alpha_ci", "units"}], "overall": {...}
    (as in the JSON), "disagreements": [...] (as :func:`disagreement_list`), "notes": [...]}``
    """
    if len(dict.fromkeys(codings.coders)) < 2:
        return None
    found = prepare(codings, corpus, codebook, (), level)
    figures = compare(found.table, found.codes, found.groups, bootstrap, seed)
    rows = [
        {
            "code": c,
            "path": codebook.path_of(c),
            "label": codebook.by_id[c].name,
            "depth": codebook.depth(c) if level == "all" else 0,
            **f,
        }
        for c, f in figures["codes"].items()
    ]
    groups = [{"group": g, "label": codebook.by_id[g].name, **f} for g, f in figures["groups"].items()]
    return {
        "coders": figures["coders"],
        "units": figures["units"],
        "shared": found.table.shared,
        "rows": rows,
        "groups": groups,
        "overall": figures["overall"],
        "disagreements": disagreement_list(corpus, found),
        "notes": figures["notes"],
    }
