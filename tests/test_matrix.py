"""Cross-case matrices: every measure, roll-up, two-level --by, co-occurrence, formats.

The study below is small enough to count by hand. Non-interviewer segments (turn mode):

    alder/teacher-01   (case Alder, role teacher, participant A-T1)
        s0 "We look at the benchmark data together."   ana: assessment   ben: assessment, data_use
        s1 "My coach visits every week."               ana: coaching     ben: coaching, plc
        s2 "Our PLC meets on Wednesdays."              ana: plc
        (an interviewer turn coded family by ben: never counts)
    alder/principal-01 (case Alder, role principal, NO participant attribute: speakers count)
        p0 Ann Diaz "We use data to plan."             ana: data_use
        p1 Bob Kerr "Parents come to our data nights." ana: family, data_use
        p2 Ann Diaz "Coaching is central."             ben: coaching
    bayview/teacher-01 (case Bayview, role teacher, participant B-T1)
        b0 "Families are partners here."               ana: family
        b1 "We have a PLC too."                        ben: plc
        b2 "Nothing else to add."                      (not coded)

Top level: s0 D, s1 C, s2 C, p0 D, p1 D+F, p2 C, b0 F, b1 C (D data_use, C collaborative_pl,
F family). Alder has 6 coded-speaker segments, Bayview 3.
"""

from __future__ import annotations

import json

import pytest

from qualcode.analysis.matrix import build_matrix, cooccurrence, matrix_json, totals
from tests.helpers import MATRIX_CODEBOOK as CODEBOOK
from tests.helpers import TRANSCRIPTS, build_study, fake_suggestion


@pytest.fixture
def study(make_project):
    return build_study(make_project)


def values(table) -> dict:
    return {code: [round(v, 6) for v in row] for code, row in zip(table.index, table.to_numpy().tolist())}


def codings_of(project, coders=None):
    return project.select(coders).codings


# -- measures --------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "measure, expected",
    [
        ("segments", {"data_use": [3, 0], "collaborative_pl": [3, 1], "family": [1, 1]}),
        ("transcripts", {"data_use": [2, 0], "collaborative_pl": [2, 1], "family": [1, 1]}),
        # data_use in Alder: A-T1 (participant attribute), Ann Diaz and Bob Kerr (speakers).
        ("participants", {"data_use": [3, 0], "collaborative_pl": [2, 1], "family": [1, 1]}),
        (
            "share",
            {
                "data_use": [0.5, 0],
                "collaborative_pl": [0.5, round(1 / 3, 6)],
                "family": [round(1 / 6, 6), round(1 / 3, 6)],
            },
        ),
    ],
)
def test_matrix_measures_match_hand_counts(study, measure, expected):
    table = build_matrix(study.corpus, study.codebook, codings_of(study), measure=measure)
    assert list(table.columns) == ["Alder", "Bayview"]
    assert values(table) == expected


def test_matrix_level_all_counts_a_parent_with_its_children(study):
    table = build_matrix(study.corpus, study.codebook, codings_of(study), level="all")
    assert values(table) == {
        "data_use": [3, 0],  # s0 (assessment + data_use counts once), p0, p1
        "assessment": [1, 0],
        "collaborative_pl": [3, 1],  # never applied itself: s1, s2, p2 / b1 from its children
        "coaching": [2, 0],
        "plc": [2, 1],
        "family": [1, 1],
    }


def test_matrix_two_attributes_give_a_two_level_column_index(study):
    table = build_matrix(study.corpus, study.codebook, codings_of(study), by=["case", "role"])
    assert list(table.columns) == [("Alder", "principal"), ("Alder", "teacher"), ("Bayview", "teacher")]
    assert values(table) == {"data_use": [2, 1, 0], "collaborative_pl": [1, 2, 1], "family": [1, 0, 1]}
    share = build_matrix(study.corpus, study.codebook, codings_of(study), by=["case", "role"], measure="share")
    assert values(share)["data_use"] == [round(2 / 3, 6), round(1 / 3, 6), 0]


def test_matrix_json_contract_for_two_attributes(study, cli):
    result = cli("-C", study.root, "matrix", "--by", "case,role", "--format", "json")
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert list(data) == ["measure", "by", "rows", "columns", "values"]
    assert data["measure"] == "segments" and data["by"] == ["case", "role"]
    assert data["rows"] == ["data_use", "collaborative_pl", "family"]
    assert data["columns"] == [["Alder", "principal"], ["Alder", "teacher"], ["Bayview", "teacher"]]
    assert data["values"] == [[2, 1, 0], [1, 2, 1], [1, 0, 1]]


def test_matrix_json_one_attribute_and_share(study, cli):
    data = json.loads(cli("-C", study.root, "matrix", "--measure", "share", "--format", "json").stdout)
    assert data["by"] == "case" and data["columns"] == ["Alder", "Bayview"]
    assert data["values"][0] == [0.5, 0.0]
    assert data["values"][2] == pytest.approx([1 / 6, 1 / 3])


def test_matrix_by_other_attribute_and_missing_values(study):
    table = build_matrix(study.corpus, study.codebook, codings_of(study), by=["participant"], measure="transcripts")
    # alder/principal-01 has no participant attribute: its column is "(none)", listed last.
    assert list(table.columns) == ["A-T1", "B-T1", "(none)"]
    assert values(table) == {"data_use": [1, 0, 1], "collaborative_pl": [1, 1, 1], "family": [0, 1, 1]}
    assert matrix_json(table)["columns"] == ["A-T1", "B-T1", None]


def test_matrix_coders_are_selected_and_interviewer_codings_never_count(study):
    ben = build_matrix(study.corpus, study.codebook, codings_of(study, ["ben"]))
    # ben coded an interviewer turn 'family': it does not count.
    assert values(ben) == {"data_use": [1, 0], "collaborative_pl": [2, 1], "family": [0, 0]}
    total = totals(study.corpus, study.codebook, codings_of(study), "share")
    assert total.round(6).tolist() == [round(3 / 9, 6), round(4 / 9, 6), round(2 / 9, 6)]


def test_matrix_suggestions_count_as_one_more_coder(study):
    suggestions = [
        fake_suggestion(study, "Nothing else", "family", 0.9),
        fake_suggestion(study, "Families are partners", "data_use", 0.3),
    ]
    selection = study.select(["ana"], include_suggestions=True, min_score=0.5, suggestions=suggestions)
    assert selection.coders == ["ana", "suggestions"]
    table = build_matrix(study.corpus, study.codebook, selection.codings)
    assert values(table)["family"] == [1, 2]  # b0 by ana, b2 suggested
    assert values(table)["data_use"] == [3, 0]  # the 0.3 suggestion is below --min-score
    low = study.select(["ana"], include_suggestions=True, suggestions=suggestions)
    assert values(build_matrix(study.corpus, study.codebook, low.codings))["data_use"] == [3, 1]


def test_matrix_include_suggestions_cli_uses_the_suggest_module(study, cli, monkeypatch):
    import importlib

    calls = []

    def fake_suggest(
        corpus,
        codebook,
        nlp,
        transcript=None,
        code=None,
        min_score=0.0,
        progress=None,
        model=None,
        factors=None,
        cache=None,
    ):
        calls.append(min_score)
        return [
            fake_suggestion(study, "Nothing else", "family", 0.9),
            fake_suggestion(study, "We have a PLC", "data_use", 0.4),
        ]

    monkeypatch.setattr(importlib.import_module("qualcode.suggest.engine"), "suggest", fake_suggest)
    result = cli(
        "-C", study.root, "matrix", "--coders", "ana", "--include-suggestions", "--min-score", "0.5", "--format", "json"
    )
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert data["values"] == [[3, 0], [2, 0], [1, 2]]
    assert calls == [0.5]


def test_cooccurrence_top_level(study):
    table = cooccurrence(study.corpus, study.codebook, codings_of(study))
    assert values(table) == {
        "data_use": [3, 0, 1],
        "collaborative_pl": [0, 4, 0],
        "family": [1, 0, 2],
    }


def test_cooccurrence_all_levels_counts_codes_as_applied(study):
    table = cooccurrence(study.corpus, study.codebook, codings_of(study), level="all")
    assert list(table.index) == ["data_use", "assessment", "collaborative_pl", "coaching", "plc", "family"]
    assert values(table) == {
        "data_use": [3, 1, 0, 0, 0, 1],
        "assessment": [1, 1, 0, 0, 0, 0],
        "collaborative_pl": [0, 0, 0, 0, 0, 0],
        "coaching": [0, 0, 0, 2, 1, 0],
        "plc": [0, 0, 0, 1, 3, 0],
        "family": [1, 0, 0, 0, 0, 2],
    }


def test_matrix_without_codings_is_all_zeros(make_project):
    project = build_study(make_project, codings={})
    table = build_matrix(project.corpus, project.codebook, [], measure="share")
    assert values(table) == {"data_use": [0, 0], "collaborative_pl": [0, 0], "family": [0, 0]}
    assert values(cooccurrence(project.corpus, project.codebook, [])) == {
        c: [0, 0, 0] for c in ("data_use", "collaborative_pl", "family")
    }


# -- command line ----------------------------------------------------------------------------------


def test_matrix_table_is_the_default_and_level_all_indents_children(study, cli):
    result = cli("-C", study.root, "matrix", "--level", "all")
    assert result.exit_code == 0
    lines = result.stdout.splitlines()
    assert lines[0].split() == ["code", "Alder", "Bayview"]
    assert lines[3].split() == ["assessment", "1", "0"] and lines[3].startswith("  assessment")


def test_matrix_unknown_attribute_is_an_error_with_did_you_mean(study, cli):
    result = cli("-C", study.root, "matrix", "--by", "case,rol")
    assert result.exit_code == 1
    assert "no transcript has an attribute 'rol' (did you mean 'role'?)" in result.stderr


def test_matrix_unknown_coder_and_bad_measure(study, cli):
    assert cli("-C", study.root, "matrix", "--coders", "anna").exit_code == 1
    assert cli("-C", study.root, "matrix", "--measure", "words").exit_code == 2
    assert cli("-C", study.root, "matrix", "--coders", "ana,").exit_code == 2


def test_matrix_xlsx_needs_an_output_file(study, cli):
    result = cli("-C", study.root, "matrix", "--format", "xlsx")
    assert result.exit_code == 1
    assert "--format xlsx needs a file: add -o FILE" in result.stderr


def test_matrix_xlsx_and_csv_are_formula_safe(make_project, cli):
    book = CODEBOOK.replace("label: Family", 'label: "=HYPERLINK(\\"http://x\\")"')
    transcripts = dict(TRANSCRIPTS)
    transcripts["bayview/teacher-01.txt"] = TRANSCRIPTS["bayview/teacher-01.txt"].replace(
        "case: Bayview", "case: '@Bay'"
    )
    project = build_study(make_project, transcripts, codebook=book)
    result = cli("-C", project.root, "matrix", "--format", "xlsx", "-o", "reports/m.xlsx")
    assert result.exit_code == 0, result.output
    from openpyxl import load_workbook

    sheet = load_workbook(project.root / "reports" / "m.xlsx").active
    rows = [[c.value for c in row] for row in sheet.iter_rows()]
    assert rows[0] == ["code", "label", "'@Bay", "Alder"]
    assert rows[3] == ["family", '\'=HYPERLINK("http://x")', 1, 1]
    csv_text = cli("-C", project.root, "matrix", "--format", "csv").stdout
    assert "'=HYPERLINK" in csv_text and ",'@Bay," in csv_text


def test_matrix_markdown_escapes_pipes(make_project, cli):
    project = build_study(make_project, codebook=CODEBOOK.replace("label: Family", 'label: "Family | community"'))
    text = cli("-C", project.root, "cooccur", "--format", "markdown").stdout
    assert "| family | Family \\| community | 1 | 0 | 2 |" in text
    assert text.splitlines()[1] == "|---|---|---|---|---|"


def test_matrix_output_stays_inside_the_project_unless_absolute(study, cli, tmp_path):
    refused = cli("-C", study.root, "matrix", "--format", "csv", "-o", "../outside.csv")
    assert refused.exit_code == 1 and "outside the project" in refused.stderr
    assert not (study.root.parent / "outside.csv").exists()
    target = tmp_path / "elsewhere" / "m.json"
    missing = cli("-C", study.root, "matrix", "--format", "json", "-o", target)
    assert missing.exit_code == 1 and "does not exist; create it first" in missing.stderr  # never created silently
    target.parent.mkdir()
    assert cli("-C", study.root, "matrix", "--format", "json", "-o", target).exit_code == 0
    assert json.loads(target.read_text())["rows"] == ["data_use", "collaborative_pl", "family"]


def test_cooccur_cli_json(study, cli):
    data = json.loads(cli("-C", study.root, "cooccur", "--format", "json").stdout)
    assert data["rows"] == data["columns"] == ["data_use", "collaborative_pl", "family"]
    assert data["values"] == [[3, 0, 1], [0, 4, 0], [1, 0, 2]]


def test_matrix_min_score_without_suggestions_is_a_usage_error(make_project, cli):
    root = build_study(make_project).root
    for command in (["matrix"], ["cooccur"], ["report"]):
        result = cli("-C", root, *command, "--min-score", "0.5")
        assert result.exit_code == 2, command
        assert "--min-score only applies together with --include-suggestions" in result.stderr


def test_output_csv_headers_are_protected_against_formulas():
    from qualcode.common.tabular import to_csv

    assert to_csv([{"=cmd": "x"}], ["=cmd"]).splitlines() == ["'=cmd", "x"]
