"""Reconciling two coders into a third: agreed codings copied, disagreements decided."""

import json

import pytest

from qualcode.app.study import open_project
from qualcode.coding.reconcile import parse_choice, plan_reconciliation
from qualcode.errors import QualcodeError
from tests.helpers import AGREEMENT_CODEBOOK as CODEBOOK
from tests.helpers import ALDER, BAYVIEW, spoken

ALDER_ID = "alder-creek/teacher-01"


@pytest.fixture
def study(make_project):
    """s1: both data_use; s2: ana plc, ben plc + coaching; s3: ana coaching, ben nothing; s4 uncoded.
    alder is marked done by both; bayview is coded by ben only."""
    root = make_project({"alder-creek/teacher-01.txt": ALDER, "bayview/coach-01.txt": BAYVIEW}, codebook=CODEBOOK)
    project = open_project(root)
    s1, s2, s3, _ = spoken(project, ALDER_ID)
    project.code(s1, ["data_use"], "ana")
    project.code(s1, ["data_use"], "ben")
    project.code(s2, ["plc"], "ana")
    project.code(s2, ["plc", "coaching"], "ben")
    project.code(s3, ["coaching"], "ana")
    project.mark_done([ALDER_ID], "ana")
    project.mark_done([ALDER_ID], "ben")
    project.code(spoken(project, "bayview/coach-01")[0], ["data_use"], "ben")
    return root


def merged(root, coder="merged"):
    codings = open_project(root).load_codings([coder])
    return codings, {(c.segment, c.code): c for c in codings.codings}


def ids(root):
    return spoken(open_project(root), ALDER_ID)


def test_reconcile_plan_separates_agreed_codes_from_disputes(study):
    plan = plan_reconciliation(
        open_project(study).store, open_project(study).corpus, open_project(study).codebook, ["ana", "ben"], "merged"
    )
    s1, s2, s3, _ = ids(study)
    assert [(s.id, code) for s, code in plan.agreed] == [(s1, "data_use"), (s2, "plc")]
    assert [(d.segment.id, sorted(d.agreed), sorted(d.disputed)) for d in plan.disputes] == [
        (s2, ["plc"], ["coaching"]),
        (s3, [], ["coaching"]),
    ]
    assert plan.transcripts == [ALDER_ID] and plan.single == ["bayview/coach-01"]


@pytest.mark.parametrize(
    ("answer", "kept"),
    [
        ("1", {"plc"}),
        ("2", {"plc", "coaching"}),
        (" B ", {"plc", "coaching"}),
        ("n", {"plc"}),
        ("data_use, coaching", {"plc", "data_use", "coaching"}),
        ("q", None),
    ],
)
def test_reconcile_parse_choice(study, answer, kept):
    project = open_project(study)
    dispute = plan_reconciliation(project.store, project.corpus, project.codebook, ["ana", "ben"], "merged").disputes[0]
    result = parse_choice(answer, dispute, project.codebook)
    assert (None if result is None else set(result)) == kept


def test_reconcile_parse_choice_rejects_unknown_codes(study):
    project = open_project(study)
    dispute = plan_reconciliation(project.store, project.corpus, project.codebook, ["ana", "ben"], "merged").disputes[0]
    with pytest.raises(
        QualcodeError,
        match=r"^no code 'coachng' \(did you mean 'coaching'\?\); type 1, 2, b \(both\), "
        r"n \(neither\), a comma list of codes, or q \(quit\)$",
    ):
        parse_choice("coachng", dispute, project.codebook)


def test_reconcile_keep_union(study, cli):
    result = cli("-C", study, "reconcile", "--coders", "ana,ben", "--into", "merged", "--keep-union")
    assert result.exit_code == 0, result.output
    assert result.stderr == (
        "left out 1 transcript(s) covered by only one coder: bayview/coach-01\n"
        "merged: copied 2 agreed coding(s) of ana and ben; decided 2 disagreement(s), 0 left; "
        "1 transcript(s) marked done (codings/merged.jsonl)\n"
        "marked done: alder-creek/teacher-01\n"
    )
    s1, s2, s3, _ = ids(study)
    codings, by_key = merged(study)
    assert sorted(by_key) == sorted([(s1, "data_use"), (s2, "plc"), (s2, "coaching"), (s3, "coaching")])
    assert by_key[(s1, "data_use")].memo == "reconciled from ana and ben: both coded it"
    assert by_key[(s2, "coaching")].memo == "reconciled from ana and ben: kept from ben"
    assert by_key[(s3, "coaching")].memo == "reconciled from ana and ben: kept from ana"
    assert {c.source for c in codings.codings} == {"manual"}
    assert codings.done == {"merged": {ALDER_ID}}


def test_reconcile_marks_done_only_where_both_coders_had_finished(make_project, cli):
    root = make_project({"alder-creek/teacher-01.txt": ALDER, "bayview/coach-01.txt": BAYVIEW}, codebook=CODEBOOK)
    project = open_project(root)
    alder, bayview = spoken(project, ALDER_ID)[0], spoken(project, "bayview/coach-01")[0]
    for coder in ("ana", "ben"):
        project.code(alder, ["data_use"], coder)
        project.code(bayview, ["data_use"], coder)
    project.mark_done([ALDER_ID, "bayview/coach-01"], "ana")
    project.mark_done([ALDER_ID], "ben")
    result = cli("-C", root, "reconcile", "--coders", "ana,ben", "--into", "merged", "--keep-union")
    assert result.exit_code == 0, result.output
    assert result.stderr.endswith(
        "1 transcript(s) marked done (codings/merged.jsonl)\n"
        "marked done: alder-creek/teacher-01; not done (only ana had finished): bayview/coach-01\n"
    )
    codings, by_key = merged(root)
    assert codings.done == {"merged": {ALDER_ID}}
    assert (bayview, "data_use") in by_key  # reconciled all the same, just not marked done


def test_reconcile_keep_intersection(study, cli):
    result = cli("-C", study, "reconcile", "--coders", "ana,ben", "--into", "merged", "--keep-intersection")
    assert result.exit_code == 0, result.output
    s1, s2, _, _ = ids(study)
    assert sorted(merged(study)[1]) == sorted([(s1, "data_use"), (s2, "plc")])


def test_reconcile_prompt_shows_segment_codes_and_definitions(study, cli):
    s2 = ids(study)[1]
    result = cli("-C", study, "reconcile", "--coders", "ana,ben", "--into", "merged", input="2\nq\n")
    assert result.exit_code == 0, result.output
    assert result.stdout.startswith(
        f"Disagreement 1 of 2: {s2}\n"
        "case: Alder Creek · speaker: Ana Lopez\n"
        "  Our PLC meets on Wednesdays and the coach joins.\n"
        "1) ana: plc\n"
        "2) ben: coaching, plc\n"
        "agreed (kept): plc\n"
        "disputed:\n"
        "  coaching (Coaching): Instructional coaching cycles.\n"
        "Keep which codes? 1, 2, b (both), n (neither), a comma list of codes, or q (quit)\n"
        "> 2\n"
    )
    assert "Disagreement 2 of 2" in result.stdout


def test_reconcile_quit_saves_decisions_and_a_rerun_continues(study, cli):
    s1, s2, s3, _ = ids(study)
    first = cli("-C", study, "reconcile", "--coders", "ana,ben", "--into", "merged", input="2\nq\n")
    assert first.stderr.endswith(
        "merged: copied 2 agreed coding(s) of ana and ben; decided 1 disagreement(s), 1 left; "
        "0 transcript(s) marked done (codings/merged.jsonl)\n"
        "not done (disagreements left to decide): alder-creek/teacher-01\n"
        "run the same command again to decide the 1 left\n"
    )
    codings, by_key = merged(study)
    assert sorted(by_key) == sorted([(s1, "data_use"), (s2, "plc"), (s2, "coaching")])
    assert codings.done == {"merged": set()}  # a disagreement is still open there
    again = cli("-C", study, "reconcile", "--coders", "ana,ben", "--into", "merged", input="n\n")
    assert again.exit_code == 0, again.output
    assert f"Disagreement 1 of 1: {s3}" in again.stdout
    assert again.stderr.endswith(
        "merged: copied 0 agreed coding(s) of ana and ben; decided 1 disagreement(s), 0 left; "
        "1 transcript(s) marked done (codings/merged.jsonl)\n"
        "marked done: alder-creek/teacher-01\n"
    )
    codings, by_key = merged(study)
    assert (s3, "coaching") not in by_key and codings.done == {"merged": {ALDER_ID}}


def test_reconcile_reprompts_on_bad_input_and_takes_a_code_list(study, cli):
    s2, s3 = ids(study)[1:3]
    result = cli(
        "-C", study, "reconcile", "--coders", "ana,ben", "--into", "merged", input="coachng\n\ndata_use, coaching\nb\n"
    )
    assert result.exit_code == 0, result.output
    assert (
        "no code 'coachng' (did you mean 'coaching'?); type 1, 2, b (both), n (neither), "
        "a comma list of codes, or q (quit)"
    ) in result.stdout
    _, by_key = merged(study)
    assert by_key[(s2, "data_use")].memo == "reconciled from ana and ben: added in reconciliation"
    assert by_key[(s2, "coaching")].memo == "reconciled from ana and ben: kept from ben"
    assert (s3, "coaching") in by_key


def test_reconcile_is_logged(study, cli):
    s2 = ids(study)[1]
    cli("-C", study, "reconcile", "--coders", "ana,ben", "--into", "merged", input="1\nq\n")
    log = open_project(study).store.read_log("merged")
    assert log[0]["action"] == "reconcile_start" and log[0]["coders"] == ["ana", "ben"]
    decisions = [e for e in log if e["action"] == "reconcile"]
    assert len(decisions) == 1
    assert {k: decisions[0][k] for k in ("segment", "answer", "kept", "gave")} == {
        "segment": s2,
        "answer": "1",
        "kept": ["plc"],
        "gave": {"ana": ["plc"], "ben": ["coaching", "plc"]},
    }


def test_reconcile_merged_coder_is_an_ordinary_coder(study, cli):
    cli("-C", study, "reconcile", "--coders", "ana,ben", "--into", "merged", "--keep-union")
    result = json.loads(
        cli("-C", study, "agree", "--coders", "ben,merged", "--format", "json", "--bootstrap", "0").stdout
    )
    assert result["codes"]["coaching"]["percent_agreement"] == 75.0  # s3: merged kept ana's coaching
    assert "merged" in cli("-C", study, "coders").stdout


@pytest.mark.parametrize(
    ("args", "code", "message"),
    [
        (
            ["--coders", "ana,ben", "--into", "Ana"],
            1,
            "Error: --into 'Ana' is one of the compared coders; name a new coder, e.g. --into ana-ben\n",
        ),
        (["--coders", "ana", "--into", "m"], 2, "name exactly 2 coders, e.g. --coders ana,ben (got 1)"),
        (
            ["--coders", "ana,ben", "--into", "m", "--keep-union", "--keep-intersection"],
            2,
            "use --keep-union or --keep-intersection, not both",
        ),
        (["--coders", "ana,bem", "--into", "m"], 1, "no codings by coder 'bem' (did you mean 'ben'?)"),
    ],
)
def test_reconcile_errors(study, cli, args, code, message):
    result = cli("-C", study, "reconcile", *args)
    assert result.exit_code == code
    assert message in result.stderr
    assert not (study / "codings" / "m.jsonl").exists()


def test_reconcile_refuses_an_existing_coder_that_is_not_a_reconciliation(study, cli):
    project = open_project(study)
    project.code(ids(study)[0], ["plc"], "gold")
    result = cli("-C", study, "reconcile", "--coders", "ana,ben", "--into", "gold", "--keep-union")
    assert result.exit_code == 1
    assert result.stderr == (
        "Error: coder 'gold' already has codings (codings/gold.jsonl) that are not a "
        "reconciliation of ana and ben; choose another --into name\n"
    )
