"""Reconciling two coders into a third coder: an ordinary coder file.

:func:`plan_reconciliation` compares the two coders on the transcripts both covered (marked done
or coded at least once): codes both gave a segment are *agreed* and always copied; a segment
where their codes differ is a :class:`Dispute` to decide. :func:`apply_reconciliation` writes the
merged coder in one store transaction: agreed codings, the decided disputes, and a done mark for
every shared transcript that *both* coders had marked done and that has no dispute left (a
transcript only one of them finished is reconciled but not marked done: uncoded segments there
would wrongly read as "code absent"). Each decision is logged (action ``reconcile``), so
running the same reconciliation again skips what was already decided and continues.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from qualcode.codebook.model import Codebook
from qualcode.coding import filecache
from qualcode.coding.anchoring import anchor_for
from qualcode.coding.records import Coding, DoneMark, coder_slug, now
from qualcode.coding.resolve import load_codings
from qualcode.coding.store import CodingStore
from qualcode.common.didyoumean import hint
from qualcode.errors import InputError, ReconcileError, StoreError, UnknownCodeError
from qualcode.study.corpus import Corpus
from qualcode.study.segment import Segment

CHOICES = "1, 2, b (both), n (neither), a comma list of codes, or q (quit)"


@dataclass(frozen=True)
class Dispute:
    """A segment the two coders coded differently."""

    segment: Segment
    case: str | None
    given: dict[str, frozenset[str]]  # coder -> codes, for both coders in order

    @property
    def agreed(self) -> frozenset[str]:
        first, second = self.given.values()
        return first & second

    @property
    def disputed(self) -> frozenset[str]:
        first, second = self.given.values()
        return first ^ second


@dataclass
class Plan:
    """What a reconciliation of ``coders`` into ``into`` will copy and must decide."""

    coders: tuple[str, str]
    into: str
    agreed: list[tuple[Segment, str]]  # (segment, code) both coders gave
    disputes: list[Dispute]  # still to decide, in reading order
    transcripts: list[str]  # covered by both coders
    single: list[str]  # covered by only one coder: left out
    decided_before: set[str] = field(default_factory=set)  # segment ids decided in an earlier run
    resume: bool = False
    finished: dict[str, list[str]] = field(default_factory=dict)  # shared transcript -> coders who marked it done


@dataclass
class Outcome:
    """What :func:`apply_reconciliation` wrote."""

    copied: int
    decided: int
    remaining: int
    done: list[str]  # marked done by this run
    path: str
    not_done: dict[str, str] = field(default_factory=dict)  # shared transcript -> why it is not done


def _decided_segments(store: CodingStore, coders: tuple[str, str], into: str) -> tuple[bool, set[str]]:
    """(resuming?, segments decided earlier) from the ``into`` coder's audit log."""
    if not store.path_for(into).exists():
        return False, set()
    entries = store.read_log(into)
    mine = [e for e in entries if e.get("coders") == list(coders)]
    starts = [i for i, e in enumerate(mine) if e.get("action") == "reconcile_start"]
    if not starts:
        raise ReconcileError(
            f"coder '{into}' already has codings ({store.display(store.path_for(into))}) that are not a "
            f"reconciliation of {coders[0]} and {coders[1]}; choose another --into name"
        )
    return True, {e["segment"] for e in mine[starts[-1] :] if e.get("action") == "reconcile"}


def plan_reconciliation(
    store: CodingStore, corpus: Corpus, codebook: Codebook, coders: Sequence[str], into: str
) -> Plan:
    """Compare two coders on the transcripts both covered; see :class:`Plan`."""
    if len(coders) != 2:
        raise ValueError("reconciliation merges exactly two coders")
    codings = load_codings(store, corpus, codebook, coders)
    first, second = pair = (codings.coders[0], codings.coders[1])
    if coder_slug(into) in {coder_slug(first), coder_slug(second)}:
        raise ReconcileError(
            f"--into '{into}' is one of the compared coders; name a new coder, e.g. --into {first}-{second}"
        )
    resume, decided = _decided_segments(store, pair, into)
    both = codings.covered(first) & codings.covered(second)
    given: dict[tuple[str, str], set[str]] = {}
    for coding in codings.codings:
        given.setdefault((coding.coder, coding.segment), set()).add(coding.code)
    agreed, disputes = [], []
    for segment in corpus.segments:
        if segment.transcript not in both:
            continue
        codes = {coder: frozenset(given.get((coder, segment.id), ())) for coder in pair}
        agreed += [(segment, code) for code in sorted(codes[first] & codes[second])]
        if codes[first] != codes[second] and segment.id not in decided:
            disputes.append(Dispute(segment, corpus.case_of(segment.transcript), codes))
    single = sorted((codings.covered(first) | codings.covered(second)) - both)
    finished = {t: [c for c in pair if t in codings.done.get(c, ())] for t in sorted(both)}
    return Plan(pair, into, agreed, disputes, sorted(both), single, decided, resume, finished)


def parse_choice(answer: str, dispute: Dispute, codebook: Codebook | None) -> frozenset[str] | None:
    """The codes to keep on the segment for an answer; None means quit.

    ``1``/``2``: the first/second coder's codes; ``b``: both coders' codes; ``n``: only the
    agreed ones; ``code_a, code_b``: the agreed codes plus these (any codebook codes).
    """
    text = answer.strip()
    first, second = dispute.given.values()
    simple = {"1": first, "2": second, "b": first | second, "n": dispute.agreed, "q": None}
    if text.casefold() in simple:
        return simple[text.casefold()]
    codes = [c.strip() for c in text.split(",") if c.strip()]
    if not codes:
        raise InputError(f"no answer; type {CHOICES}")
    unknown = [c for c in codes if codebook is None or c not in codebook]
    if unknown:
        known = codebook.by_id if codebook is not None else {}
        raise UnknownCodeError(f"no code '{unknown[0]}'{hint(unknown[0], known)}; type {CHOICES}")
    return dispute.agreed | frozenset(codes)


def _memo(coders: tuple[str, str], gave: Sequence[str]) -> str:
    if len(gave) == 2:
        how = "both coded it"
    elif gave:
        how = f"kept from {gave[0]}"
    else:
        how = "added in reconciliation"
    return f"reconciled from {coders[0]} and {coders[1]}: {how}"


def apply_reconciliation(
    store: CodingStore, corpus: Corpus, plan: Plan, decisions: Mapping[str, tuple[frozenset[str], str]]
) -> Outcome:
    """Write the merged coder: agreed codings, ``decisions`` (segment id -> (codes, answer)), done marks."""
    coders = plan.coders
    copied = 0
    open_transcripts = {d.segment.transcript for d in plan.disputes if d.segment.id not in decisions}
    with store.transaction(plan.into) as current:
        name = current.coder or plan.into

        def add(segment: Segment, code: str, gave: Sequence[str]) -> bool:
            if (segment.id, code) in current.codings:
                return False
            anchor = anchor_for(segment, corpus.by_id[segment.transcript].text)
            memo = _memo(coders, gave)
            current.codings[(segment.id, code)] = Coding(
                segment.transcript, segment.id, code, name, "manual", now(), memo, anchor
            )
            current.record(
                "code", transcript=segment.transcript, segment=segment.id, code=code, source="manual", memo=memo
            )
            return True

        if not plan.resume:
            current.record("reconcile_start", coders=list(coders))
        for segment, code in plan.agreed:
            copied += add(segment, code, coders)
        for dispute in plan.disputes:
            if dispute.segment.id not in decisions:
                continue
            kept, answer = decisions[dispute.segment.id]
            for code in sorted(kept):
                add(dispute.segment, code, [c for c in coders if code in dispute.given[c]])
            current.record(
                "reconcile",
                transcript=dispute.segment.transcript,
                segment=dispute.segment.id,
                coders=list(coders),
                answer=answer,
                kept=sorted(kept),
                gave={c: sorted(v) for c, v in dispute.given.items()},
            )
        done, not_done = [], {}
        for transcript in plan.transcripts:
            finished = plan.finished.get(transcript, [])
            if len(finished) < 2:
                not_done[transcript] = f"only {finished[0]} had finished" if finished else "neither had finished"
            elif transcript in open_transcripts:
                not_done[transcript] = "disagreements left to decide"
            elif transcript not in current.done:
                done.append(transcript)
                current.done[transcript] = DoneMark(transcript, name, now())
                current.record("done", transcript=transcript)
    remaining = len(plan.disputes) - sum(d.segment.id in decisions for d in plan.disputes)
    path = store.display(store.path_for(plan.into))
    return Outcome(copied, len(plan.disputes) - remaining, remaining, done, path, not_done)


def done_summary(outcome: Outcome) -> str:
    """``marked done: T1, T2; not done (only ana had finished): T3`` (transcripts grouped by reason)."""
    parts = [f"marked done: {', '.join(outcome.done)}"] if outcome.done else []
    reasons: dict[str, list[str]] = {}
    for transcript, reason in outcome.not_done.items():
        reasons.setdefault(reason, []).append(transcript)
    parts += [f"not done ({reason}): {', '.join(ids)}" for reason, ids in reasons.items()]
    return "; ".join(parts)


def keep_all(plan: Plan, union: bool) -> dict[str, tuple[frozenset[str], str]]:
    """Decide every dispute without asking: keep the union (``b``) or only the agreed codes (``n``)."""
    answer = "b" if union else "n"
    decisions = {}
    for dispute in plan.disputes:
        kept = parse_choice(answer, dispute, None)
        assert kept is not None  # only "q" gives None
        decisions[dispute.segment.id] = (kept, answer)
    return decisions


_MEMO_PREFIX = "reconciled from "


def reconciled_coders(store: CodingStore) -> dict[str, tuple[str, ...]]:
    """Coders made by ``qualcode reconcile`` -> the two coders they were reconciled from.

    Read from the audit log (the ``reconcile_start`` entry a reconciliation writes first); a
    coder file without its log counts when every coding carries the memo reconcile gives it
    (``reconciled from ana and ben: ...``).
    """
    found: dict[str, tuple[str, ...]] = {}
    try:
        entries = store.read_log()
    except StoreError:  # a damaged audit log is reported by `check`; the memos still tell
        entries = []
    for entry in entries:
        if entry.get("action") == "reconcile_start" and isinstance(entry.get("coders"), list) and entry.get("coder"):
            found[str(entry["coder"])] = tuple(str(c) for c in entry["coders"])
    for file in filecache.read_all(store):  # (a read: the cached parse will do)
        memos = [c.memo or "" for c in file.codings.values()]
        if file.coder in found or not memos or not all(m.startswith(_MEMO_PREFIX) and ":" in m for m in memos):
            continue
        sources = memos[0][len(_MEMO_PREFIX) :].split(":", 1)[0].split(" and ")
        if len(sources) == 2:
            found[file.coder] = tuple(s.strip() for s in sources)
    return found
