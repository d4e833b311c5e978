"""The coding store: the only module that reads and writes codings.

Layout (plain text, diff-friendly, one file per coder so a team merges work with git)::

    codings/<coder-slug>.jsonl      a header line, then one record per line, sorted
    codings/log/<coder-slug>.jsonl  append-only audit log (who, when, what)
    codings/.lock                   inter-process lock (not committed)

Records are JSON objects with sorted keys: ``coding`` (transcript, segment, code, coder, source,
timestamp, memo, anchor), ``note`` (a segment annotation) and ``done`` (a transcript fully coded
by this coder). Every change runs in :meth:`CodingStore.transaction`: lock, read (refusing a file
that does not parse, so it is never overwritten), change, atomic write, audit log.

:func:`load_codings` resolves stored codings against the current transcripts: unchanged segments
keep their codings, edited ones are re-anchored (see :mod:`qualcode.anchoring`) and the new
anchor is saved, and codings whose text is gone are *orphans*, kept until the user decides.
"""

from __future__ import annotations

import contextlib
import datetime as _dt
import json
import re
from collections import defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING

from qualcode.coding.anchoring import Anchor, anchor_for, reanchor
from qualcode.common.didyoumean import hint
from qualcode.errors import Problem, QualcodeError
from qualcode.common.storage import append_line, atomic_write, locked

if TYPE_CHECKING:
    from qualcode.study.project import Project

FORMAT = "qualcode-codings"
FORMAT_VERSION = 1
SOURCES = ("manual", "import", "suggestion")
_KIND_ORDER = {"done": 0, "coding": 1, "note": 2}


class StoreError(QualcodeError):
    """A codings file cannot be parsed; it is left untouched."""


def now() -> str:
    """UTC timestamp, ISO 8601 to the second."""
    return _dt.datetime.now(_dt.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def coder_slug(coder: str) -> str:
    """File-name form of a coder name: ``Ana Ruiz`` -> ``ana-ruiz``."""
    slug = re.sub(r"[\W_]+", "-", coder.casefold()).strip("-")
    if not slug:
        raise QualcodeError(f"coder name '{coder}' has no letters or digits; use a name like 'ana' or 'Ana Ruiz'")
    return slug


@dataclass(frozen=True)
class Coding:
    """One code applied to one segment by one coder."""

    transcript: str
    segment: str
    code: str
    coder: str
    source: str = "manual"
    timestamp: str = ""
    memo: str = ""
    anchor: Anchor = field(default_factory=lambda: Anchor(""))

    @property
    def key(self) -> tuple[str, str]:
        return (self.segment, self.code)

    def to_json(self) -> dict:
        return {
            "type": "coding",
            "transcript": self.transcript,
            "segment": self.segment,
            "code": self.code,
            "coder": self.coder,
            "source": self.source,
            "timestamp": self.timestamp,
            "memo": self.memo,
            "anchor": self.anchor.to_json(),
        }


@dataclass(frozen=True)
class Note:
    """A coder's note attached to a segment (``qualcode annotate``)."""

    transcript: str
    segment: str
    coder: str
    text: str
    timestamp: str = ""
    anchor: Anchor = field(default_factory=lambda: Anchor(""))

    def to_json(self) -> dict:
        return {
            "type": "note",
            "transcript": self.transcript,
            "segment": self.segment,
            "coder": self.coder,
            "text": self.text,
            "timestamp": self.timestamp,
            "anchor": self.anchor.to_json(),
        }


@dataclass(frozen=True)
class DoneMark:
    """A transcript marked fully coded by a coder: uncoded segments mean 'code absent'."""

    transcript: str
    coder: str
    timestamp: str = ""

    def to_json(self) -> dict:
        return {"type": "done", "transcript": self.transcript, "coder": self.coder, "timestamp": self.timestamp}


@dataclass
class CoderFile:
    """The parsed contents of one coder's file, plus the audit entries of a transaction."""

    coder: str
    path: Path
    codings: dict[tuple[str, str], Coding] = field(default_factory=dict)
    notes: list[Note] = field(default_factory=list)
    done: dict[str, DoneMark] = field(default_factory=dict)
    log: list[dict] = field(default_factory=list)

    def record(self, action: str, **details) -> None:
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


def _dump(record: dict) -> str:
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
                Problem(display, number, "unresolved git merge conflict marker; keep the lines of both sides "
                        "(one coding per line) and delete the marker lines")
            )
            continue
        try:
            record = json.loads(line)
        except json.JSONDecodeError as exc:
            problems.append(Problem(display, number, f"not a valid JSON record ({exc.msg}); fix the line or restore the file from git"))
            continue
        if not isinstance(record, dict):
            problems.append(Problem(display, number, "each line must be a JSON object"))
            continue
        kind = record.get("type")
        if kind == "header":
            if record.get("format") != FORMAT:
                problems.append(Problem(display, number, f"not a qualcode codings file (format '{record.get('format')}')"))
            elif int(record.get("version", 0)) > FORMAT_VERSION:
                problems.append(Problem(display, number, "written by a newer qualcode; upgrade qualcode to read it"))
            coder = str(record.get("coder", ""))
            continue
        if kind not in _REQUIRED:
            problems.append(Problem(display, number, f"unknown record type '{kind}'{hint(str(kind), _REQUIRED)}"))
            continue
        missing = [k for k in _REQUIRED[kind] if not isinstance(record.get(k), str) or (k != "text" and not record.get(k))]
        if missing:
            problems.append(Problem(display, number, f"{kind} record without {', '.join(missing)}"))
            continue
        if coder is None:
            coder = record["coder"]
        if record["coder"] != coder:
            problems.append(Problem(display, number, f"record by coder '{record['coder']}' in the file of coder '{coder}'; "
                                    "move it to that coder's file"))
            continue
        anchor = Anchor.from_json(record.get("anchor") or {})
        if kind == "coding":
            if record["source"] not in SOURCES:
                problems.append(Problem(display, number, f"unknown source '{record['source']}'; use one of {', '.join(SOURCES)}"))
                continue
            coding = Coding(record["transcript"], record["segment"], record["code"], record["coder"], record["source"],
                            record["timestamp"], str(record.get("memo") or ""), anchor)
            previous = result.codings.get(coding.key)
            # A git merge of two edits of the same coding keeps both lines: keep the earlier one.
            if previous is None or coding.timestamp < previous.timestamp:
                result.codings[coding.key] = coding
        elif kind == "note":
            result.notes.append(Note(record["transcript"], record["segment"], record["coder"], record["text"],
                                     str(record.get("timestamp", "")), anchor))
        else:
            result.done[record["transcript"]] = DoneMark(record["transcript"], record["coder"], str(record.get("timestamp", "")))
    if problems:
        return None, problems
    result.coder = coder or path.stem
    return result, []


class CodingStore:
    """Reads and writes the coder files of one project."""

    def __init__(self, folder: Path, display=str):
        self.folder = Path(folder)
        self.display = display
        self.lock_path = self.folder / ".lock"
        self.log_folder = self.folder / "log"

    def path_for(self, coder: str) -> Path:
        return self.folder / f"{coder_slug(coder)}.jsonl"

    def files(self) -> list[Path]:
        if not self.folder.is_dir():
            return []
        return sorted(p for p in self.folder.glob("*.jsonl") if p.is_file() and not p.name.startswith("."))

    def read_path(self, path: Path) -> CoderFile:
        display = self.display(path)
        try:
            text = path.read_text(encoding="utf-8")
        except UnicodeDecodeError:
            raise StoreError(f"{display}: not valid UTF-8; restore the file from git") from None
        parsed, problems = parse_coder_file(text, path, display)
        if problems:
            raise StoreError("\n".join(str(p) for p in problems) + f"\n{display} was left untouched; fix it, then try again")
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
        files, problems = [], []
        for path in self.files():
            try:
                files.append(self.read_path(path))
            except StoreError as exc:
                problems.append(str(exc))
        if problems:
            raise StoreError("\n".join(problems))
        return files

    def coders(self) -> list[str]:
        return [f.coder for f in self.read_all()]

    @contextlib.contextmanager
    def transaction(self, coder: str) -> Iterator[CoderFile]:
        """Lock, read the coder's file, let the caller change it, write it atomically, log."""
        with locked(self.lock_path):
            current = self.read(coder)
            before = current.serialise()
            yield current
            after = current.serialise()
            if after != before:
                atomic_write(current.path, after)
            stamp = now()
            log_path = self.log_folder / f"{coder_slug(coder)}.jsonl"
            for entry in current.log:
                append_line(log_path, _dump({"timestamp": stamp, "coder": current.coder, **entry}))
            current.log.clear()

    def read_log(self, coder: str | None = None) -> list[dict]:
        paths = [self.log_folder / f"{coder_slug(coder)}.jsonl"] if coder else sorted(self.log_folder.glob("*.jsonl"))
        entries = []
        for path in paths:
            if not path.exists():
                continue
            for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
                if not line.strip():
                    continue
                try:
                    entries.append(json.loads(line))
                except json.JSONDecodeError:
                    raise StoreError(f"{self.display(path)}:{number}: not a valid JSON log entry; fix or remove the line") from None
        entries.sort(key=lambda e: e.get("timestamp", ""))
        return entries


def store_for(project: "Project") -> CodingStore:
    return CodingStore(project.codings_dir, project.display)


# ---------------------------------------------------------------------------------------------
# Resolving stored codings against the current transcripts
# ---------------------------------------------------------------------------------------------


@dataclass
class Orphan:
    """A stored coding whose text can no longer be found."""

    coding: Coding
    reason: str


@dataclass
class CodingSet:
    """Codings resolved against the current corpus and codebook."""

    codings: list[Coding]
    orphans: list[Orphan] = field(default_factory=list)
    reanchored: list[tuple[Coding, Coding, float]] = field(default_factory=list)
    unknown_codes: list[Coding] = field(default_factory=list)
    notes: list[Note] = field(default_factory=list)
    done: dict[str, set[str]] = field(default_factory=dict)  # coder -> transcript ids
    coders: list[str] = field(default_factory=list)

    def for_coders(self, coders: Iterable[str]) -> list[Coding]:
        wanted = set(coders)
        return [c for c in self.codings if c.coder in wanted]

    def codes_by_segment(self, coders: Iterable[str] | None = None) -> dict[str, set[str]]:
        """Segment id -> codes given by any of ``coders`` (all coders when None)."""
        wanted = None if coders is None else set(coders)
        out: dict[str, set[str]] = defaultdict(set)
        for coding in self.codings:
            if wanted is None or coding.coder in wanted:
                out[coding.segment].add(coding.code)
        return out

    def covered(self, coder: str) -> set[str]:
        """Transcripts the coder marked done or coded at least once."""
        return set(self.done.get(coder, ())) | {c.transcript for c in self.codings if c.coder == coder}


def _resolve_file(coder_file: CoderFile, corpus, codebook) -> CodingSet:
    """Resolve one coder's stored records; never changes ``coder_file``."""
    result = CodingSet(codings=[], coders=[coder_file.coder], notes=list(coder_file.notes),
                       done={coder_file.coder: set(coder_file.done)})
    placed: dict[tuple[str, str], Coding] = {}
    for coding in coder_file.codings.values():
        if coding.transcript not in corpus.by_id:
            result.orphans.append(Orphan(coding, f"transcript '{coding.transcript}' is gone"))
            continue
        resolved = coding
        if coding.segment not in corpus.segment_index:
            transcript = corpus.by_id[coding.transcript]
            found = reanchor(coding.anchor, corpus.segments_by_transcript[coding.transcript], transcript.text)
            if found is None:
                result.orphans.append(Orphan(coding, "its text was edited or deleted beyond recognition"))
                continue
            segment, score = found
            resolved = replace(coding, segment=segment.id, anchor=anchor_for(segment, transcript.text))
            result.reanchored.append((coding, resolved, score))
        if codebook is not None and resolved.code not in codebook:
            result.unknown_codes.append(resolved)
            continue
        if resolved.key in placed:  # two old segments re-anchored onto one: keep the earlier coding
            if resolved.timestamp >= placed[resolved.key].timestamp:
                continue
        placed[resolved.key] = resolved
    result.codings = sorted(placed.values(), key=lambda c: (c.transcript, c.segment, c.code))
    return result


def load_codings(project: "Project", coders: Iterable[str] | None = None, persist: bool = True,
                  warn_orphans: bool = True) -> CodingSet:
    """All (or the named) coders' codings, resolved against the current transcripts.

    Re-anchored codings are saved back (``persist``) with their new anchors, under the lock;
    orphans and codings of unknown codes are reported as warnings (orphans unless
    ``warn_orphans`` is False: the orphan commands list them anyway) and kept in the store.
    """
    store = store_for(project)
    files = store.read_all()
    if coders is not None:
        wanted = list(coders)
        known = {coder_slug(f.coder): f for f in files}
        for name in wanted:
            if coder_slug(name) not in known:
                raise QualcodeError(
                    f"no codings by coder '{name}'{hint(name, [f.coder for f in files])}; "
                    f"coders in this project: {', '.join(f.coder for f in files) or 'none yet'}"
                )
        files = [known[coder_slug(name)] for name in wanted]
    corpus = project.corpus
    codebook = project.codebook
    merged = CodingSet(codings=[])
    for coder_file in files:
        resolved = _resolve_file(coder_file, corpus, codebook)
        if persist and resolved.reanchored:
            _save_reanchored(store, coder_file.coder, resolved.reanchored)
        merged.codings += resolved.codings
        merged.orphans += resolved.orphans
        merged.reanchored += resolved.reanchored
        merged.unknown_codes += resolved.unknown_codes
        merged.notes += resolved.notes
        merged.done.update(resolved.done)
        merged.coders += resolved.coders
    if merged.reanchored:
        project.warning(
            f"{len(merged.reanchored)} coding(s) moved to the edited text of their segment after transcript edits"
            + (" (anchors saved)" if persist else "")
        )
    if merged.orphans and warn_orphans:
        project.warning(
            f"{len(merged.orphans)} orphaned coding(s): their text is no longer in the transcripts. "
            "They are kept; review them with `qualcode orphans`"
        )
    if merged.unknown_codes:
        codes = sorted({c.code for c in merged.unknown_codes})
        project.warning(
            f"{len(merged.unknown_codes)} coding(s) use codes missing from the codebook ({', '.join(codes)}); "
            "add the codes back or use `qualcode codebook rename/merge`"
        )
    return merged


def _save_reanchored(store: CodingStore, coder: str, moves: list[tuple[Coding, Coding, float]]) -> None:
    with store.transaction(coder) as current:
        for old, new, score in moves:
            stored = current.codings.get(old.key)
            if stored is None:  # changed by someone else meanwhile
                continue
            del current.codings[old.key]
            if new.key not in current.codings:
                current.codings[new.key] = replace(stored, segment=new.segment, anchor=new.anchor)
            current.record("reanchor", transcript=old.transcript, segment=new.segment, old_segment=old.segment,
                           code=old.code, score=round(score, 1))
