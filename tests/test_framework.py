"""The framework matrix: the builder, `qualcode framework` in each format, and its errors."""

from __future__ import annotations

import csv
import io

import pytest

from qualcode.app.study import open_project
from tests.helpers import CEDAR, TRANSCRIPTS, build_study, segment, tree

CASES_CSV = """\
case,locale,enrollment
Alder,suburban,"12,400"
Bayview,large urban,"31,850"
Cedar,small rural,860
"""


@pytest.fixture
def study(make_project):
    made = build_study(make_project, transcripts={**TRANSCRIPTS, "cedar/teacher-01.txt": CEDAR})
    (made.root / "cases.csv").write_text(CASES_CSV, encoding="utf-8")
    study = open_project(made.root)
    central = segment(study, "Coaching is central").id
    study.summarize("Alder", "collaborative_pl", f"Coaching is **weekly** | and central [[{central}]].", "ana")
    return open_project(made.root)


def test_framework_counts_equal_the_matrix(study):
    framework = study.framework()
    matrix = study.matrix()
    for code, _label in framework.themes:
        for case in framework.cases:
            assert framework.cell(case, code).count == matrix.loc[code, case], (case, code)
    assert framework.cell("Alder", "collaborative_pl").count == 3


def test_framework_cited_quotes_come_first(study):
    cell = study.framework().cell("Alder", "collaborative_pl")
    assert cell.quotes[0].text == "Coaching is central." and cell.quotes[0].cited
    assert [q.cited for q in cell.quotes[1:]] == [False, False]
    assert cell.quotes[1].participant == "A-T1"  # the participant attribute
    assert cell.quotes[0].participant == "Ann Diaz"  # no participant attribute: the speaker
    assert cell.summary is not None and cell.summary.author == "ana"


def test_framework_context_rows_and_order_by(study):
    framework = study.framework(order_by="enrollment", descending=True)
    assert framework.cases == ["Bayview", "Alder", "Cedar"]
    assert framework.context[0] == ("locale", ["large urban", "suburban", "small rural"])
    assert study.framework().cases == ["Alder", "Bayview", "Cedar"]
    assert study.framework(order_by="enrollment").cases == ["Cedar", "Alder", "Bayview"]


def test_framework_markdown_is_a_well_formed_pipe_table(study, cli):
    result = cli("-C", study.root, "framework", "--quotes", "2", "--order-by", "enrollment")
    assert result.exit_code == 0, result.stderr
    lines = result.stdout.strip().splitlines()
    assert lines[0] == "|  | Cedar | Alder | Bayview |"
    widths = {line.replace("\\|", "").count("|") for line in lines}
    assert widths == {5}
    assert lines[2].startswith("| *locale* | small rural | suburban | large urban |")
    collab = next(line for line in lines if line.startswith("| **Collaborative PL**"))
    assert 'Coaching is **weekly** \\| and central.<br>"Coaching is central." (Ann Diaz)' in collab
    assert collab.startswith("| **Collaborative PL** | 0 quotes | ")  # Cedar: nothing coded
    assert collab.endswith(' | 1 quote<br>"We have a PLC too." (B-T1) |')  # no summary: the count
    assert "[[" not in result.stdout


def test_framework_csv_and_xlsx_are_formula_safe(study, cli):
    study.summarize("Bayview", "family", "=cmd|' /C calc'!A0", "ana")
    result = cli("-C", study.root, "framework", "--format", "csv")
    assert result.exit_code == 0, result.stderr
    rows = list(csv.reader(io.StringIO(result.stdout)))
    assert rows[0] == ["row", "Alder", "Bayview", "Cedar"]
    family = next(r for r in rows if r[0] == "Family")
    assert family[2] == "'=cmd|' /C calc'!A0"
    assert cli("-C", study.root, "framework", "--format", "xlsx", "-o", "out/f.xlsx").exit_code == 0
    from openpyxl import load_workbook

    sheet = load_workbook(study.root / "out" / "f.xlsx").active
    values = [c.value for row in sheet.iter_rows() for c in row]
    assert "'=cmd|' /C calc'!A0" in values
    assert not any(isinstance(v, str) and v.startswith("=") for v in values)


def test_framework_docx_is_a_word_table(study, cli):
    result = cli("-C", study.root, "framework", "--format", "docx", "--quotes", "1", "-o", "reports/f.docx")
    assert result.exit_code == 0, result.stderr
    assert "wrote reports/f.docx" in result.stderr
    from docx import Document

    table = Document(str(study.root / "reports" / "f.docx")).tables[0]
    assert [c.text for c in table.rows[0].cells] == ["", "Alder", "Bayview", "Cedar"]
    assert [c.text for c in table.rows[1].cells] == ["locale", "suburban", "large urban", "small rural"]
    collab = next(r for r in table.rows if r.cells[0].text == "Collaborative PL")
    assert collab.cells[0].paragraphs[0].runs[0].bold
    summary, quote = collab.cells[1].paragraphs
    assert summary.text == "Coaching is weekly | and central."
    assert [r.text for r in summary.runs if r.bold] == ["weekly"]
    assert quote.runs[0].italic and quote.runs[0].text == "\u201cCoaching is central.\u201d"
    assert quote.text.endswith("(Ann Diaz)")
    assert collab.cells[2].paragraphs[0].text == "1 quote"


def test_framework_errors(study, cli):
    unknown = cli("-C", study.root, "framework", "--order-by", "enrolment")
    assert unknown.exit_code == 1
    assert "no case attribute 'enrolment' (did you mean 'enrollment'?)" in unknown.stderr
    assert "Traceback" not in unknown.stderr
    docx = cli("-C", study.root, "framework", "--format", "docx")
    assert docx.exit_code == 1
    assert "--format docx needs a file: add -o FILE" in docx.stderr
    assert cli("-C", study.root, "framework", "--descending").exit_code == 2


def test_framework_reads_do_not_write(study, cli):
    before = tree(study.root)
    for fmt in ("md", "csv"):
        assert cli("-C", study.root, "framework", "--format", fmt, "--quotes", "3").exit_code == 0
    assert tree(study.root) == before
    frame = study.framework().cells
    assert frame  # the API builds it too
