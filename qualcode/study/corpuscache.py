"""Read and segmented transcripts kept under ``.qualcode/cache/``, so an unchanged file is not
read, split into turns and segmented again.

Reading a transcript (its format, front matter, speaker turns, speaker names) and segmenting
it depend only on the file's bytes, its place in the transcripts folder and a few settings
(``speakers_to_skip``, ``speaker_aliases``, ``segment_by``, ``language``), and on the code that
does it. The cache keeps, per file content hash, the transcript as read (text, front-matter
attributes, turns, warnings) and its segments (as spans of the text), in one JSON file per
fingerprint of the settings and that code. Only files read without a problem are kept.
``attributes.csv`` is merged after the cache, so editing it never goes stale. The rules every
cache follows are in :mod:`qualcode.common.cachefiles`.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from qualcode.common.cachefiles import CACHE_FOLDER, cache_enabled, digest, read_cache, source_digest, write_cache
from qualcode.study.segment import Segment
from qualcode.study.transcripts import ReadResult, Transcript
from qualcode.study.turns import Turn

FORMAT = 1
_STUDY = Path(__file__).parent
#: the modules whose code decides what reading a file gives (the format readers too, found by
#: their files: importing them would load python-docx, pypdf… for every command)
_READING_CODE = [_STUDY / f"{name}.py" for name in ("transcripts", "turns", "speakers", "segment")]


def fingerprint(skip: frozenset[str], aliases: Mapping[str, str], segment_by: str, language: str) -> str:
    """Everything besides a file's bytes that reading and segmenting it depends on."""
    parts = {
        "format": FORMAT,
        "skip": sorted(skip),
        "aliases": sorted(aliases.items()),
        "segment_by": segment_by,
        "language": language,
        "code": source_digest(*_READING_CODE, *sorted((_STUDY / "formats").glob("*.py"))),
    }
    return hashlib.sha256(json.dumps(parts, sort_keys=True).encode()).hexdigest()[:20]


@dataclass
class CorpusCache:
    """The cached files of one fingerprint: read once, written back once (if anything changed)."""

    path: Path | None  # None: caching is off
    entries: dict[str, dict[str, Any]] = field(default_factory=dict)
    used: set[str] = field(default_factory=set)
    added: int = 0

    @classmethod
    def for_project(cls, root: Path, skip: frozenset[str], aliases: Mapping[str, str], segment_by: str, language: str):
        if not cache_enabled():
            return cls(None)
        path = root / CACHE_FOLDER / f"corpus-{fingerprint(skip, aliases, segment_by, language)}.json"
        data = read_cache(path, FORMAT)
        entries = data.get("files") if data is not None else None
        return cls(path, entries if isinstance(entries, dict) else {})

    @staticmethod
    def key(path: Path, display: str) -> str | None:
        """The entry of a file: its content and where it is (its id comes from its place)."""
        try:
            raw = path.read_bytes()
        except OSError:
            return None  # the reader says what went wrong
        return digest(raw + b"\0" + display.encode("utf-8"))

    def get(self, key: str | None, path: Path) -> tuple[ReadResult, list[Segment]] | None:
        if self.path is None or key is None or key not in self.entries:
            return None
        try:
            found = _from_json(self.entries[key], path)
        except (KeyError, TypeError, ValueError, IndexError):
            return None
        self.used.add(key)
        return found

    def put(self, key: str | None, result: ReadResult, segments: list[Segment]) -> None:
        if self.path is None or key is None or result.transcript is None or result.problems:
            return
        self.entries[key] = _to_json(result, segments)
        self.used.add(key)
        self.added += 1

    def save(self) -> None:
        """Write the entries used by this load back when something was added or dropped."""
        if self.path is None:
            return
        if not self.added and self.used == set(self.entries):
            return
        files = {k: v for k, v in self.entries.items() if k in self.used}
        write_cache(self.path, {"format": FORMAT, "files": files}, replaces="corpus-*.json")


def _to_json(result: ReadResult, segments: list[Segment]) -> dict[str, Any]:
    transcript = result.transcript
    assert transcript is not None
    return {
        "id": transcript.id,
        "display": transcript.display_path,
        "text": transcript.text,
        "attributes": transcript.attributes,
        "turns": [
            [t.speaker, t.start, t.end, t.timestamp, t.label, t.time_start, t.time_end, t.line]
            for t in transcript.turns
        ],
        "body_line": transcript.body_line,
        "format": transcript.format,
        "warnings": result.warnings,
        "segments": [[s.id, s.speaker, s.start, s.end, s.skipped, s.time_start, s.time_end] for s in segments],
    }


def _from_json(data: dict[str, Any], path: Path) -> tuple[ReadResult, list[Segment]]:
    body = str(data["text"])
    transcript = Transcript(
        id=str(data["id"]),
        path=path,
        display_path=str(data["display"]),
        text=body,
        attributes={str(k): str(v) for k, v in data["attributes"].items()},
        turns=[Turn(*row) for row in data["turns"]],
        body_line=int(data["body_line"]),
        format=str(data["format"]),
    )
    found = [
        Segment(sid, transcript.id, speaker, start, end, body[start:end], skipped, index, time_start, time_end)
        for index, (sid, speaker, start, end, skipped, time_start, time_end) in enumerate(data["segments"])
    ]
    return ReadResult(transcript, [], [str(w) for w in data["warnings"]]), found
