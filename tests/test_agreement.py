"""Inter-coder agreement: every statistic hand-checked on small cases, then checked against
independent implementations (the krippendorff package, scikit-learn), then through the CLI."""

import json
import random

import krippendorff
import numpy as np
import pytest
from sklearn.metrics import cohen_kappa_score

from qualcode.analysis.agreement import (
    NONE,
    CodingTable,
    Undefined,
    bootstrap_alphas,
    cohen_kappa,
    coincidence_rows,
    compare,
    disagreements,
    group_values,
    krippendorff_alpha,
    percent_agreement,
    percentile_interval,
    report_section,
)
from qualcode.app.study import open_project
from tests.helpers import AGREEMENT_CODEBOOK as CODEBOOK
from tests.helpers import ALDER, BAYVIEW, spoken

N = None


def columns(units):
    """Reliability data (units x coders) as the krippendorff package wants it (coders x units)."""
    codes = {}
    for unit in units:
        for value in unit:
            if value is not None:
                codes.setdefault(value, len(codes))
    return np.array([[np.nan if v is None else codes[v] for v in coder] for coder in zip(*units)], dtype=float)


def table(rows, coders=("ana", "ben")):
    """A CodingTable from rows of per-coder code strings: "a b" -> {a, b}, "" -> {}, None -> missing."""
    values = [[None if v is None else frozenset(v.split()) for v in row] for row in rows]
    return CodingTable(list(coders), [f"u{i}" for i in range(1, len(rows) + 1)], values)


# --- Krippendorff's alpha ------------------------------------------------------------------------


def test_agreement_alpha_published_example_four_coders_with_missing_data():
    # Krippendorff (2011), "Computing Krippendorff's Alpha-Reliability", nominal example: 0.743.
    coders = [
        [1, 2, 3, 3, 2, 1, 4, 1, 2, N, N, N],
        [1, 2, 3, 3, 2, 2, 4, 1, 2, 5, N, 3],
        [N, 3, 3, 3, 2, 3, 4, 2, 2, 5, 1, N],
        [1, 2, 3, 3, 2, 4, 4, 1, 2, 5, 1, N],
    ]
    units = [list(u) for u in zip(*coders)]
    assert round(krippendorff_alpha(units), 3) == 0.743
    assert krippendorff_alpha(units) == pytest.approx(
        krippendorff.alpha(columns(units), level_of_measurement="nominal")
    )


def test_agreement_binary_two_coders_hand_computed():
    # Krippendorff (2011), binary example: 2 coders x 10 units.
    a = [0, 1, 0, 0, 0, 0, 0, 0, 1, 0]
    b = [1, 1, 1, 0, 0, 1, 0, 0, 0, 0]
    units = list(zip(a, b))
    # n = 20 values (14 zeros, 6 ones); 4 disagreeing units give 8 off-diagonal coincidences:
    # alpha = 1 - (n - 1) * 8 / (n^2 - 14^2 - 6^2) = 1 - 152 / 168
    assert krippendorff_alpha(units) == pytest.approx(1 - 152 / 168)
    # po = 6/10; pe = 0.2 * 0.4 + 0.8 * 0.6 = 0.56; kappa = 0.04 / 0.44
    assert cohen_kappa(units) == pytest.approx(0.04 / 0.44)
    assert cohen_kappa(units) == pytest.approx(cohen_kappa_score(a, b))
    assert percent_agreement(units) == pytest.approx(60.0)


def test_agreement_three_coders_with_missing_data_hand_computed():
    units = [["a", "a", "a"], ["a", "b", N], ["b", "b", N], ["a", N, N]]
    # Coincidences: u1 adds o_aa = 6 pairs / 2 = 3; u2 o_ab = o_ba = 1; u3 o_bb = 2; u4 (one value) nothing.
    # n_a = 4, n_b = 3, n = 7: alpha = 1 - 6 * 2 / (49 - 16 - 9) = 0.5
    assert krippendorff_alpha(units) == pytest.approx(0.5)
    assert krippendorff_alpha(units) == pytest.approx(
        krippendorff.alpha(columns(units), level_of_measurement="nominal")
    )
    # Pairs: u1 3 agreeing, u2 1 disagreeing, u3 1 agreeing -> 4 of 5.
    assert percent_agreement(units) == pytest.approx(80.0)
    matrix = coincidence_rows(units, ["a", "b"]).sum(axis=0)
    assert matrix.tolist() == [[3.0, 1.0], [1.0, 2.0]]


def test_agreement_kappa_ignores_units_with_a_missing_value():
    units = [(1, 1), (0, 0), (1, 0), (0, N), (N, 1)]
    # three units both coded: po = 2/3; pe = (2/3)(1/3) + (1/3)(2/3) = 4/9; kappa = (2/9) / (5/9)
    assert cohen_kappa(units) == pytest.approx(0.4)
    assert cohen_kappa(units) == pytest.approx(cohen_kappa_score([1, 0, 1], [1, 0, 0]))


@pytest.mark.parametrize("units", [[(1, 1), (1, 1), (1, 1)], [(0, 0, 0), (0, N, 0)]])
def test_agreement_all_agree_on_one_value_is_undefined(units):
    with pytest.raises(Undefined, match="every value is the same"):
        krippendorff_alpha(units)
    if len(units[0]) == 2:
        with pytest.raises(Undefined, match="every value is the same"):
            cohen_kappa(units)
    assert percent_agreement(units) == 100.0


def test_agreement_no_unit_with_two_coders_is_undefined():
    units = [(1, N), (N, 0)]
    for statistic in (krippendorff_alpha, cohen_kappa, percent_agreement):
        with pytest.raises(Undefined, match="no unit has values from two or more coders"):
            statistic(units)


@pytest.mark.parametrize("seed", range(8))
def test_agreement_matches_independent_implementations_on_random_data(seed):
    rng = random.Random(seed)
    coders = rng.choice([2, 3, 5])
    units = [
        [rng.choice([N, 0, 1, 2]) if coders > 2 else rng.choice([0, 1, 2]) for _ in range(coders)] for _ in range(40)
    ]
    expected = krippendorff.alpha(columns(units), level_of_measurement="nominal")
    assert krippendorff_alpha(units) == pytest.approx(expected)
    if coders == 2:
        first, second = zip(*units)
        assert cohen_kappa(units) == pytest.approx(cohen_kappa_score(first, second))


# --- bootstrap ----------------------------------------------------------------------------------


def random_units(seed=3, n=60):
    rng = random.Random(seed)
    return (
        [[rng.random() < 0.4, rng.random() < 0.4 if rng.random() < 0.3 else None] for _ in range(n)]
        + [[True, True]] * 10
        + [[False, False]] * 20
    )


def test_agreement_bootstrap_is_reproducible_with_a_seed_and_varies_with_another():
    rows = coincidence_rows(random_units(), (False, True))
    first = bootstrap_alphas(rows, 500, seed=7)
    again = bootstrap_alphas(rows, 500, seed=7)
    other = bootstrap_alphas(rows, 500, seed=8)
    assert len(first) == 500
    assert np.array_equal(first, again, equal_nan=True)
    assert not np.array_equal(first, other, equal_nan=True)
    assert percentile_interval(first) == percentile_interval(again) != percentile_interval(other)
    low, high = percentile_interval(first)
    assert low < krippendorff_alpha(random_units()) < high


def _bootstrap_as_first_written(rows, samples, seed):
    """The original implementation (sums drawn copies of the unit rows), kept as the reference."""
    from qualcode.analysis.reliability import _alphas

    rows = rows[rows.sum(axis=(1, 2)) > 0]
    if samples <= 0 or not len(rows):
        return np.full(max(samples, 0), np.nan)
    rng = np.random.default_rng(seed)
    size = len(rows)
    chunk = max(1, 4_000_000 // rows[0].size // size)
    out = []
    for start in range(0, samples, chunk):
        picks = rng.integers(0, size, size=(min(chunk, samples - start), size))
        out.append(_alphas(rows[picks].sum(axis=1)))
    return np.concatenate(out)


@pytest.mark.parametrize(
    ("units", "coders", "categories", "missing"),
    [
        (5, 2, (False, True), 0.0),
        (60, 3, ("a", "b", "c"), 0.2),
        (900, 2, (False, True), 0.3),
        (3000, 4, ("a", "b", "c", "d", "e"), 0.25),
        (40, 5, (False, True), 0.5),
    ],
)
def test_agreement_batched_bootstrap_gives_the_intervals_of_the_original(units, coders, categories, missing):
    from qualcode.analysis.reliability import bootstrap_alphas_many

    rng = np.random.default_rng(units)
    stacks = []
    for _ in range(3):  # three codes over the same units, as compare() resamples them together
        data = [
            [None if rng.random() < missing else categories[rng.integers(len(categories))] for _ in range(coders)]
            for _ in range(units)
        ]
        stacks.append(coincidence_rows(data, categories))
    stacks.append(coincidence_rows([[categories[0]] * coders] + [[None] * coders] * 3, categories))  # one unit
    for seed in (1, 42):
        batched = bootstrap_alphas_many(stacks, 1000, seed)
        for rows, replicates in zip(stacks, batched):
            expected = _bootstrap_as_first_written(rows, 1000, seed)
            assert np.allclose(replicates, expected, rtol=1e-12, atol=1e-12, equal_nan=True)
            assert np.array_equal(np.isnan(replicates), np.isnan(expected))
            assert percentile_interval(replicates) == pytest.approx(percentile_interval(expected), abs=1e-12)
            assert np.allclose(bootstrap_alphas(rows, 1000, seed), replicates, rtol=1e-12, atol=1e-12, equal_nan=True)


def test_agreement_compare_intervals_match_the_original_bootstrap_per_code_and_pooled():
    rng = random.Random(3)
    codes = {f"c{i}": {f"c{i}"} for i in range(6)}
    values = [
        [frozenset(c for c in codes if rng.random() < 0.3) if rng.random() < 0.9 else None for _ in range(2)]
        for _ in range(400)
    ]
    table = CodingTable(["ana", "ben"], [f"u{i}" for i in range(400)], values)
    result = compare(table, codes, bootstrap=1000, seed=5)
    all_rows = []
    for code in codes:
        rows = coincidence_rows([[None if v is None else code in v for v in row] for row in values], (False, True))
        all_rows.append(rows)
        low, high = percentile_interval(_bootstrap_as_first_written(rows, 1000, 5))
        assert result["codes"][code]["alpha_ci"] == [round(low, 4), round(high, 4)]
    low, high = percentile_interval(_bootstrap_as_first_written(np.sum(all_rows, axis=0), 1000, 5))
    assert result["overall"]["pooled"]["alpha_ci"] == [round(low, 4), round(high, 4)]


def test_agreement_bootstrap_of_perfect_agreement_is_a_point():
    rows = coincidence_rows([[True, True], [False, False], [True, True, True], [False, None]], (False, True))
    replicates = bootstrap_alphas(rows, 200, seed=1)
    # Resamples drawing only one kind of unit have no variation: NaN, left out of the interval.
    assert 0 < np.isnan(replicates).sum() < 200
    assert percentile_interval(replicates) == (1.0, 1.0)


def test_agreement_percentile_interval_hand_computed():
    replicates = np.array([float(v) for v in range(101)] + [np.nan])
    assert percentile_interval(replicates) == (2.5, 97.5)
    assert percentile_interval(np.array([np.nan, np.nan])) is None


# --- compare: codes, groups, overall --------------------------------------------------------------

TWO_CODERS = [  # ana, ben; u5 not covered by ana
    ["data_use", "data_use"],
    ["plc", "plc coaching"],
    ["coaching", ""],
    ["", ""],
    [None, "data_use"],
]
CODES = {"data_use": {"data_use"}, "coaching": {"coaching"}, "plc": {"plc"}}


def test_agreement_compare_json_contract_and_hand_computed_values():
    result = compare(table(TWO_CODERS), CODES, {}, bootstrap=0)
    assert list(result) == ["coders", "units", "codes", "groups", "overall", "notes"]
    assert result["coders"] == ["ana", "ben"] and result["units"] == 5
    assert list(result["codes"]) == ["data_use", "coaching", "plc"]
    for figures in result["codes"].values():
        assert list(figures) == ["percent_agreement", "kappa", "alpha", "alpha_ci", "units", "coders"]
    # coaching: (F,F) (F,T) (T,F) (F,F) over the 4 units both covered.
    # po = 0.5, pe = (1*1 + 3*3) / 16 -> kappa = -1/3; alpha = 1 - 7 * 4 / (64 - 4 - 36) = -1/6
    assert result["codes"]["coaching"] == {
        "percent_agreement": 50.0,
        "kappa": -0.3333,
        "alpha": -0.1667,
        "alpha_ci": None,
        "units": 4,
        "coders": 2,
    }
    assert result["codes"]["data_use"] == {
        "percent_agreement": 100.0,
        "kappa": 1.0,
        "alpha": 1.0,
        "alpha_ci": None,
        "units": 4,
        "coders": 2,
    }
    # pooled over 12 decisions, 2 disagreeing; 6 presences of 24 values:
    # kappa = (10/12 - 0.625) / 0.375; alpha = 1 - 23 * 4 / (576 - 36 - 324)
    assert result["overall"] == {
        "pooled": {
            "percent_agreement": 83.3333,
            "kappa": 0.5556,
            "alpha": round(1 - 92 / 216, 4),
            "alpha_ci": None,
            "decisions": 12,
            "codes": 3,
        },
        "mean": {"percent_agreement": 83.3333, "kappa": 0.5556, "alpha": round((1 - 1 / 6 + 1) / 3, 4), "codes": 3},
    }
    assert result["notes"] == ["alpha_ci: not computed (--bootstrap 0)"]


def test_agreement_compare_parent_exactly_or_with_children():
    exact = compare(table(TWO_CODERS), {"collaborative_pl": {"collaborative_pl"}}, bootstrap=0)
    assert exact["codes"]["collaborative_pl"]["alpha"] is None
    assert exact["notes"][1:] == [
        "code 'collaborative_pl': kappa and alpha undefined: no coder applied it to any of the 4 segments coded by two "
        "or more coders",
        "overall pooled: kappa and alpha undefined: every (segment, code) decision has the same value",
    ]
    rolled = compare(table(TWO_CODERS), {"collaborative_pl": {"collaborative_pl", "coaching", "plc"}}, bootstrap=0)
    # (F,F) (T,T) (T,F) (F,F): po = 3/4, pe = (2*1 + 2*3)/16; alpha = 1 - 7 * 2 / (64 - 9 - 25)
    assert rolled["codes"]["collaborative_pl"]["kappa"] == 0.5
    assert rolled["codes"]["collaborative_pl"]["alpha"] == round(1 - 14 / 30, 4)


def test_agreement_compare_three_coders_kappa_is_null_with_a_note():
    rows = [["a", "a", "a"], ["a", "", None], ["", "", None], ["a", None, None]]
    result = compare(table(rows, ("ana", "ben", "cy")), {"a": {"a"}}, bootstrap=0)
    # presence: (T,T,T) (T,F,-) (F,F,-) (T,-,-) -> same shape as the hand-computed case: 0.5
    assert result["codes"]["a"] == {
        "percent_agreement": 80.0,
        "kappa": None,
        "alpha": 0.5,
        "alpha_ci": None,
        "units": 3,
        "coders": 3,
    }
    assert result["notes"][0] == "kappa is defined for exactly two coders (3 compared); see alpha"


def test_agreement_exclusive_group_with_three_coders_hand_computed():
    rows = [
        ["t1", "t1", "t1"],
        ["t2", "t2", ""],
        ["", "", ""],
        ["t1", "t2", None],
        ["t1 t2", "t1", None],  # ana gave two exclusive codes: missing for ana -> one value, not pairable
    ]
    coding = table(rows, ("ana", "ben", "cy"))
    children = {"t1": {"t1"}, "t2": {"t2"}}
    units, conflicts = group_values(coding, children)
    assert units[1] == ["t2", "t2", NONE] and units[4] == [None, "t1", None]
    assert conflicts == [("u5", "ana", ["t1", "t2"])]
    # n_t1 = 4, n_t2 = 3, n_none = 4, n = 11; off-diagonal 2 (u2) + 2 (u4): alpha = 1 - 10 * 4 / (121 - 16 - 9 - 16)
    result = compare(coding, {}, {"tier": children}, bootstrap=0)
    assert result["groups"] == {"tier": {"alpha": 0.5, "alpha_ci": None, "units": 4}}
    expected = krippendorff.alpha(columns(units), level_of_measurement="nominal")
    assert result["groups"]["tier"]["alpha"] == pytest.approx(expected, abs=1e-4)
    assert (
        "error: group 'tier' is exclusive but ana gave u5 2 of its codes (t1, t2); counted as missing for ana. "
        "Keep one of them"
    ) in result["notes"]


def test_agreement_group_nobody_used_is_null_with_a_note():
    result = compare(table(TWO_CODERS), {}, {"stance": {"positive": {"positive"}, "negative": {"negative"}}})
    assert result["groups"]["stance"] == {"alpha": None, "alpha_ci": None, "units": 4}
    assert (
        "group 'stance': alpha undefined: every coder gave '(none)' to all 4 segments coded by two or more coders"
        in result["notes"]
    )


def test_agreement_compare_bootstrap_interval_is_seeded():
    rows = [["a", "a"], ["", ""], ["a", ""], ["", ""], ["a", "a"], ["", "a"], ["a", "a"], ["", ""]] * 4
    first = compare(table(rows), {"a": {"a"}}, bootstrap=300, seed=5)
    again = compare(table(rows), {"a": {"a"}}, bootstrap=300, seed=5)
    other = compare(table(rows), {"a": {"a"}}, bootstrap=300, seed=6)
    ci = first["codes"]["a"]["alpha_ci"]
    assert ci == again["codes"]["a"]["alpha_ci"] != other["codes"]["a"]["alpha_ci"]
    assert ci[0] < first["codes"]["a"]["alpha"] < ci[1]
    assert first["overall"]["pooled"]["alpha_ci"] == ci  # one code: pooling changes nothing
    assert first["notes"] == [
        "alpha_ci: 95% percentile interval of 300 bootstrap resamples of segments (seed 5); "
        "resamples without variation are left out"
    ]


def test_agreement_nothing_shared_is_all_null_with_one_note():
    result = compare(table([["a", None], [None, "a"]]), {"a": {"a"}}, bootstrap=0)
    assert result["codes"]["a"] == {
        "percent_agreement": None,
        "kappa": None,
        "alpha": None,
        "alpha_ci": None,
        "units": 0,
        "coders": 0,
    }
    assert result["notes"][0].startswith("no segment was coded by two or more of the compared coders")


def test_agreement_disagreements_list_who_gave_what():
    found = disagreements(table(TWO_CODERS), CODES)
    assert found == [
        {"segment": "u2", "codes": {"ana": ["plc"], "ben": ["coaching", "plc"]}, "disputed": ["coaching"]},
        {"segment": "u3", "codes": {"ana": ["coaching"], "ben": []}, "disputed": ["coaching"]},
    ]


# --- projects and the CLI -------------------------------------------------------------------------


@pytest.fixture
def study(make_project):
    """ana and ben as TWO_CODERS: both cover alder-creek (4 answers), only ben bayview."""
    root = make_project({"alder-creek/teacher-01.txt": ALDER, "bayview/coach-01.txt": BAYVIEW}, codebook=CODEBOOK)
    project = open_project(root)
    s1, s2, s3, _ = spoken(project, "alder-creek/teacher-01")
    project.code(s1, ["data_use"], "ana")
    project.code(s1, ["data_use"], "ben")
    project.code(s2, ["plc"], "ana")
    project.code(s2, ["plc", "coaching"], "ben")
    project.code(s3, ["coaching"], "ana")
    project.mark_done(["alder-creek/teacher-01"], "ben")
    project.code(spoken(project, "bayview/coach-01")[0], ["data_use"], "ben")
    return root


def test_agreement_units_are_covered_segments_of_coded_speakers(study, cli):
    result = json.loads(cli("-C", study, "agree", "--format", "json", "--bootstrap", "0").stdout)
    assert result["units"] == 6  # 4 + 2 answers; interviewer turns are never units
    assert result["codes"]["coaching"]["units"] == 4  # bayview: ana did not cover it (missing, not absent)
    assert result["codes"]["coaching"]["alpha"] == -0.1667
    assert list(result["codes"]) == ["data_use", "coaching", "plc"]
    assert result["groups"] == {"stance": {"alpha": None, "alpha_ci": None, "units": 4}}


def test_agreement_cli_table(study, cli):
    result = cli("-C", study, "agree", "--coders", "ana,ben", "--bootstrap", "0")
    assert result.exit_code == 0, result.output
    assert result.stdout == (
        "Agreement of ana, ben: 4 of 6 segments coded by two or more of them "
        "(each code present or absent per segment; level: all)\n"
        "\n"
        "code                       units  coders  agreement  kappa  alpha  alpha 95% CI\n"
        "-------------------------  -----  ------  ---------  -----  -----  ------------\n"
        "data_use                   4      2       100.0%     1.00   1.00   n/a\n"
        "collaborative_pl/coaching  4      2       50.0%      -0.33  -0.17  n/a\n"
        "collaborative_pl/plc       4      2       100.0%     1.00   1.00   n/a\n"
        "\n"
        "exclusive group (children as categories)  units  alpha  alpha 95% CI\n"
        "----------------------------------------  -----  -----  ------------\n"
        "stance                                    4      n/a    n/a\n"
        "\n"
        "overall                                units  agreement  kappa  alpha  alpha 95% CI\n"
        "-------------------------------------  -----  ---------  -----  -----  ------------\n"
        "pooled over (segment, code) decisions  12     83.3%      0.56   0.57   n/a\n"
        "mean of per-code values (3 codes)             83.3%      0.56   0.61\n"
        "\n"
        "notes:\n"
        "- alpha_ci: not computed (--bootstrap 0)\n"
        "- group 'stance': alpha undefined: every coder gave '(none)' to all 4 segments coded by two or more coders\n"
    )


def test_agreement_cli_level_top_and_code_selection(study, cli):
    top = json.loads(cli("-C", study, "agree", "--level", "top", "--format", "json", "--bootstrap", "0").stdout)
    assert list(top["codes"]) == ["data_use", "collaborative_pl"]
    assert top["codes"]["collaborative_pl"]["alpha"] == round(1 - 14 / 30, 4)
    picked = json.loads(
        cli(
            "-C", study, "agree", "--code", "plc", "--code", "collaborative_pl", "--format", "json", "--bootstrap", "0"
        ).stdout
    )
    assert list(picked["codes"]) == ["plc", "collaborative_pl"] and picked["groups"] == {}
    assert picked["codes"]["collaborative_pl"]["alpha"] is None  # the parent exactly as coded
    bad = cli("-C", study, "agree", "--level", "top", "--code", "coaching")
    assert bad.exit_code == 1
    assert bad.stderr == (
        "Error: --level top compares top-level codes; 'coaching' is under 'collaborative_pl': "
        "use --code collaborative_pl, or --level all\n"
    )
    unknown = cli("-C", study, "agree", "--code", "coachng")
    assert unknown.exit_code == 1 and "no code 'coachng' (did you mean 'coaching'?)" in unknown.stderr


def test_agreement_cli_csv(study, cli):
    lines = cli("-C", study, "agree", "--format", "csv", "--bootstrap", "0").stdout.splitlines()
    assert lines[0] == "kind,id,units,coders,percent_agreement,kappa,alpha,alpha_ci_low,alpha_ci_high"
    assert lines[2] == "code,coaching,4,2,50.0,-0.3333,-0.1667,,"
    assert lines[-2:] == ["overall,pooled,12,,83.3333,0.5556,0.5741,,", "overall,mean,,,83.3333,0.5556,0.6111,,"]


def test_agreement_cli_bootstrap_is_reproducible(study, cli):
    args = ("-C", study, "agree", "--format", "json", "--bootstrap", "200")
    first = json.loads(cli(*args, "--seed", "3").stdout)
    assert first == json.loads(cli(*args, "--seed", "3").stdout)
    assert len(first["codes"]["coaching"]["alpha_ci"]) == 2


def test_agreement_cli_coder_errors(study, cli):
    one = cli("-C", study, "agree", "--coders", "ana")
    assert one.exit_code == 2
    assert "Invalid value for --coders: name two or more coders, e.g. --coders ana,ben" in one.stderr
    same = cli("-C", study, "agree", "--coders", "ana,Ana")
    assert same.exit_code == 2
    assert cli("-C", study, "agree", "--unit", "paragraph").exit_code == 2
    unknown = cli("-C", study, "agree", "--coders", "ana,bem")
    assert unknown.exit_code == 1
    assert "no codings by coder 'bem' (did you mean 'ben'?); coders in this project: ana, ben" in unknown.stderr


def test_agreement_cli_needs_two_coders(make_project, cli):
    root = make_project({"alder-creek/teacher-01.txt": ALDER}, codebook=CODEBOOK)
    open_project(root).code(spoken(open_project(root), "alder-creek/teacher-01")[0], ["data_use"], "ana")
    result = cli("-C", root, "agree")
    assert result.exit_code == 1
    assert result.stderr == (
        "Error: agreement needs two or more coders; codings by: ana. Have a second coder code "
        "the same transcripts (qualcode code ... --coder NAME --new-coder)\n"
    )


def test_agreement_cli_disagreements(study, cli):
    project = open_project(study)
    s2, s3 = spoken(project, "alder-creek/teacher-01")[1:3]
    result = cli("-C", study, "agree", "--disagreements")
    assert result.stdout == (
        f"{s2}  Alder Creek · Ana Lopez\n"
        '  "Our PLC meets on Wednesdays and the coach joins."\n'
        "  ana: plc\n"
        "  ben: coaching, plc\n"
        "  disputed: coaching\n"
        "\n"
        f"{s3}  Alder Creek · Ana Lopez\n"
        '  "My coach visits twice a month."\n'
        "  ana: coaching\n"
        "  ben: (no code)\n"
        "  disputed: coaching\n"
        "\n"
        "2 of 4 segments coded by two or more coders differ\n"
    )
    items = json.loads(cli("-C", study, "agree", "--disagreements", "--format", "json").stdout)
    assert items[1] == {
        "segment": s3,
        "transcript": "alder-creek/teacher-01",
        "case": "Alder Creek",
        "speaker": "Ana Lopez",
        "codes": {"ana": ["coaching"], "ben": []},
        "disputed": ["coaching"],
        "text": "My coach visits twice a month.",
    }


def test_agreement_report_section_is_plain_data(study):
    opened = open_project(study)
    section = report_section(opened.load_codings(), opened.corpus, opened.codebook, bootstrap=0)
    assert list(section) == ["coders", "units", "shared", "rows", "groups", "overall", "disagreements", "notes"]
    assert (section["units"], section["shared"]) == (6, 4)
    assert section["rows"][1] == {
        "code": "coaching",
        "path": "collaborative_pl/coaching",
        "label": "Coaching",
        "depth": 1,
        "percent_agreement": 50.0,
        "kappa": -0.3333,
        "alpha": -0.1667,
        "alpha_ci": None,
        "units": 4,
        "coders": 2,
    }
    assert section["groups"] == [{"group": "stance", "label": "Stance", "alpha": None, "alpha_ci": None, "units": 4}]
    assert [d["disputed"] for d in section["disagreements"]] == [["coaching"], ["coaching"]]
    json.dumps(section)  # plain data only


def test_agreement_report_section_is_none_with_one_coder(make_project):
    root = make_project({"alder-creek/teacher-01.txt": ALDER}, codebook=CODEBOOK)
    project = open_project(root)
    project.code(spoken(project, "alder-creek/teacher-01")[0], ["data_use"], "ana")
    assert report_section(project.load_codings(), project.corpus, project.codebook) is None
