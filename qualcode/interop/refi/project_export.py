"""A qualcode project as a REFI-QDA ``.qdpx``: ``project.qde`` plus every transcript under ``sources/``.

What goes in (see the README's mapping table):

- ``Users``: the coders (and memo authors);
- ``CodeBook``: the codebook (:mod:`qualcode.interop.refi.codebook`);
- ``Variables``: one Text variable per transcript attribute; ``Cases``: one per value of the case
  attribute, referring to its transcripts;
- ``Sources``: each transcript as a UTF-8 ``TextSource`` (``plainTextPath="internal://<guid>.txt"``,
  the file under ``sources/``) with its attribute values; each coder's codings of a segment as one
  ``PlainTextSelection`` whose ``startPosition``/``endPosition`` count Unicode code points of that
  exact text, one ``Coding`` per code (``creatingUser`` the coder), a coding's memo and the coder's
  notes on the segment as ``NoteRef``s;
- ``Notes``: those memos and notes, and the analytic memos of ``memos/``;
- ``Description``: the settings an import needs to rebuild the same segments
  (``qualcode settings: {...}``).

Orphaned codings and codings of codes missing from the codebook are left out (and counted).
GUIDs are derived from what things are, so exporting twice gives the same file.
"""

from __future__ import annotations

import hashlib
import io
import json
import zipfile
from collections import defaultdict
from dataclasses import dataclass, field
from xml.etree.ElementTree import Element, SubElement

from qualcode.codebook.model import Codebook
from qualcode.coding.records import Coding, Note, coder_slug
from qualcode.coding.resolve import CodingSet
from qualcode.interop.refi.codebook import add_codes, code_guid, serialise
from qualcode.interop.refi.guids import derived
from qualcode.interop.refi.safexml import PROJECT_NS
from qualcode.study.corpus import Corpus

NS = PROJECT_NS
SETTINGS_PREFIX = "qualcode settings: "
_EPOCH = (1980, 1, 1, 0, 0, 0)


@dataclass(frozen=True)
class MemoDoc:
    """An analytic memo to export: its file name, title, author, date (ISO) and Markdown text."""

    key: str
    title: str
    author: str
    date: str
    text: str


@dataclass
class ExportSummary:
    """What went into the archive."""

    sources: int = 0
    codes: int = 0
    codings: int = 0
    selections: int = 0
    notes: int = 0
    memos: int = 0
    users: int = 0
    left_out: list[str] = field(default_factory=list)


def _tag(name: str) -> str:
    return f"{{{NS}}}{name}"


def _date_time(stamp: str) -> str | None:
    """An xsd:dateTime from a qualcode timestamp (``2026-11-23T19:20:30Z``) or a memo date."""
    if not stamp:
        return None
    return stamp if "T" in stamp else f"{stamp}T00:00:00Z"


def _note(notes: Element, guid: str, name: str, text: str, user: str | None, stamp: str) -> None:
    attributes = {"guid": guid, "name": name}
    if user:
        attributes["creatingUser"] = user
    when = _date_time(stamp)
    if when:
        attributes["creationDateTime"] = when
    element = SubElement(notes, _tag("Note"), attributes)
    SubElement(element, _tag("PlainTextContent")).text = text


def export_qdpx(
    corpus: Corpus,
    codebook: Codebook,
    codings: CodingSet,
    name: str,
    origin: str,
    settings: dict[str, object],
    memos: list[MemoDoc] = (),  # type: ignore[assignment]
) -> tuple[bytes, ExportSummary]:
    """The ``.qdpx`` bytes of the project, and a summary of what is in it."""
    summary = ExportSummary()
    root = Element(_tag("Project"), {"name": name, "origin": origin})
    users: dict[str, str] = {}

    def user(coder: str) -> str:
        key = coder_slug(coder)
        if key not in users:
            users[key] = derived("user", key)
            names[key] = coder
        return users[key]

    names: dict[str, str] = {}
    for coder in codings.coders:
        user(coder)
    for memo in memos:
        if memo.author:
            user(memo.author)
    users_element = SubElement(root, _tag("Users"))

    codebook_element = SubElement(root, _tag("CodeBook"))
    add_codes(codebook_element, codebook, NS)
    summary.codes = sum(1 for _ in codebook.walk())

    attribute_names = sorted(corpus.attribute_names)
    variables = {n: derived("variable", n) for n in attribute_names}
    if variables:
        variables_element = SubElement(root, _tag("Variables"))
        for attribute, guid in variables.items():
            SubElement(variables_element, _tag("Variable"), {"guid": guid, "name": attribute, "typeOfVariable": "Text"})

    source_guid = {t.id: derived("source", t.id) for t in corpus.transcripts}
    cases: dict[str, list[str]] = defaultdict(list)
    for transcript in corpus.transcripts:
        case = corpus.case_of(transcript.id)
        if case:
            cases[case].append(transcript.id)
    if cases:
        cases_element = SubElement(root, _tag("Cases"))
        for case in sorted(cases):
            element = SubElement(cases_element, _tag("Case"), {"guid": derived("case", case), "name": case})
            for transcript_id in cases[case]:
                SubElement(element, _tag("SourceRef"), {"targetGUID": source_guid[transcript_id]})

    # Who coded what where: (coder, segment) -> codings and notes.
    by_place: dict[tuple[str, str], list[Coding]] = defaultdict(list)
    for coding in codings.codings:
        if coding.code in codebook:
            by_place[(coding.coder, coding.segment)].append(coding)
    for coding in codings.unknown_codes:
        summary.left_out.append(
            f"{coding.coder}'s coding of {coding.segment} with '{coding.code}' (not in the codebook)"
        )
    for orphan in codings.orphans:
        summary.left_out.append(
            f"{orphan.coding.coder}'s orphaned coding '{orphan.coding.code}' on {orphan.coding.segment}"
        )
    for note_orphan in codings.orphaned_notes:
        summary.left_out.append(f"{note_orphan.note.coder}'s note on {note_orphan.note.segment} (its segment is gone)")
    notes_at: dict[tuple[str, str], list[Note]] = defaultdict(list)
    for note in codings.notes:
        if note.segment in corpus.segment_index:
            notes_at[(note.coder, note.segment)].append(note)
        else:
            summary.left_out.append(f"{note.coder}'s note on {note.segment} (its segment is gone)")

    coders_at: dict[str, set[str]] = defaultdict(set)
    for coder, segment_id in [*by_place, *notes_at]:
        coders_at[segment_id].add(coder)
    notes_element = Element(_tag("Notes"))
    sources_element = SubElement(root, _tag("Sources"))
    files: dict[str, bytes] = {}
    for transcript in corpus.transcripts:
        guid = source_guid[transcript.id]
        element = SubElement(
            sources_element,
            _tag("TextSource"),
            {"guid": guid, "name": transcript.id, "plainTextPath": f"internal://{guid}.txt"},
        )
        files[f"sources/{guid}.txt"] = transcript.text.encode("utf-8")
        summary.sources += 1
        for segment in corpus.segments_by_transcript[transcript.id]:
            for coder in sorted(coders_at.get(segment.id, ()), key=coder_slug):
                place = (coder, segment.id)
                found = sorted(by_place.get(place, []), key=lambda c: c.code)
                remarks = notes_at.get(place, [])
                stamps = [c.timestamp for c in found if c.timestamp] + [n.timestamp for n in remarks if n.timestamp]
                attributes = {
                    "guid": derived("selection", f"{coder_slug(coder)}:{segment.id}"),
                    "name": segment.id,
                    "startPosition": str(segment.start),
                    "endPosition": str(segment.end),
                    "creatingUser": user(coder),
                }
                when = _date_time(min(stamps)) if stamps else None
                if when:
                    attributes["creationDateTime"] = when
                selection = SubElement(element, _tag("PlainTextSelection"), attributes)
                summary.selections += 1
                for coding in found:
                    key = f"{coder_slug(coder)}:{segment.id}:{coding.code}"
                    coding_attributes = {"guid": derived("coding", key), "creatingUser": user(coder)}
                    if coding.timestamp:
                        coding_attributes["creationDateTime"] = coding.timestamp
                    coding_element = SubElement(selection, _tag("Coding"), coding_attributes)
                    SubElement(coding_element, _tag("CodeRef"), {"targetGUID": code_guid(codebook.by_id[coding.code])})
                    summary.codings += 1
                    if coding.memo:
                        note_guid = derived("note", f"memo:{key}")
                        SubElement(coding_element, _tag("NoteRef"), {"targetGUID": note_guid})
                        _note(
                            notes_element,
                            note_guid,
                            f"Memo: {coding.code} on {segment.id}",
                            coding.memo,
                            user(coder),
                            coding.timestamp,
                        )
                        summary.notes += 1
                for remark in remarks:
                    digest = hashlib.sha1(f"{remark.timestamp}\0{remark.text}".encode()).hexdigest()[:12]
                    note_guid = derived("note", f"note:{coder_slug(coder)}:{segment.id}:{digest}")
                    SubElement(selection, _tag("NoteRef"), {"targetGUID": note_guid})
                    _note(notes_element, note_guid, f"Note on {segment.id}", remark.text, user(coder), remark.timestamp)
                    summary.notes += 1
        for attribute in attribute_names:
            value = transcript.attributes.get(attribute)
            if value is None or value == "":
                continue
            value_element = SubElement(element, _tag("VariableValue"))
            SubElement(value_element, _tag("VariableRef"), {"targetGUID": variables[attribute]})
            SubElement(value_element, _tag("TextValue")).text = str(value)

    for memo in memos:
        _note(
            notes_element,
            derived("memo", memo.key),
            memo.title,
            memo.text,
            user(memo.author) if memo.author else None,
            memo.date,
        )
        summary.memos += 1
    if len(notes_element):
        root.append(notes_element)
    for key, guid in users.items():
        SubElement(users_element, _tag("User"), {"guid": guid, "name": names[key]})
    summary.users = len(users)
    if not users:
        root.remove(users_element)
    SubElement(
        root, _tag("Description")
    ).text = f"Exported by {origin}.\n{SETTINGS_PREFIX}{json.dumps(settings, ensure_ascii=False, sort_keys=True)}"
    return _zip(serialise(root, NS), files), summary


def _zip(project: bytes, files: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for member, data in [("project.qde", project), *sorted(files.items())]:
            info = zipfile.ZipInfo(member, date_time=_EPOCH)
            info.compress_type = zipfile.ZIP_DEFLATED
            archive.writestr(info, data)
    return buffer.getvalue()
