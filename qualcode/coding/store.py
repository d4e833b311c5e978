"""The coding store: the only module that reads and writes coders' files.

Layout (plain text, diff-friendly, one file per coder so a team merges work with git)::

    codings/<coder-slug>.jsonl      a header line, then one record per line, sorted
    codings/log/<coder-slug>.jsonl  append-only audit log (who, when, what)
    codings/.lock                   inter-process lock (not committed)

Records are JSON objects with sorted keys: ``coding`` (transcript, segment, code, coder, source,
timestamp, memo, anchor), ``note`` (a segment annotation) and ``done`` (a transcript fully coded
by this coder). Every change runs in :meth:`CodingStore.transaction`: lock, read (refusing a file
that does not parse, so it is never overwritten), change, atomic write, audit log. Reading never
writes: resolving stored codings against edited transcripts happens in memory
(:mod:`qualcode.coding.resolve`).
"""

from __future__ import annotations

import contextlib
import json
import os
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from qualcode.coding.anchoring import Anchor
from qualcode.coding.records import SOURCES, Coding, DoneMark, Note, coder_slug, now
from qualcode.common.didyoumean import hint
from qualcode.common.jsonlines import decode_lines, read_text
from qualcode.common.storage import append_lines, atomic_write, locked, truncate_back
from qualcode.errors import Problem, StoreError

FORMAT = "qualcode-codings"
FORMAT_VERSION = 1
_KIND_ORDER = {"done": 0, "coding": 1, "note": 2}


@dataclass
class CoderFile:
    """The parsed contents of one coder's file, plus the audit entries of a transaction."""

    coder: str
    path: Path
    codings: dict[tuple[str, str], Coding] = field(default_factory=dict)
    notes: list[Note] = field(default_factory=list)
    done: dict[str, DoneMark] = field(default_factory=dict)
    log: list[dict[str, Any]] = field(default_factory=list)

    def record(self, action: str, **details: Any) -> None:
        """Queue an audit-log entry, written when the transaction commits."""
        self.log.append({"action": action, **details})

    def serialise(self) -> str:
        header = {"type": "header", "format": FORMAT, "version": FORMAT_VERSION, "coder": self.coder}
        records = [d.to_json() for d in self.done.values()]
        records += [c.to_json() for c in self.codings.values()]
        records += [n.to_json() for n in self.notes]
        records.sort(
            key=lambda r: (
                r["transcript"],
                _KIND_ORDER[r["type"]],
                r.get("segment", ""),
                r.get("code", ""),
                r.get("timestamp", ""),
                r.get("text", ""),
            )
        )
        lines = [_dump(header)] + [_dump(r) for r in records]
        return "\n".join(lines) + "\n"


def _dump(record: dict[str, Any]) -> str:
    return json.dumps(record, ensure_ascii=False, sort_keys=True, separators=(", ", ": "))


_REQUIRED = {
    "coding": ("transcript", "segment", "code", "coder", "source", "timestamp"),
    "note": ("transcript", "segment", "coder", "text"),
    "done": ("transcript", "coder"),
}


def parse_coder_file(text: str, path: Path, display: str) -> tuple[CoderFile | None, list[Problem]]:
    """Parse one coder file; any problem means the file must not be rewritten."""
    problems: list[Problem] = []
    coder: str | None = None
    result = CoderFile(coder="", path=path)
    for number, line in enumerate(text.split("\n"), start=1):
        if not line.strip():
            continue
        if line.startswith(("<<<<<<<", "=======", ">>>>>>>", "|||||||")):
            problems.append(
                Problem(
                    display,
                    number,
                    "unresolved git merge conflict marker; keep the lines of both sides "
                    "(one coding per line) and delete the marker lines",
                )
            )
            continue
        try:
            record = json.loads(line)
        except json.JSONDecodeError as exc:
            problems.append(
                Problem(
                    display, number, f"not a valid JSON record ({exc.msg}); fix the line or restore the file from git"
                )
            )
            continue
        if not isinstance(record, dict):
            problems.append(Problem(display, number, "each line must be a JSON object"))
            continue
        kind = record.get("type")
        if kind == "header":
            if record.get("format") != FORMAT:
                problems.append(
                    Problem(display, number, f"not a qualcode codings file (format '{record.get('format')}')")
                )
            elif not isinstance(record.get("version", 1), int) or isinstance(record.get("version"), bool):
                problems.append(
                    Problem(
                        display,
                        number,
                        f"the header's version must be a whole number, not {json.dumps(record.get('version'))}; "
                        f"it is {FORMAT_VERSION} for this qualcode (or restore the file from git)",
                    )
                )
            elif record.get("version", 1) > FORMAT_VERSION:
                problems.append(Problem(display, number, "written by a newer qualcode; upgrade qualcode to read it"))
            coder = str(record.get("coder", ""))
            continue
        if not isinstance(kind, str) or kind not in _REQUIRED:
            problems.append(Problem(display, number, f"unknown record type '{kind}'{hint(str(kind), _REQUIRED)}"))
            continue
        missing = [
            k for k in _REQUIRED[kind] if not isinstance(record.get(k), str) or (k != "text" and not record.get(k))
        ]
        if missing:
            problems.append(Problem(display, number, f"{kind} record without {', '.join(missing)}"))
            continue
        if coder is None:
            coder = record["coder"]
        if record["coder"] != coder:
            problems.append(
                Problem(
                    display,
                    number,
                    f"record by coder '{record['coder']}' in the file of coder '{coder}'; move it to that coder's file",
                )
            )
            continue
        anchor_data = record.get("anchor") or {}
        if not isinstance(anchor_data, dict) or not all(
            isinstance(v, str) for k, v in anchor_data.items() if k in ("quote", "before", "after", "selection")
        ):
            problems.append(
                Problem(
                    display,
                    number,
                    'the anchor must be an object of texts ({"quote": "…", "before": "…", "after": "…"}); '
                    "fix the line or restore the file from git",
                )
            )
            continue
        if not isinstance(record.get("memo", ""), str) or not isinstance(record.get("timestamp", ""), str):
            field = "memo" if not isinstance(record.get("memo", ""), str) else "timestamp"
            problems.append(Problem(display, number, f"the {field} must be a text; fix the line"))
            continue
        anchor = Anchor.from_json(anchor_data)
        if kind == "coding":
            if record["source"] not in SOURCES:
                problems.append(
                    Problem(display, number, f"unknown source '{record['source']}'; use one of {', '.join(SOURCES)}")
                )
                continue
            coding = Coding(
                record["transcript"],
                record["segment"],
                record["code"],
                record["coder"],
                record["source"],
                record["timestamp"],
                str(record.get("memo") or ""),
                anchor,
            )
            previous = result.codings.get(coding.key)
            # A git merge of two edits of the same coding keeps both lines: keep the earlier one.
            if previous is None or coding.timestamp < previous.timestamp:
                result.codings[coding.key] = coding
        elif kind == "note":
            result.notes.append(
                Note(
                    record["transcript"],
                    record["segment"],
                    record["coder"],
                    record["text"],
                    str(record.get("timestamp", "")),
                    anchor,
                )
            )
        else:
            result.done[record["transcript"]] = DoneMark(
                record["transcript"], record["coder"], str(record.get("timestamp", ""))
            )
    if problems:
        return None, problems
    result.coder = coder or path.stem
    return result, []


class CodingStore:
    """Reads and writes the coder files of one project."""

    def __init__(self, folder: Path, display: Callable[[Path], str] = str, cache_dir: Path | None = None):
        self.folder = Path(folder)
        self.display = display
        #: where :mod:`qualcode.coding.filecache` keeps parsed files (None: no cache)
        self.cache_dir = cache_dir
        self.lock_path = self.folder / ".lock"
        self.log_folder = self.folder / "log"

    def check_folder(self) -> None:
        """A ``codings`` that exists but is not a folder is an error, never "no coders"."""
        if os.path.lexists(self.folder) and not self.folder.is_dir():
            raise StoreError(
                f"{self.display(self.folder)} is not a folder (a file of that name is in the way); "
                "move the file away so qualcode can keep the coders' files in a codings/ folder"
            )

    def path_for(self, coder: str) -> Path:
        return self.folder / f"{coder_slug(coder)}.jsonl"

    def files(self) -> list[Path]:
        self.check_folder()
        if not self.folder.is_dir():
            return []
        return sorted(p for p in self.folder.glob("*.jsonl") if p.is_file() and not p.name.startswith("."))

    def read_path(self, path: Path) -> CoderFile:
        display = self.display(path)
        try:
            text = read_text(path, display)
        except StoreError as exc:
            raise StoreError(
                f"{exc}\n{display} was left untouched; fix it, then try again", problems=exc.problems
            ) from None
        parsed, problems = parse_coder_file(text, path, display)
        if parsed is None:
            message = "\n".join(str(p) for p in problems) + f"\n{display} was left untouched; fix it, then try again"
            raise StoreError(message, problems=problems)
        return parsed

    def read(self, coder: str) -> CoderFile:
        """The coder's file, or an empty one when the coder has none yet."""
        path = self.path_for(coder)
        if not path.exists():
            return CoderFile(coder=coder, path=path)
        found = self.read_path(path)
        if coder_slug(found.coder) != coder_slug(coder):
            raise StoreError(f"{self.display(path)} belongs to coder '{found.coder}', not '{coder}'")
        return found

    def read_all(self) -> list[CoderFile]:
        return self.read_paths(self.files())

    def read_paths(self, paths: Iterable[Path]) -> list[CoderFile]:
        """Parse these coder files; a StoreError names every problem of every file at once."""
        files: list[CoderFile] = []
        messages: list[str] = []
        problems: list[Problem] = []
        for path in paths:
            try:
                files.append(self.read_path(path))
            except StoreError as exc:
                messages.append(str(exc))
                problems += exc.problems
        if messages:
            raise StoreError("\n".join(messages), problems=problems)
        return files

    def coders(self) -> list[str]:
        return [f.coder for f in self.read_all()]

    @contextlib.contextmanager
    def transaction(self, coder: str) -> Iterator[CoderFile]:
        """Lock, read the coder's file, let the caller change it, write it atomically, log."""
        self.check_folder()
        with locked(self.lock_path, self.display(self.lock_path)):
            current = self.read(coder)
            before = current.serialise()
            yield current
            after = current.serialise()
            # The log entries first, then the coder file; if the file cannot be written (a full
            # disk), the entries are cut off the log again: both or neither.
            stamp = now()
            log_path = self.log_path(coder)
            lines = [_dump({"timestamp": stamp, "coder": current.coder, **entry}) for entry in current.log]
            size = append_lines(log_path, lines, self.display(log_path)) if lines else None
            try:
                if after != before:
                    atomic_write(current.path, after, self.display(current.path))
            except BaseException:
                if lines:
                    truncate_back(log_path, size)
                raise
            current.log.clear()

    def log_path(self, coder: str) -> Path:
        return self.log_folder / f"{coder_slug(coder)}.jsonl"

    def read_log(
        self, coder: str | None = None, on_problem: Callable[[Problem], None] | None = None
    ) -> list[dict[str, Any]]:
        """The audit-log entries (of one coder, or everyone's), oldest first.

        A line that is not a log entry (not UTF-8, not JSON, not an object, a timestamp or
        action that is not text) is an error naming the file and line; with ``on_problem``
        it is passed there instead and left out, so ``qualcode log`` still shows the good lines.
        """
        self.check_folder()
        paths = [self.log_path(coder)] if coder else sorted(self.log_folder.glob("*.jsonl"))
        entries = []
        problems: list[Problem] = []
        for path in paths:
            if not path.exists():
                continue
            display = self.display(path)
            try:
                raw = path.read_bytes()
            except OSError as exc:
                raise StoreError(f"cannot read {display}: {exc.strerror or exc}") from None
            for number, line in decode_lines(raw):
                if line is None:
                    problems.append(Problem(display, number, "not valid UTF-8; fix or remove the line"))
                    continue
                if not line.strip():
                    continue
                problem = None
                try:
                    entry = json.loads(line)
                except json.JSONDecodeError:
                    problem = "not a valid JSON log entry"
                else:
                    if not isinstance(entry, dict):
                        problem = "not a log entry (each line must be a JSON object)"
                    elif not all(isinstance(entry.get(k, ""), str) for k in ("timestamp", "action", "coder")):
                        problem = "a log entry whose timestamp, action or coder is not text"
                if problem is not None:
                    problems.append(Problem(display, number, problem + "; fix or remove the line"))
                    continue
                entries.append(entry)
        if problems:
            if on_problem is None:
                raise StoreError(problems=problems)
            for found in problems:
                on_problem(found)
        entries.sort(key=lambda e: e.get("timestamp", ""))
        return entries
