"""Parsed coder files kept under ``.qualcode/cache/``, so an unchanged file is not parsed twice.

A coder's file at study scale is tens of megabytes of JSON lines (every coding keeps the quote
it was made on); parsing and checking it takes seconds, and every command that counts codings
(``matrix``, ``agree``, ``report``, ``show``…) needs it. The cache keeps the parsed file per
version of the file (see :func:`_cache_path`) and the parser's source, with each distinct anchor stored once (the
codings of one segment share it). Only files that parsed without a problem are cached, so a
cached read checks exactly what a full read checks; writes (:meth:`CodingStore.transaction`)
always parse the file itself. The rules every cache follows are in
:mod:`qualcode.common.cachefiles`.
"""

from __future__ import annotations

import functools
from collections.abc import Collection
from pathlib import Path
from typing import Any

from qualcode.coding import anchoring, records, store
from qualcode.coding.anchoring import Anchor
from qualcode.coding.records import Coding, DoneMark, Note, coder_slug
from qualcode.coding.store import CoderFile, CodingStore
from qualcode.common.cachefiles import cache_enabled, digest, read_cache, source_digest, write_cache

FORMAT = 1


@functools.cache
def _parser_digest() -> str:
    return source_digest(store, records, anchoring)


def _cache_path(folder: Path, path: Path) -> Path:
    """The entry of a coder file as it is now. It is keyed by the file's identity, size and
    modification and change times rather than a hash of its tens of megabytes: any write
    changes the change time (which no tool can set back), and qualcode's own writes replace
    the file (a new inode), so a changed file never meets an old entry; a file merely touched
    is parsed again."""
    info = path.stat()
    key = f"{info.st_dev}:{info.st_ino}:{info.st_size}:{info.st_mtime_ns}:{info.st_ctime_ns}:{_parser_digest()}"
    return folder / f"coder-{coder_slug(path.stem)}-{digest(key.encode())}.json"


def read_all(coding_store: CodingStore, transcripts: Collection[str] | None = None) -> list[CoderFile]:
    """Every coder file of the store, as :meth:`CodingStore.read_all` reads them, from the cache
    where a file is unchanged (the store's ``cache_dir``; no cache when it is None).

    With ``transcripts``, each file holds only the records of those transcripts (a command about
    one transcript need not build the objects of the whole study)."""
    folder = coding_store.cache_dir
    if folder is None or not cache_enabled():
        return [_only(f, transcripts) for f in coding_store.read_all()]
    files: list[CoderFile] = []
    missed: list[tuple[Path, Path]] = []
    for path in coding_store.files():
        try:
            cache = _cache_path(folder, path)
        except OSError:
            return [_only(f, transcripts) for f in coding_store.read_all()]  # the store names the file
        recent = _recent.get(path)
        if recent is not None and recent[0] == cache:  # read already by this process
            files.append(_only(recent[1], transcripts))
            continue
        data = read_cache(cache, FORMAT)
        parsed = _from_json(data, path, transcripts) if data is not None else None
        if parsed is not None and transcripts is None:
            _recent[path] = (cache, parsed)
        if parsed is None:
            missed.append((path, cache))
        files.append(parsed or CoderFile(coder="", path=path))
    # only the files that changed are parsed (every problem of every one at once)
    fresh = {f.path: f for f in coding_store.read_paths([path for path, _cache in missed])}
    for path, cache in missed:
        write_cache(cache, _to_json(fresh[path]), replaces=f"coder-{coder_slug(path.stem)}-*.json")
    return [_only(fresh[f.path], transcripts) if f.path in fresh else f for f in files]


#: the last full read of each coder file in this process (a report reads them twice); a changed
#: file has another cache path, so it is never served from here
_recent: dict[Path, tuple[Path, CoderFile]] = {}


def _only(coder_file: CoderFile, transcripts: Collection[str] | None) -> CoderFile:
    if transcripts is None:
        return coder_file
    return CoderFile(
        coder=coder_file.coder,
        path=coder_file.path,
        codings={k: c for k, c in coder_file.codings.items() if c.transcript in transcripts},
        notes=[n for n in coder_file.notes if n.transcript in transcripts],
        done={t: d for t, d in coder_file.done.items() if t in transcripts},
    )


def _to_json(coder_file: CoderFile) -> dict[str, Any]:
    anchors: dict[Anchor, int] = {}

    def anchor(value: Anchor) -> int:
        return anchors.setdefault(value, len(anchors))

    codings = list(coder_file.codings.values())
    columns = {
        "transcript": [c.transcript for c in codings],
        "segment": [c.segment for c in codings],
        "code": [c.code for c in codings],
        "coder": [c.coder for c in codings],
        "source": [c.source for c in codings],
        "timestamp": [c.timestamp for c in codings],
        "memo": [c.memo for c in codings],
        "anchor": [anchor(c.anchor) for c in codings],
    }
    notes = [[n.transcript, n.segment, n.coder, n.text, n.timestamp, anchor(n.anchor)] for n in coder_file.notes]
    done = [[d.transcript, d.coder, d.timestamp] for d in coder_file.done.values()]
    return {
        "format": FORMAT,
        "coder": coder_file.coder,
        "anchors": [[a.quote, a.before, a.after, a.selection] for a in anchors],
        "codings": columns,
        "notes": notes,
        "done": done,
    }


def _from_json(data: dict[str, Any], path: Path, transcripts: Collection[str] | None = None) -> CoderFile | None:
    """The cached file, or None when the entry is not what this module writes."""
    try:
        stored = data["anchors"]
        anchors: dict[int, Anchor] = {}

        def anchor(index: int) -> Anchor:  # (made when used: a filtered read uses few)
            found = anchors.get(index)
            if found is None:
                found = anchors[index] = Anchor(*(str(part) for part in stored[index]))
            return found

        columns = data["codings"]
        rows = zip(
            columns["transcript"],
            columns["segment"],
            columns["code"],
            columns["coder"],
            columns["source"],
            columns["timestamp"],
            columns["memo"],
            columns["anchor"],
            strict=True,
        )
        result = CoderFile(coder=str(data["coder"]), path=path)
        for transcript, segment, code, coder, source, timestamp, memo, index in rows:
            if transcripts is not None and transcript not in transcripts:
                continue
            coding = Coding(transcript, segment, code, coder, source, timestamp, memo, anchor(index))
            result.codings[coding.key] = coding
        result.notes = [Note(t, s, c, text, stamp, anchor(i)) for t, s, c, text, stamp, i in data["notes"]]
        result.done = {t: DoneMark(t, c, stamp) for t, c, stamp in data["done"]}
        result = _only(result, transcripts)  # (the notes and done marks: few)
    except (KeyError, TypeError, ValueError, IndexError):
        return None
    return result
