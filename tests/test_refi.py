"""REFI-QDA exchange: every fixture other tools wrote is read, our exports validate against the
official schemas, export then import gives the same project, and hostile archives are refused
with nothing written."""

from __future__ import annotations

import io
import json
import re
import zipfile
from pathlib import Path
from xml.etree import ElementTree

import pytest

from qualcode.app.study import open_project
from qualcode.codebook.parse import parse_codebook
from qualcode.codebook.write import codebook_yaml
from qualcode.errors import ImportFileError, PathError
from qualcode.interop.refi import archive as archive_module
from qualcode.interop.refi.codebook import GROUPING_NOTE, qdc_bytes, read_codebook_file
from qualcode.interop.refi.project_import import _map_offsets, import_qdpx
from tests.helpers import REPO, SHARED, build_study

REFI = SHARED / "fixtures" / "refi-qda"
needs_fixtures = pytest.mark.skipif(not REFI.is_dir(), reason=f"the shared REFI-QDA fixtures are not at {REFI}")


def xsd(name: str):
    lxml = pytest.importorskip("lxml.etree")
    return lxml.XMLSchema(lxml.parse(str(REFI / "schemas" / name)))


def assert_valid(schema, data: bytes) -> None:
    from lxml import etree

    document = etree.fromstring(data)
    assert schema.validate(document), schema.error_log.last_error


def code_elements(data: bytes) -> int:
    return sum(1 for node in ElementTree.fromstring(data).iter() if node.tag.rsplit("}", 1)[-1] == "Code")


def qde_of(path: Path) -> bytes:
    if path.suffix == ".qdpx":
        with zipfile.ZipFile(path) as archive:
            return archive.read("project.qde")
    return path.read_bytes()


# -- codebooks ------------------------------------------------------------------------------------

CODEBOOK_FILES = (
    sorted(
        p
        for p in REFI.rglob("*")
        if p.suffix in (".qdc", ".qde", ".qdpx") and "blank" not in p.name and p.parent.name != "invalid"
    )
    if REFI.is_dir()
    else []
)


@needs_fixtures
@pytest.mark.parametrize("path", CODEBOOK_FILES, ids=[p.name for p in CODEBOOK_FILES])
def test_refi_every_fixture_codebook_comes_through(path):
    book, notes = read_codebook_file(path, path.name)
    assert sum(1 for _ in book.walk()) >= code_elements(qde_of(path))  # every code (nesting may add parents)
    ids = [c.id for c in book.walk()]
    assert len(ids) == len(set(ids)) and all(re.fullmatch(r"[a-z0-9_]+", i) for i in ids)
    _, problems = parse_codebook(codebook_yaml(book, notes), "out.yaml")
    assert problems == []


@needs_fixtures
def test_refi_spec_codebook_grouping_codes_colours_and_braced_guids():
    book, _ = read_codebook_file(REFI / "qdc" / "refi-qda-1.5-spec_annexA1_codebook.qdc", "spec.qdc")
    assert [c.id for c in book.walk()] == ["topics", "economy", "health_care", "values", "conservatives", "liberals"]
    assert GROUPING_NOTE in book.by_id["topics"].definition and GROUPING_NOTE not in book.by_id["economy"].definition
    assert book.by_id["economy"].color == "#ffff00" and book.by_id["economy"].definition.startswith(
        "Anything about jobs"
    )
    assert book.by_id["topics"].guid == "5215cc69-b628-4e02-afb9-9beeaee55808"  # braces gone, lower case


@needs_fixtures
def test_refi_atlasti_code_groups_taguette_empty_sets_and_flat_names():
    atlas, _ = read_codebook_file(REFI / "qdc" / "atlasti-win-23.4.0_requal-test.qdc", "a.qdc")
    code = atlas.by_id["code1"]
    assert code.color == "#46aa00" and "Code groups: code group 1 (kategorie 1)" in code.definition
    taguette, _ = read_codebook_file(REFI / "qdc" / "taguette-1.5.2_test-expected-codebook.qdc", "t.qdc")
    assert [(c.id, c.label) for c in taguette.walk()] == [
        ("interesting", "interesting"),
        ("people", "people"),
        ("interesting_places", "interesting\\places"),
    ]
    spec, notes = read_codebook_file(REFI / "qde" / "refi-qda-1.5-spec_annexA2_atlasti-8.4.0-mac.qde", "s.qde")
    assert [c.id for c in spec.by_id["coke"].children] == ["full_fat_coke", "diet_coke"]
    # a codebook colours top-level codes only: the sub-codes' colours are dropped, and said so
    assert spec.by_id["full_fat_coke"].color is None and spec.by_id["diet_coke"].color is None
    assert (
        "the colours of 2 sub-code(s) were dropped ('full-fat Coke', 'diet Coke'): "
        "sub-codes are drawn in their top-level code's colour"
    ) in notes
    assert spec.by_id["rushed"].label == '"rushed"'


@needs_fixtures
@pytest.mark.parametrize("namespace", ["urn:QDA-XML:codebook:0:4", "urn:QDA-XML:codebook:1:0"])
def test_refi_older_and_nvivo_mac_namespaces(tmp_path, namespace):
    text = (REFI / "qdc" / "atlasti-win-23.4.0_requal-test.qdc").read_text()
    path = tmp_path / "old.qdc"
    path.write_text(text.replace('xmlns="urn:QDA-XML:codebook:1.0"', f'xmlns="{namespace}"'))
    book, notes = read_codebook_file(path, "old.qdc")
    assert [c.id for c in book.walk()] == ["code1"]
    assert any(namespace in note for note in notes)


@needs_fixtures
def test_refi_truncated_codebook_is_an_error_with_its_line(cli, tmp_path):
    result = cli("codebook", "import", REFI / "invalid" / "atlasti-win-23.4.0_requal-test_truncated.qdc")
    assert result.exit_code == 1
    assert re.search(r"atlasti-win-23\.4\.0_requal-test_truncated\.qdc:17: not well-formed XML", result.stderr)
    assert "Traceback" not in result.stderr


@needs_fixtures
def test_refi_qdc_export_validates_and_keeps_its_guids(make_project, cli, tmp_path):
    study = open_project(REPO)
    first = qdc_bytes(study.codebook, "qualcode test")
    assert_valid(xsd("Codebook.xsd"), first)
    assert qdc_bytes(study.codebook, "qualcode test") == first  # the same file every time
    exported = tmp_path / "book.qdc"
    exported.write_bytes(first)
    back, _ = read_codebook_file(exported, "book.qdc")
    assert back.to_json()["codes"] == study.codebook.to_json()["codes"]  # ids, labels, rules, colours


def test_refi_codebook_cli_export_and_import(make_project, cli, tmp_path):
    root = make_project({"a.txt": "---\ncase: X\n---\nAnn: hi\n"})
    assert cli("-C", root, "codebook", "export", "--format", "qdc").exit_code == 2  # needs -o
    assert cli("-C", root, "codebook", "export", "--format", "qdc", "-o", "reports/book.qdc").exit_code == 0
    out = root / "codebooks" / "back.yaml"
    result = cli("-C", root, "codebook", "import", root / "reports" / "book.qdc", "-o", "codebooks/back.yaml")
    assert result.exit_code == 0, result.stderr
    assert "wrote codebooks/back.yaml (3 codes)" in result.stderr
    assert cli("-C", root, "codebook", "validate", out).exit_code == 0
    again = cli("-C", root, "codebook", "import", root / "reports" / "book.qdc", "-o", "codebooks/back.yaml")
    assert again.exit_code == 1 and "already exists; pass --force" in again.stderr


# -- projects -------------------------------------------------------------------------------------


def test_refi_qdpx_export_validates_and_round_trips(make_project, cli, tmp_path):
    study = build_study(make_project)
    first = study.segments()["id"].iloc[1]
    study.annotate(first, "a note to keep", "ana")
    memo = study.root / "memos" / "2026-01-02-trust.md"
    memo.parent.mkdir(exist_ok=True)
    memo.write_text("---\ntitle: Trust\nauthor: ana\ndate: 2026-01-02\ncodes: [family]\n---\n\nTrust first.\n")
    result = cli("-C", study.root, "export", "qdpx", "-o", tmp_path / "study.qdpx")
    assert result.exit_code == 0, result.stderr
    data = (tmp_path / "study.qdpx").read_bytes()
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        names = archive.namelist()
        project = archive.read("project.qde")
    if REFI.is_dir():
        assert_valid(xsd("Project.xsd"), project)
    assert names[0] == "project.qde" and len([n for n in names if n.startswith("sources/")]) == 3
    # offsets count code points of the exact source text
    root = ElementTree.fromstring(project)
    ns = {"q": "urn:QDA-XML:project:1.0"}
    source = root.find("q:Sources/q:TextSource", ns)
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        text = archive.read(f"sources/{source.get('guid')}.txt").decode("utf-8")
    for selection in source.findall("q:PlainTextSelection", ns):
        segment = selection.get("name")
        start, end = int(selection.get("startPosition")), int(selection.get("endPosition"))
        assert text[start:end] == study.corpus.segment_index[segment].text
    back = tmp_path / "back"
    imported = cli("import", "qdpx", tmp_path / "study.qdpx", "-C", back)
    assert imported.exit_code == 0, imported.stderr
    again = open_project(back)
    assert {(c.segment, c.code, c.coder) for c in again.load_codings().codings} == {
        (c.segment, c.code, c.coder) for c in study.load_codings().codings
    }
    assert {t.id: t.attributes for t in again.corpus.transcripts} == {
        t.id: t.attributes for t in study.corpus.transcripts
    }
    assert again.codebook.to_json() == study.codebook.to_json()
    assert [(n.segment, n.text) for n in again.load_codings().notes] == [(first, "a note to keep")]
    assert "Trust first." in (back / "memos" / "trust.md").read_text()
    assert (tmp_path / "study.qdpx").read_bytes() == data  # exporting writes nothing else
    assert cli("-C", study.root, "export", "qdpx", "-o", tmp_path / "again.qdpx").exit_code == 0
    assert (tmp_path / "again.qdpx").read_bytes() == data  # stable across exports


@needs_fixtures
def test_refi_imports_the_qc_demo_with_its_offsets(tmp_path):
    report = import_qdpx(REFI / "qdpx" / "qc-1.3.2_demo.qdpx", "demo.qdpx", tmp_path / "qc")
    assert (report.transcripts, report.codes, report.selections, report.users) == (2, 262, 158, ["cp"])
    study = open_project(tmp_path / "qc")
    assert {t.id for t in study.corpus.transcripts} == {"board_2017", "admin-1"}
    goal = "This district goal is engage every student in joyful, purposeful learning that \n"
    codings = [c for c in study.load_codings().codings if c.anchor.selection == goal]
    assert codings and all(goal.strip() in study.corpus.segment_index[c.segment].text for c in codings)
    assert report.off_boundary == 158  # qc selects lines; qualcode's segments here are paragraphs
    assert report.codings == len(study.load_codings().codings)


@needs_fixtures
@pytest.mark.parametrize(
    "name",
    [
        "atlasti-win-23.2.3_target-atlas-project.qdpx",
        "nvivo-mac-15.0.0_qc-nvivo_project.qdpx",
        "atlasti-win-23.2.3_blank-atlas-project.qdpx",
    ],
)
def test_refi_imports_the_atlasti_and_nvivo_samples(tmp_path, name):
    report = import_qdpx(REFI / "qdpx" / name, name, tmp_path / "p")
    study = open_project(tmp_path / "p")
    expected = code_elements(qde_of(REFI / "qdpx" / name))
    assert report.codes == expected  # every code comes through
    if expected:
        assert sum(1 for _ in study.codebook.walk()) == expected
    else:  # a project without codes gets a placeholder code, so the codebook is valid
        assert [c.id for c in study.codebook.walk()] == ["unsorted"]
    if "nvivo" in name:
        assert report.transcripts == 2


def qdpx(path: Path, project: str, sources: dict[str, bytes], qde_name: str = "project.qde", folder: str = "sources"):
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr(qde_name, project)
        for name, data in sources.items():
            archive.writestr(f"{folder}/{name}", data)
    return path


PROJECT = """<?xml version="1.0" encoding="utf-8"?>
<Project xmlns="urn:QDA-XML:project:1.0" name="quirks" origin="Some Tool 1.0">
  <Users><User guid="11111111-1111-1111-1111-111111111111" name="Rosa"/></Users>
  <CodeBook><Codes>
    <Code guid="22222222-2222-2222-2222-222222222222" name="Trust" isCodable="true" color="#ABC"/>
    <Code guid="33333333-3333-3333-3333-333333333333" name="Trust" isCodable="true"/>
  </Codes></CodeBook>
  <Sources>
    <TextSource guid="44444444-4444-4444-4444-444444444444" name="Interview Rosa" plainTextPath="internal:/rosa.txt">
      <PlainTextSelection guid="55555555-5555-5555-5555-555555555555" startPosition="{start}" endPosition="{end}"
                          creatingUser="11111111-1111-1111-1111-111111111111">
        <Coding guid="66666666-6666-6666-6666-666666666666" creatingUser="11111111-1111-1111-1111-111111111111">
          <CodeRef targetGUID="22222222-2222-2222-2222-222222222222"/>
        </Coding>
      </PlainTextSelection>
      <PlainTextSelection guid="77777777-7777-7777-7777-777777777777" startPosition="5" endPosition="99999">
        <Coding guid="88888888-8888-8888-8888-888888888888"><CodeRef targetGUID="33333333-3333-3333-3333-333333333333"/></Coding>
      </PlainTextSelection>
    </TextSource>
  </Sources>
</Project>"""


def test_refi_real_world_quirks_crlf_bom_one_slash_case_and_names(tmp_path):
    stored = "\ufeffAnn: We trust the\r\ncoach.\r\n\r\nBo: Me too.\r\n"
    start = stored.index("trust")
    end = stored.index("coach.") + len("coach.")
    path = qdpx(
        tmp_path / "quirks.qdpx",
        PROJECT.format(start=start, end=end),
        {"rosa.txt": stored.encode("utf-8")},
        qde_name="quirks.qde",
        folder="Sources",
    )
    report = import_qdpx(path, "quirks.qdpx", tmp_path / "p")
    study = open_project(tmp_path / "p")
    assert [c.id for c in study.codebook.walk()] == ["trust", "trust_2"]
    assert study.codebook.by_id["trust"].color == "#aabbcc"
    [transcript] = study.corpus.transcripts
    assert transcript.id == "Interview Rosa"
    codings = study.load_codings().codings
    selected = {c.anchor.selection for c in codings if c.code == "trust"}
    assert selected == {"trust the\ncoach."}  # the same words, though the file has CRLF and a BOM
    assert report.past_end == 1 and any("past the end" in note for note in report.left_out)


def test_refi_offsets_map_crlf_bom_and_nfc():
    text, positions = _map_offsets("\ufeffa\r\nbe\u0301c")
    assert text == "a\nbéc"
    assert [positions[i] for i in range(len(positions))] == [0, 0, 1, 1, 2, 3, 3, 4, 5]


# -- hostile input --------------------------------------------------------------------------------


def hostile(tmp_path, members: dict[str, bytes], symlink: str | None = None) -> Path:
    path = tmp_path / "evil.qdpx"
    with zipfile.ZipFile(path, "w") as archive:
        for name, data in members.items():
            archive.writestr(name, data)
        if symlink:
            info = zipfile.ZipInfo(symlink)
            info.external_attr = 0o120777 << 16
            archive.writestr(info, "/etc/passwd")
    return path


MINIMAL = b'<Project xmlns="urn:QDA-XML:project:1.0" name="x"/>'


@pytest.mark.parametrize(
    "members, symlink, message",
    [
        ({"project.qde": MINIMAL, "../evil.txt": b"x"}, None, "points outside the archive"),
        ({"project.qde": MINIMAL, "/etc/evil": b"x"}, None, "points outside the archive"),
        ({"project.qde": MINIMAL, "C:/Windows/evil.txt": b"x"}, None, "points outside the archive"),
        ({"project.qde": MINIMAL, "sources\\..\\..\\evil.txt": b"x"}, None, "points outside the archive"),
        ({"project.qde": MINIMAL}, "sources/link.txt", "is a symbolic link"),
    ],
    ids=["dot-dot", "absolute", "drive", "backslashes", "symlink"],
)
def test_refi_hostile_archives_are_refused_and_nothing_is_written(tmp_path, cli, members, symlink, message):
    path = hostile(tmp_path, members, symlink)
    result = cli("import", "qdpx", path, "-C", tmp_path / "new")
    assert result.exit_code == 1 and message in result.stderr and "Traceback" not in result.stderr
    assert not (tmp_path / "new").exists() and [p.name for p in tmp_path.iterdir()] == ["evil.qdpx"]


def test_refi_billion_laughs_is_refused(tmp_path, cli):
    laughs = (
        b'<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;">'
        b'<!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;">]><Project xmlns="urn:QDA-XML:project:1.0" name="&lol3;"/>'
    )
    result = cli("import", "qdpx", hostile(tmp_path, {"project.qde": laughs}), "-C", tmp_path / "new")
    assert result.exit_code == 1 and "refused: the XML declares" in result.stderr
    assert not (tmp_path / "new").exists()
    qdc = tmp_path / "laughs.qdc"
    qdc.write_bytes(laughs.replace(b"Project", b"CodeBook"))
    assert cli("codebook", "import", qdc).exit_code == 1


def test_refi_zip_bombs_are_refused(tmp_path, cli, monkeypatch):
    big = b"\0" * 3_000_000  # compresses to a few KB
    path = hostile(tmp_path, {"project.qde": MINIMAL, "sources/bomb.txt": big})
    monkeypatch.setattr(archive_module, "MAX_MEMBER_BYTES", 1_000_000)
    result = cli("import", "qdpx", path, "-C", tmp_path / "new")
    assert result.exit_code == 1 and "bytes decompressed" in result.stderr
    monkeypatch.setattr(archive_module, "MAX_MEMBER_BYTES", 10_000_000)
    monkeypatch.setattr(archive_module, "MAX_TOTAL_BYTES", 2_000_000)
    assert "once decompressed" in cli("import", "qdpx", path, "-C", tmp_path / "new").stderr
    monkeypatch.setattr(archive_module, "MAX_MEMBERS", 1)
    assert "members, more than 1" in cli("import", "qdpx", path, "-C", tmp_path / "new").stderr
    assert not (tmp_path / "new").exists()


def test_refi_a_member_larger_than_its_header_is_refused(tmp_path):
    path = hostile(tmp_path, {"project.qde": MINIMAL, "sources/a.txt": b"x" * 5000})
    checked = archive_module.open_archive(path, "evil.qdpx")
    checked.members["sources/a.txt"].file_size = 10  # the header lies
    with pytest.raises(ImportFileError, match="damaged or not the size its header says"):
        checked.read("sources/a.txt")


def test_refi_import_refuses_a_folder_that_is_not_empty(tmp_path):
    (tmp_path / "taken").mkdir()
    (tmp_path / "taken" / "x").write_text("mine")
    with pytest.raises(PathError, match="not an empty folder"):
        import_qdpx(hostile(tmp_path, {"project.qde": MINIMAL}), "x.qdpx", tmp_path / "taken")
    assert (tmp_path / "taken" / "x").read_text() == "mine"


def test_refi_export_json_settings_rebuild_the_same_segments(make_project, tmp_path):
    root = make_project({"a.txt": "---\ncase: X\n---\nAnn: One.\n\nTwo.\n"}, config="segment_by: turn\n")
    study = open_project(root)
    data, _ = study.export_qdpx()
    description = (
        ElementTree.fromstring(zipfile.ZipFile(io.BytesIO(data)).read("project.qde"))
        .find("{urn:QDA-XML:project:1.0}Description")
        .text
    )
    settings = json.loads(description.split("qualcode settings: ", 1)[1])
    assert settings["segment_by"] == "turn"
    (tmp_path / "x.qdpx").write_bytes(data)
    import_qdpx(tmp_path / "x.qdpx", "x.qdpx", tmp_path / "back")
    assert [s.id for s in open_project(tmp_path / "back").corpus.segments] == [s.id for s in study.corpus.segments]


def test_refi_a_qde_with_its_sources_folder_and_case_variables(tmp_path, cli):
    folder = tmp_path / "export"
    (folder / "Sources").mkdir(parents=True)
    (folder / "Sources" / "rosa.txt").write_text("Ann: We trust the coach.\n", encoding="utf-8")
    (folder / "Sources" / "note-1.txt").write_text("Trust came first in every district.", encoding="utf-8")
    project = (
        PROJECT.format(start=8, end=13)
        .replace(
            "<Sources>",
            '<Variables><Variable guid="99999999-9999-9999-9999-999999999999" name="locale" typeOfVariable="Text"/>'
            '</Variables><Cases><Case guid="aaaaaaaa-aaaa-aaaa-aaaa-aaaaaaaaaaaa" name="North">'
            '<VariableValue><VariableRef targetGUID="99999999-9999-9999-9999-999999999999"/><TextValue>rural</TextValue>'
            '</VariableValue><SourceRef targetGUID="44444444-4444-4444-4444-444444444444"/></Case></Cases><Sources>',
        )
        .replace(
            "</Sources>",
            '</Sources><Notes><Note guid="bbbbbbbb-bbbb-bbbb-bbbb-bbbbbbbbbbbb" name="Trust"'
            ' plainTextPath="internal://note-1.txt"/></Notes>',
        )
    )
    (folder / "project.qde").write_text(project, encoding="utf-8")
    result = cli("import", "qdpx", folder / "project.qde", "-C", tmp_path / "p")
    assert result.exit_code == 0, result.stderr
    study = open_project(tmp_path / "p")
    [transcript] = study.corpus.transcripts
    assert transcript.attributes == {"case": "North", "locale": "rural"}
    assert {c.anchor.selection for c in study.load_codings().codings if c.code == "trust"} == {"trust"}
    assert "Trust came first in every district." in (tmp_path / "p" / "memos" / "trust.md").read_text()
