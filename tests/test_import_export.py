"""Spreadsheet import and export of codings."""

import csv
import io
import json

from openpyxl import Workbook

from qualcode.app.study import open_project

TEXT = """\
---
case: Mesa Verde
role: teacher
participant: MV-T9
---
Interviewer: How do you use assessments?

Lorena Castellanos: We give a benchmark every six weeks and then we regroup kids for the intervention block.

Then the data chat happens on Thursdays with the coach.

Interviewer: Anything else?

Lorena Castellanos: My coaching cycle this fall was about small groups.
"""


def project_root(make_project):
    return make_project({"mesa-verde/teacher-01.txt": TEXT}, config="segment_by: paragraph\n")


def write_csv(path, rows):
    with open(path, "w", newline="", encoding="utf-8") as handle:
        csv.writer(handle).writerows(rows)


def test_import_codings_anchors_exact_fuzzy_and_spanning_quotes(make_project, cli, tmp_path):
    root = project_root(make_project)
    sheet = tmp_path / "sheet.csv"
    write_csv(
        sheet,
        [
            ["Transcript", "Quote", "Code", "Memo"],
            ["mesa-verde/teacher-01", "regroup kids for the intervention block", "data_use", "regrouping"],
            ["mesa-verde/teacher-01.txt", "My coachng cycle this fall", "collaborative_pl/coaching", ""],
            ["mesa-verde/teacher-01", "intervention block. Then the data chat happens", "data_use; coaching", ""],
        ],
    )
    result = cli("-C", root, "import", "codings", sheet, "--coder", "ana", "--new-coder")
    assert result.exit_code == 0, result.stderr
    assert "row 3: quote matched approximately" in result.stderr
    codings = open_project(root).load_codings()
    project = open_project(root)
    spoken = [s for s in project.corpus.segments if not s.skipped]
    got = {(project.corpus.segment_index[c.segment].text[:20], c.code, c.source) for c in codings.codings}
    assert got == {
        (spoken[0].text[:20], "data_use", "import"),
        (spoken[1].text[:20], "data_use", "import"),
        (spoken[0].text[:20], "coaching", "import"),
        (spoken[1].text[:20], "coaching", "import"),
        (spoken[2].text[:20], "coaching", "import"),
    }
    memo = [c.memo for c in codings.codings if c.segment == spoken[0].id and c.code == "data_use"]
    assert memo == ["regrouping"]
    assert "imported 5 coding(s) from 3 row(s) for ana" in result.stderr


def test_import_codings_bad_rows_are_all_listed_and_nothing_is_imported(make_project, cli, tmp_path):
    root = project_root(make_project)
    sheet = tmp_path / "sheet.csv"
    write_csv(
        sheet,
        [
            ["transcript", "quote", "code"],
            ["mesa-verde/teacher-01", "regroup kids", "data_use"],
            ["mesa-verde/teacher-1", "regroup kids", "data_use"],
            ["mesa-verde/teacher-01", "regroup kids", "data_us"],
            ["mesa-verde/teacher-01", "a sentence nobody ever said in this interview", "data_use"],
            ["mesa-verde/teacher-01", "", "data_use"],
        ],
    )
    result = cli("-C", root, "import", "codings", sheet, "--coder", "ana", "--new-coder")
    assert result.exit_code == 1
    assert result.stderr.splitlines()[:4] == [
        f"Error: {sheet}:3: no transcript 'mesa-verde/teacher-1' (did you mean 'mesa-verde/teacher-01'?)",
        f"{sheet}:4: no code 'data_us' (did you mean 'data_use'?)",
        f"{sheet}:5: quote not found in transcript 'mesa-verde/teacher-01' (even approximately); check it against the transcript text",
        f"{sheet}:6: empty quote",
    ]
    assert "nothing was imported" in result.stderr
    assert not (root / "codings" / "ana.jsonl").exists()

    result = cli("-C", root, "import", "codings", sheet, "--coder", "ana", "--new-coder", "--skip-bad")
    assert result.exit_code == 0
    assert "imported 1 coding(s) from 5 row(s) for ana; 4 bad row(s) skipped" in result.stderr
    assert len(open_project(root).load_codings().codings) == 1


def test_import_codings_missing_columns(make_project, cli, tmp_path):
    root = project_root(make_project)
    sheet = tmp_path / "sheet.csv"
    write_csv(sheet, [["file", "text", "code"], ["a", "b", "c"]])
    result = cli("-C", root, "import", "codings", sheet, "--coder", "ana", "--new-coder")
    assert result.exit_code == 1
    assert "sheet.csv:1: missing column(s) transcript, quote (found: file, text, code)" in result.stderr


def test_import_codings_from_xlsx(make_project, cli, tmp_path):
    root = project_root(make_project)
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(["transcript", "quote", "code", "memo"])
    sheet.append(["mesa-verde/teacher-01", "data chat happens on Thursdays", "data_use", None])
    path = tmp_path / "sheet.xlsx"
    workbook.save(path)
    result = cli("-C", root, "import", "codings", path, "--coder", "ben", "--new-coder")
    assert result.exit_code == 0, result.stderr
    [coding] = open_project(root).load_codings().codings
    assert coding.coder == "ben" and coding.code == "data_use"


def test_import_codings_broken_xlsx_is_a_clear_error(make_project, cli, tmp_path):
    root = project_root(make_project)
    path = tmp_path / "broken.xlsx"
    path.write_bytes(b"PK\x03\x04 not really a workbook")
    result = cli("-C", root, "import", "codings", path, "--coder", "ben", "--new-coder")
    assert result.exit_code == 1
    assert "not a readable XLSX workbook" in result.stderr


def test_export_codings_rows_have_the_contract_keys_and_attributes(make_project, cli):
    root = project_root(make_project)
    project = open_project(root)
    segment = [s for s in project.corpus.segments if not s.skipped][0]
    project.code(segment.id, ["data_use"], "ana", memo="note")
    rows = json.loads(cli("-C", root, "export", "codings", "--format", "json").stdout)
    assert rows == [
        {
            "transcript": "mesa-verde/teacher-01",
            "case": "Mesa Verde",
            "segment": segment.id,
            "speaker": "Lorena Castellanos",
            "code": "data_use",
            "coder": "ana",
            "source": "manual",
            "quote": segment.text,
            "memo": "note",
            "time_start": None,
            "time_end": None,
            "participant": "MV-T9",
            "role": "teacher",
        }
    ]
    header = cli("-C", root, "export", "codings").stdout.splitlines()[0]
    assert header == "transcript,case,segment,speaker,code,coder,source,quote,memo,time_start,time_end,participant,role"


def test_export_codings_csv_cells_are_protected_against_formulas(make_project, cli, tmp_path):
    text = TEXT.replace("We give a benchmark", '=HYPERLINK("http://evil","x") We give a benchmark')
    root = make_project({"mesa-verde/teacher-01.txt": text}, config="segment_by: paragraph\n")
    project = open_project(root)
    segment = [s for s in project.corpus.segments if not s.skipped][0]
    project.code(segment.id, ["data_use"], "ana", memo="+1 great quote")
    project.code(segment.id, ["coaching"], "ana", memo="@SUM(A1)")
    out = tmp_path / "out.csv"
    assert cli("-C", root, "export", "codings", "-o", out).exit_code == 0
    rows = list(csv.DictReader(io.StringIO(out.read_text(encoding="utf-8"))))
    assert {r["quote"][:11] for r in rows} == {"'=HYPERLINK"}
    assert {r["memo"] for r in rows} == {"'+1 great quote", "'@SUM(A1)"}


def test_export_codings_output_paths_stay_inside_the_project(make_project, cli):
    root = project_root(make_project)
    assert cli("-C", root, "export", "codings", "-o", "exports/all.csv").exit_code == 0
    assert (root / "exports" / "all.csv").read_text().startswith("transcript,case,segment")
    refused = cli("-C", root, "export", "codings", "-o", "../outside.csv")
    assert refused.exit_code == 1 and "outside the project folder" in refused.stderr
    assert not (root.parent / "outside.csv").exists()
