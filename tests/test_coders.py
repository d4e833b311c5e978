"""Coder identity: new names are explicit, the git fallback is announced, empty coders do not count."""

import json

from qualcode.app.study import open_project
from tests.helpers import INTERVIEW, build_study, git_identity


def _project(make_project):
    root = make_project({"alder-creek/teacher-01.txt": INTERVIEW})
    project = open_project(root)
    spoken = [s for s in project.corpus.segments if not s.skipped]
    return root, spoken


def test_new_coder_name_is_refused_with_did_you_mean(make_project, cli):
    root, spoken = _project(make_project)
    first = cli("-C", root, "code", spoken[0].id, "data_use", "--coder", "ana", "--new-coder")
    assert first.exit_code == 0, first.stderr
    typo = cli("-C", root, "code", spoken[1].id, "data_use", "--coder", "anna")
    assert typo.exit_code == 1
    assert "Error: 'anna' is a new coder (did you mean 'ana'?); coders in this project: ana." in typo.stderr
    assert "pass --new-coder" in typo.stderr
    assert "Traceback" not in typo.stderr
    assert not (root / "codings" / "anna.jsonl").exists()
    # the known coder needs no flag, in any spelling with the same file name
    again = cli("-C", root, "code", spoken[1].id, "data_use", "--coder", "Ana")
    assert again.exit_code == 0, again.stderr


def test_every_writing_command_refuses_a_new_coder(make_project, cli, tmp_path):
    root, spoken = _project(make_project)
    cli("-C", root, "code", spoken[0].id, "data_use", "--coder", "ana", "--new-coder")
    sheet = tmp_path / "sheet.csv"
    sheet.write_text("transcript,quote,code\nalder-creek/teacher-01,coaching cycle,coaching\n", encoding="utf-8")
    calls = [
        ["uncode", spoken[0].id, "data_use"],
        ["annotate", spoken[0].id, "a note"],
        ["done", "alder-creek/teacher-01"],
        ["import", "codings", sheet],
        ["review"],
        ["code", "alder-creek/teacher-01"],
    ]
    for args in calls:
        result = cli("-C", root, *args, "--coder", "anna")
        assert result.exit_code == 1, (args, result.stderr)
        assert "'anna' is a new coder (did you mean 'ana'?)" in result.stderr, args
    assert sorted(p.name for p in (root / "codings").glob("*.jsonl")) == ["ana.jsonl"]
    imported = cli("-C", root, "import", "codings", sheet, "--coder", "ben", "--new-coder")
    assert imported.exit_code == 0, imported.stderr
    assert (root / "codings" / "ben.jsonl").exists()


def test_git_fallback_is_announced(make_project, cli, tmp_path, monkeypatch):
    root, spoken = _project(make_project)
    git_identity(monkeypatch, tmp_path)
    result = cli("-C", root, "code", spoken[0].id, "data_use", "--new-coder")
    assert result.exit_code == 0, result.stderr
    assert "coding as 'Git Person' (from git config user.name); use --coder to choose" in result.stderr
    explicit = cli("-C", root, "code", spoken[1].id, "data_use", "--coder", "Git Person")
    assert "from git config" not in explicit.stderr


def test_emptied_coder_file_is_not_a_coder(make_project, cli):
    study = build_study(make_project)
    root = study.root
    # a typo coder whose only coding was removed again: the file stays, with no records
    seg = next(s for s in study.corpus.segments if not s.skipped)
    study.code(seg.id, ["family"], "anna")
    study.uncode(seg.id, ["family"], "anna")
    assert (root / "codings" / "anna.jsonl").exists()
    assert open_project(root).load_codings().coders == ["ana", "ben"]

    agree = cli("-C", root, "agree", "--format", "json")
    assert agree.exit_code == 0, agree.stderr
    assert json.loads(agree.stdout)["coders"] == ["ana", "ben"]
    coders = cli("-C", root, "coders", "--format", "json")
    assert [row["coder"] for row in json.loads(coders.stdout)] == ["ana", "ben"]
    assert "anna: a coder file without codings or done marks, not counted" in coders.stderr
    assert "`qualcode coders rm anna` removes it" in coders.stderr
    assert open_project(root).select().coders == ["ana", "ben"]  # what matrix and report count
    report = cli("-C", root, "report", "-o", "reports/r.html")
    assert report.exit_code == 0, report.stderr
    html = (root / "reports" / "r.html").read_text(encoding="utf-8")
    assert "anna" not in html


def test_coder_with_only_a_done_mark_still_counts(make_project, cli):
    study = build_study(make_project)
    study.mark_done(["bayview/teacher-01"], "cleo")
    assert open_project(study.root).load_codings().coders == ["ana", "ben", "cleo"]


def test_coders_rm(make_project, cli):
    study = build_study(make_project)
    root = study.root
    seg = next(s for s in study.corpus.segments if not s.skipped)
    study.code(seg.id, ["family"], "anna")
    study.uncode(seg.id, ["family"], "anna")
    assert (root / "codings" / "log" / "anna.jsonl").exists()

    refused = cli("-C", root, "coders", "rm", "ana")
    assert refused.exit_code == 1
    assert "coder 'ana' has 7 coding(s), 0 note(s), 0 done mark(s) in codings/ana.jsonl" in refused.stderr
    assert "pass --force" in refused.stderr
    assert (root / "codings" / "ana.jsonl").exists()

    unknown = cli("-C", root, "coders", "rm", "bem")
    assert unknown.exit_code == 1
    assert "no coder 'bem' (did you mean 'ben'?)" in unknown.stderr

    empty = cli("-C", root, "coders", "rm", "anna")
    assert empty.exit_code == 0, empty.stderr
    assert "removed coder 'anna' (0 coding(s), 0 note(s), 0 done mark(s))" in empty.stderr
    assert not (root / "codings" / "anna.jsonl").exists()
    assert not (root / "codings" / "log" / "anna.jsonl").exists()

    forced = cli("-C", root, "coders", "rm", "ben", "--force")
    assert forced.exit_code == 0, forced.stderr
    assert not (root / "codings" / "ben.jsonl").exists()
    assert open_project(root).load_codings().coders == ["ana"]
    assert not list((root / "codings").glob(".*removing"))


def test_review_header_names_the_coder(make_project, cli):
    root, spoken = _project(make_project)
    cli("-C", root, "code", spoken[0].id, "data_use", "--coder", "ana", "--new-coder")
    cli("-C", root, "suggest", "--save")
    result = cli("-C", root, "review", "--coder", "ana", input="q\n")
    assert result.exit_code == 0, result.stderr
    assert "reviewing as ana: " in result.stderr


def test_code_and_uncode_accept_code_paths(make_project, cli):
    root, spoken = _project(make_project)
    seg = spoken[0].id
    result = cli("-C", root, "code", seg, "collaborative_pl/coaching", "data_use", "--coder", "ana", "--new-coder")
    assert result.exit_code == 0, result.stderr
    assert result.stderr == f"{seg}: coded coaching, data_use (ana)\n"
    assert sorted(c.code for c in open_project(root).load_codings().codings) == ["coaching", "data_use"]
    wrong = cli("-C", root, "code", seg, "data_use/coaching", "--coder", "ana")
    assert wrong.exit_code == 1
    assert "no code path 'data_use/coaching': 'coaching' is at collaborative_pl/coaching" in wrong.stderr
    typo = cli("-C", root, "code", seg, "collaborative_pl/coachin", "--coder", "ana")
    assert typo.exit_code == 1
    assert "(did you mean 'collaborative_pl/coaching'?)" in typo.stderr
    removed = cli("-C", root, "uncode", seg, "collaborative_pl/coaching", "--coder", "ana")
    assert removed.stderr == f"{seg}: removed coaching (ana)\n"
