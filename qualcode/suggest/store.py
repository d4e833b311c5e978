"""Pending suggestions and coders' review decisions, as JSON lines under ``suggestions/``.

Layout (plain text, diff-friendly, committed with the project)::

    suggestions/pending.jsonl             suggestions saved by `qualcode suggest --save`
    suggestions/decisions/<coder>.jsonl   one coder's accept/reject decisions, oldest first
    suggestions/.lock                     inter-process lock (not committed)

A decision names a (segment id, code id) and keeps the rule names of its evidence, so
:func:`rule_stats` can tell how often each rule's suggestions were accepted. Pending
suggestions and decisions whose segment no longer exists are left out when read, never an
error. Every write happens under the lock and replaces the file atomically.
"""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Callable, Collection, Container, Iterable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from qualcode.coding.records import coder_slug, now
from qualcode.common.jsonlines import read_text
from qualcode.common.storage import atomic_write, locked
from qualcode.errors import Problem, StoreError
from qualcode.suggest.records import Evidence, Suggestion

DECISIONS = ("accept", "reject")


@dataclass(frozen=True)
class Decision:
    """A coder's decision on one suggestion."""

    segment: str
    transcript: str
    code: str
    decision: str  # "accept" or "reject"
    coder: str
    rules: tuple[str, ...] = ()
    score: float = 0.0
    memo: str = ""
    created: bool = False  # accepting added a coding (undo removes it again)
    timestamp: str = field(default_factory=now)

    def to_json(self) -> dict[str, Any]:
        return {
            "segment": self.segment,
            "transcript": self.transcript,
            "code": self.code,
            "decision": self.decision,
            "coder": self.coder,
            "rules": list(self.rules),
            "score": self.score,
            "memo": self.memo,
            "created": self.created,
            "timestamp": self.timestamp,
        }


class SuggestionStore:
    """Reads and writes the ``suggestions/`` folder of one project."""

    def __init__(self, folder: Path, display: Callable[[Path], str] = str):
        self.folder = Path(folder)
        self.display = display

    @property
    def pending_path(self) -> Path:
        return self.folder / "pending.jsonl"

    def decisions_path(self, coder: str) -> Path:
        return self.folder / "decisions" / f"{coder_slug(coder)}.jsonl"

    @contextmanager
    def _lock(self) -> Iterator[None]:
        path = self.folder / ".lock"
        with locked(path, self.display(path)):
            yield

    def _read(self, path: Path) -> list[dict[str, Any]]:
        if not path.exists():
            return []
        records = []
        display = self.display(path)
        convert = _suggestion if path == self.pending_path else _decision
        for number, line in enumerate(read_text(path, display).splitlines(), start=1):
            if not line.strip():
                continue
            try:
                record = json.loads(line)
            except json.JSONDecodeError as exc:
                record = None
                reason = exc.msg
            else:
                reason = "each line must be a JSON object with 'segment' and 'code'"
            if (
                not isinstance(record, dict)
                or not isinstance(record.get("segment"), str)
                or not isinstance(record.get("code"), str)
            ):
                raise StoreError(
                    problems=[
                        Problem(
                            self.display(path),
                            number,
                            f"not a valid suggestion record ({reason}); "
                            "fix the line (a git merge keeps both sides' lines: delete the conflict markers)",
                        )
                    ]
                )
            try:
                convert(record)
            except (KeyError, TypeError, ValueError) as exc:
                raise StoreError(
                    problems=[Problem(display, number, f"not a valid {_KINDS[convert]} record ({exc}); fix the line")]
                ) from None
            records.append(record)
        return records

    def _write(self, path: Path, records: Iterable[dict[str, Any]]) -> None:
        lines = [json.dumps(r, ensure_ascii=False, sort_keys=True, separators=(", ", ": ")) for r in records]
        atomic_write(path, "".join(line + "\n" for line in lines), self.display(path))

    # -- pending suggestions ---------------------------------------------------------------
    def save_pending(
        self, suggestions: list[Suggestion], transcript: str | None = None, codes: Collection[str] | None = None
    ) -> int:
        """Replace the pending suggestions in scope (a transcript, some codes, or all) with ``suggestions``."""

        def in_scope(record: dict[str, Any]) -> bool:
            return (transcript is None or record["transcript"] == transcript) and (
                codes is None or record["code"] in codes
            )

        with self._lock():
            kept = [r for r in self._read(self.pending_path) if not in_scope(r)]
            records = kept + [s.to_json() for s in suggestions]
            records.sort(key=lambda r: (r["transcript"], r["segment"], r["code"]))
            self._write(self.pending_path, records)
        return len(suggestions)

    def load_pending(self, segments: Container[str], codes: Container[str]) -> list[Suggestion]:
        """Saved suggestions whose segment and code still exist, in file order."""
        return [
            _suggestion(r) for r in self._read(self.pending_path) if r["segment"] in segments and r["code"] in codes
        ]

    # -- decisions ---------------------------------------------------------------------------
    def load_decisions(self, segments: Container[str], coder: str | None = None) -> list[Decision]:
        """One coder's decisions (or everyone's), oldest first; decisions on unknown segments left out."""
        if coder is not None:
            paths = [self.decisions_path(coder)]
        else:
            paths = sorted((self.folder / "decisions").glob("*.jsonl"))
        return [_decision(r) for path in paths for r in self._read(path) if r["segment"] in segments]

    def add_decision(self, decision: Decision) -> None:
        if decision.decision not in DECISIONS:
            raise ValueError(f"unknown decision {decision.decision!r}")
        path = self.decisions_path(decision.coder)
        with self._lock():
            self._write(path, [*self._read(path), decision.to_json()])

    def pop_decision(self, coder: str, segment: str | None = None, code: str | None = None) -> Decision | None:
        """Remove and return the coder's latest decision (on ``segment``/``code`` when given)."""
        path = self.decisions_path(coder)
        with self._lock():
            records = self._read(path)
            for position in range(len(records) - 1, -1, -1):
                record = records[position]
                if segment is None or (record["segment"] == segment and record["code"] == code):
                    del records[position]
                    self._write(path, records)
                    return _decision(record)
        return None

    def stale(self, segments: Container[str]) -> tuple[int, dict[str, int]]:
        """Records left behind by transcript edits: how many pending suggestions, and per coder how
        many review decisions, name a segment that no longer exists (reading leaves them out)."""
        if not self.folder.is_dir():
            return 0, {}
        pending = sum(1 for r in self._read(self.pending_path) if r["segment"] not in segments)
        decisions: dict[str, int] = {}
        for path in sorted((self.folder / "decisions").glob("*.jsonl")):
            for record in self._read(path):
                if record["segment"] not in segments:
                    coder = str(record.get("coder") or path.stem)
                    decisions[coder] = decisions.get(coder, 0) + 1
        return pending, decisions

    # -- recoding ----------------------------------------------------------------------------
    def recode(self, mapping: Mapping[str, str]) -> int:
        """Apply a code rename/merge (old id -> new id) to pending suggestions and decisions.

        A segment with pending suggestions for two merged codes keeps the higher-scoring one.
        Returns the number of records changed.
        """
        if not self.folder.is_dir():
            return 0
        changed = 0
        with self._lock():
            for path in [self.pending_path, *sorted((self.folder / "decisions").glob("*.jsonl"))]:
                records = self._read(path)
                hits = [r for r in records if r["code"] in mapping]
                if not hits:
                    continue
                for record in hits:
                    record["code"] = mapping[record["code"]]
                changed += len(hits)
                if path == self.pending_path:
                    best: dict[tuple[str, str], dict[str, Any]] = {}
                    for record in records:
                        key = (record["segment"], record["code"])
                        if key not in best or record.get("score", 0) > best[key].get("score", 0):
                            best[key] = record
                    records = sorted(best.values(), key=lambda r: (r["transcript"], r["segment"], r["code"]))
                self._write(path, records)
        return changed


def _text(record: dict[str, Any], key: str, default: str | None = None) -> str:
    value = record.get(key, default)
    if not isinstance(value, str):
        raise ValueError(f"'{key}' must be a text" if key in record else f"no '{key}'")
    return value


def _number(value: Any, key: str) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise ValueError(f"'{key}' must be a number, not {json.dumps(value)}")
    return float(value)


def _suggestion(record: dict[str, Any]) -> Suggestion:
    raw = record.get("evidence", [])
    if not isinstance(raw, list) or not all(isinstance(e, dict) for e in raw):
        raise ValueError("'evidence' must be a list of objects")
    evidence = tuple(
        Evidence(
            _text(e, "text"), int(_number(e.get("start"), "start")), int(_number(e.get("end"), "end")), _text(e, "rule")
        )
        for e in raw
    )
    return Suggestion(
        _text(record, "segment"),
        _text(record, "transcript"),
        _text(record, "code"),
        _number(record.get("score"), "score"),
        evidence,
    )


def _decision(record: dict[str, Any]) -> Decision:
    if record.get("decision") not in DECISIONS:
        raise ValueError(f"'decision' is {json.dumps(record.get('decision'))}; it must be accept or reject")
    rules = record.get("rules", [])
    if not isinstance(rules, list) or not all(isinstance(r, str) for r in rules):
        raise ValueError("'rules' must be a list of texts")
    _number(record.get("score", 0.0), "score")
    return Decision(
        record["segment"],
        str(record.get("transcript", "")),
        record["code"],
        str(record.get("decision")),
        str(record.get("coder", "")),
        tuple(record.get("rules", ())),
        float(record.get("score", 0.0)),
        str(record.get("memo", "")),
        bool(record.get("created", False)),
        str(record.get("timestamp", "")),
    )


_KINDS = {_suggestion: "suggestion", _decision: "decision"}


# -- statistics -------------------------------------------------------------------------------
def base_rule(name: str) -> str:
    """``fuzzy:benchmark~benchmrk`` -> ``fuzzy:benchmark`` (every misspelling of one keyword together)."""
    return name.split("~", 1)[0] if name.startswith("fuzzy:") else name


def rule_stats(decisions: Iterable[Decision]) -> list[dict[str, Any]]:
    """Per code and rule: decided, accepted, rejected, acceptance (share accepted); worst first."""
    counts: dict[tuple[str, str], dict[str, int]] = defaultdict(lambda: {"accept": 0, "reject": 0})
    for decision in decisions:
        for rule in dict.fromkeys(base_rule(r) for r in decision.rules):
            counts[(decision.code, rule)][decision.decision] += 1
    rows: list[dict[str, Any]] = []
    for (code, rule), count in counts.items():
        decided = count["accept"] + count["reject"]
        rows.append(
            {
                "code": code,
                "rule": rule,
                "decided": decided,
                "accepted": count["accept"],
                "rejected": count["reject"],
                "acceptance": round(count["accept"] / decided, 4),
            }
        )
    rows.sort(key=lambda r: (float(r["acceptance"]), -int(r["decided"]), str(r["code"]), str(r["rule"])))
    return rows
