"""Case attributes (cases.csv / cases.yaml): typing, validation, and everywhere attributes are used."""

from __future__ import annotations

import json

import pytest

from qualcode.app.study import open_project
from qualcode.report.context import report_context
from qualcode.study.attributes import MISSING
from qualcode.study.cases import parse_number
from tests.helpers import CEDAR, TRANSCRIPTS, build_study, tree

CASES_CSV = """\
case,locale,enrollment,title1_share,foster_youth
Alder,suburban,"12,400",38%,86
Bayview,large urban,"31,850",71%,
Cedar,small rural,860,3.5%,7
"""


@pytest.fixture
def study(make_project):
    made = build_study(make_project, transcripts={**TRANSCRIPTS, "cedar/teacher-01.txt": CEDAR})
    (made.root / "cases.csv").write_text(CASES_CSV, encoding="utf-8")
    return open_project(made.root)


def write_cases(study, text, name="cases.csv"):
    (study.root / name).write_text(text, encoding="utf-8")
    return study.root


def test_cases_numbers_parse_with_thousands_separators_and_percentages():
    assert parse_number("12,400") == 12400
    assert parse_number("1 204") == 1204
    assert parse_number("3.5") == 3.5
    assert parse_number("38%") == 0.38
    assert parse_number("-2") == -2
    assert parse_number("12,40") is None
    assert parse_number("large urban") is None
    assert parse_number("") is None


def test_cases_table_keeps_column_order_types_and_missing_values(study):
    table = study.corpus.case_table
    assert table.path == study.root / "cases.csv"
    assert table.attributes == ("locale", "enrollment", "title1_share", "foster_youth")
    assert table.numeric == {"enrollment", "title1_share", "foster_youth"}
    assert table.value("Alder", "enrollment") == 12400
    assert table.value("Alder", "title1_share") == 0.38
    assert table.value("Cedar", "title1_share") == 0.035
    assert table.value("Bayview", "foster_youth") is None
    assert table.text("Alder", "enrollment") == "12,400"
    assert table.text("Alder", "title1_share") == "38%"
    assert table.text("Bayview", "foster_youth") == MISSING
    assert table.value("Bayview", "locale") == "large urban"
    assert study.corpus.attributes_of("alder/teacher-01")["locale"] == "suburban"
    assert "enrollment" in study.corpus.attribute_names


def test_cases_text_column_with_one_word_stays_text(make_project):
    made = build_study(make_project)
    write_cases(made, "case,enrollment\nAlder,12\nBayview,about 40\n")
    table = open_project(made.root).corpus.case_table
    assert table.numeric == frozenset()
    assert table.value("Alder", "enrollment") == "12"


def test_cases_yaml_mapping_and_list_forms(make_project):
    made = build_study(make_project)
    write_cases(made, "Alder:\n  locale: suburban\n  enrollment: 12,400\nBayview:\n  locale: town\n", "cases.yaml")
    table = open_project(made.root).corpus.case_table
    assert table.attributes == ("locale", "enrollment")
    assert table.value("Alder", "enrollment") == 12400
    assert table.value("Bayview", "enrollment") is None
    (made.root / "cases.yaml").write_text("- case: Alder\n  schools: 4\n- case: Bayview\n  schools: 9\n")
    assert open_project(made.root).corpus.case_table.value("Bayview", "schools") == 9


def test_cases_command_shows_the_attributes(study, cli):
    result = cli("-C", study.root, "cases")
    assert result.exit_code == 0, result.stderr
    header, _, alder = result.stdout.splitlines()[:3]
    assert header.split()[-4:] == ["locale", "enrollment", "title1_share", "foster_youth"]
    assert "12,400" in alder and "38%" in alder
    rows = json.loads(cli("-C", study.root, "cases", "--format", "json").stdout)
    assert rows[0]["case"] == "Alder" and rows[0]["segments"] == 6
    assert rows[0]["attributes"] == {
        "locale": "suburban",
        "enrollment": 12400,
        "title1_share": 0.38,
        "foster_youth": 86,
    }
    assert rows[1]["attributes"]["foster_youth"] is None
    csv_text = cli("-C", study.root, "cases", "--format", "csv").stdout
    assert csv_text.splitlines()[0].endswith("roles,locale,enrollment,title1_share,foster_youth")


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "case,locale\nAlder,town\nBayveiw,town\n",
            "cases.csv:3: no case 'Bayveiw' in the transcripts (did you mean 'Bayview'?)",
        ),
        ("case,locale\nAlder,town\nAlder,city\n", "cases.csv:3: case 'Alder' has a row already (line 2)"),
        ("district,locale\nAlder,town\n", "cases.csv:1: no 'case' column"),
        ("case,role\nAlder,teacher\n", "cases.csv:1: column 'role' is also a transcript attribute"),
    ],
    ids=["unknown case", "duplicate row", "no case column", "conflict"],
)
def test_cases_validation_errors_name_file_and_line(study, cli, text, expected):
    write_cases(study, text)
    for args in (["cases"], ["matrix"], ["check"]):
        result = cli("-C", study.root, *args)
        assert result.exit_code == 1, (args, result.stderr)
        assert expected in result.stdout + result.stderr, args
        assert "Traceback" not in result.stderr


def test_cases_validation_reports_every_problem_at_once(study, cli):
    write_cases(study, "case,locale\nAlderr,town\nBayview,x\nBayview,y\n")
    result = cli("-C", study.root, "matrix")
    assert result.exit_code == 1
    assert "cases.csv:2: no case 'Alderr'" in result.stderr
    assert "cases.csv:4: case 'Bayview' has a row already" in result.stderr


def test_cases_both_files_is_an_error_saying_which_to_keep(study, cli):
    write_cases(study, "Alder:\n  locale: town\n", "cases.yaml")
    result = cli("-C", study.root, "matrix")
    assert result.exit_code == 1
    assert "both cases.csv and cases.yaml exist; keep one" in result.stderr


def test_cases_file_named_in_the_config(study, cli):
    (study.root / "cases.csv").rename(study.root / "districts.csv")
    (study.root / "qualcode.yaml").write_text("segment_by: turn\ncases: districts.csv\n", encoding="utf-8")
    assert open_project(study.root).corpus.case_table.value("Alder", "enrollment") == 12400
    (study.root / "qualcode.yaml").write_text("segment_by: turn\ncases: district.csv\n", encoding="utf-8")
    result = cli("-C", study.root, "matrix")
    assert result.exit_code == 1 and "'cases: district.csv' names no file" in result.stderr


def test_cases_a_case_without_a_row_is_a_check_warning(study, cli):
    write_cases(study, "case,locale\nAlder,town\n")
    assert study.corpus  # still loads: Bayview and Cedar have missing attributes
    assert open_project(study.root).corpus.case_table.text("Bayview", "locale") == MISSING
    result = cli("-C", study.root, "check")
    assert "cases.csv: no row for case(s) Bayview, Cedar" in result.stdout + result.stderr


def columns(cli, root, *args):
    result = cli("-C", root, "matrix", "--format", "json", *args)
    assert result.exit_code == 0, result.stderr
    return json.loads(result.stdout)["columns"]


def test_cases_matrix_order_by_numbers_text_and_missing_last(study, cli):
    assert columns(cli, study.root) == ["Alder", "Bayview", "Cedar"]
    assert columns(cli, study.root, "--order-by", "enrollment") == ["Cedar", "Alder", "Bayview"]
    assert columns(cli, study.root, "--order-by", "enrollment", "--descending") == ["Bayview", "Alder", "Cedar"]
    assert columns(cli, study.root, "--order-by", "foster_youth") == ["Cedar", "Alder", "Bayview"]
    assert columns(cli, study.root, "--order-by", "foster_youth", "--descending") == ["Alder", "Cedar", "Bayview"]
    assert columns(cli, study.root, "--order-by", "locale") == ["Bayview", "Cedar", "Alder"]
    assert columns(cli, study.root, "--order-by", "locale", "--descending") == ["Alder", "Cedar", "Bayview"]
    assert list(study.matrix(order_by="title1_share").columns) == ["Cedar", "Alder", "Bayview"]


def test_cases_matrix_order_by_ties_by_case_name(study, cli):
    write_cases(study, "case,schools\nCedar,3\nBayview,3\nAlder,9\n")
    assert columns(cli, study.root, "--order-by", "schools") == ["Bayview", "Cedar", "Alder"]


def test_cases_matrix_order_by_orders_the_case_level_of_case_and_role(study, cli):
    found = columns(cli, study.root, "--by", "case,role", "--order-by", "enrollment", "--descending")
    assert found == [["Bayview", "teacher"], ["Alder", "principal"], ["Alder", "teacher"], ["Cedar", "teacher"]]


def test_cases_matrix_order_by_mistakes(study, cli):
    result = cli("-C", study.root, "matrix", "--order-by", "enrolment")
    assert result.exit_code == 1
    assert "no case attribute 'enrolment' (did you mean 'enrollment'?)" in result.stderr
    result = cli("-C", study.root, "matrix", "--by", "role", "--order-by", "enrollment")
    assert result.exit_code == 2
    assert "--order-by orders the case columns" in result.stderr
    assert cli("-C", study.root, "matrix", "--descending").exit_code == 2


def test_cases_matrix_by_a_case_attribute(study, cli):
    result = cli("-C", study.root, "matrix", "--by", "locale", "--format", "json")
    data = json.loads(result.stdout)
    assert data["by"] == "locale"
    assert data["columns"] == ["large urban", "small rural", "suburban"]
    plc = data["rows"].index("collaborative_pl")
    assert data["values"][plc] == [1, 0, 3]  # Bayview: the PLC; Alder: two coaching answers and the PLC


def test_cases_quotes_where_a_case_attribute(study, cli):
    result = cli("-C", study.root, "quotes", "family", "--where", "locale=large urban", "--format", "json")
    assert result.exit_code == 0, result.stderr
    quotes = json.loads(result.stdout)
    assert quotes and {q["case"] for q in quotes} == {"Bayview"}
    result = cli("-C", study.root, "quotes", "family", "--where", "locle=town")
    assert result.exit_code == 1 and "did you mean 'locale'" in result.stderr


def test_cases_report_filters_profiles_and_page_data(study, cli):
    context = report_context(study.corpus, study.codebook, study.select())
    names = [f["name"] for f in context["filters"]]
    assert {"locale", "enrollment", "title1_share", "foster_youth", "role"} <= set(names)
    locale = next(f for f in context["filters"] if f["name"] == "locale")
    assert locale["options"] == ["large urban", "small rural", "suburban"]
    table = context["data"]["cases_table"]
    assert table["attributes"] == ["locale", "enrollment", "title1_share", "foster_youth"]
    assert table["rows"]["Alder"]["enrollment"] == {"text": "12,400", "value": 12400}
    assert table["rows"]["Bayview"]["foster_youth"] == {"text": MISSING, "value": None}
    alder = next(c for c in context["cases"] if c["case"] == "Alder")
    assert {"name": "title1_share", "text": "38%"} in alder["attributes"]
    assert cli("-C", study.root, "report").exit_code == 0
    page = (study.root / "reports" / "cross-case.html").read_text(encoding="utf-8")
    assert "<dt>enrollment</dt><dd>12,400</dd>" in page


def test_cases_frames_carry_typed_columns(study):
    cases = study.cases()
    assert list(cases.columns) == [
        "case", "transcripts", "participants", "segments", "words",
        "locale", "enrollment", "title1_share", "foster_youth",
    ]  # fmt: skip
    assert cases["enrollment"].tolist() == [12400, 31850, 860]
    assert str(cases["enrollment"].dtype) == "int64"
    assert cases["foster_youth"].isna().tolist() == [False, True, False]
    assert cases["foster_youth"].dtype.kind == "f"
    segments = study.segments()
    assert segments["title1_share"].dtype.kind == "f"
    assert set(segments.loc[segments["case"] == "Alder", "enrollment"]) == {12400}
    codings = study.codings()
    assert codings["enrollment"].dtype.kind == "i"
    assert set(codings["locale"]) == {"suburban", "large urban"}


def test_cases_reads_do_not_write(study, cli):
    before = tree(study.root)
    for args in (
        ["cases"],
        ["cases", "--format", "json"],
        ["matrix", "--order-by", "enrollment", "--descending"],
        ["matrix", "--by", "locale"],
        ["quotes", "family", "--where", "locale=suburban"],
        ["check"],
    ):
        result = cli("-C", study.root, *args)
        assert result.exit_code == 0, (args, result.stderr)
    study.cases()
    assert tree(study.root) == before
