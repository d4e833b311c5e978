"""The hand-coding commands as a researcher uses them."""

import json
import shutil

from qualcode.app.study import open_project
from tests.helpers import INTERVIEW, MINI_CODEBOOK, REPO, git_identity


def setup(make_project):
    root = make_project(
        {
            "alder-creek/teacher-01.txt": INTERVIEW,
            "bayview/parent-01.txt": "---\ncase: Bayview\nrole: parent\n---\nModerator: Hi?\n\nParent 1: The benchmark assessment results came home.\n",
        }
    )
    project = open_project(root)
    spoken = {s.transcript: s for s in reversed(project.corpus.segments) if not s.skipped}
    return root, project, spoken


def test_cli_code_uncode_messages(make_project, cli):
    root, _, spoken = setup(make_project)
    seg = spoken["alder-creek/teacher-01"].id
    result = cli("-C", root, "code", seg, "data_use", "coaching", "--coder", "ana", "--new-coder")
    assert (result.exit_code, result.stderr) == (0, f"{seg}: coded data_use, coaching (ana)\n")
    again = cli("-C", root, "code", seg, "data_use", "--coder", "ana", "--new-coder")
    assert again.stderr == f"{seg}: already coded data_use (ana); nothing changed\n"
    removed = cli("-C", root, "uncode", seg, "coaching", "--coder", "ana", "--new-coder")
    assert removed.stderr == f"{seg}: removed coaching (ana)\n"


def test_cli_code_unknown_code_and_segment(make_project, cli):
    root, _, spoken = setup(make_project)
    seg = spoken["alder-creek/teacher-01"].id
    bad_code = cli("-C", root, "code", seg, "coachng", "--coder", "ana", "--new-coder")
    assert bad_code.exit_code == 1
    assert "no code 'coachng' (did you mean 'coaching'?)" in bad_code.stderr
    bad_segment = cli("-C", root, "code", seg[:-2] + "zz", "coaching", "--coder", "ana", "--new-coder")
    assert bad_segment.exit_code == 1
    assert f"no segment '{seg[:-2]}zz' in transcript 'alder-creek/teacher-01'; nearest ids: {seg}" in bad_segment.stderr


def test_cli_coder_from_env_then_git_then_error(make_project, cli, tmp_path, monkeypatch):
    root, _, spoken = setup(make_project)
    seg = spoken["alder-creek/teacher-01"].id
    cli("-C", root, "code", seg, "data_use", "--new-coder", env={"QUALCODE_CODER": "Env Coder"})
    assert open_project(root).load_codings().coders == ["Env Coder"]
    git_identity(monkeypatch, tmp_path)
    cli("-C", root, "code", seg, "coaching", "--new-coder")
    assert "Git Person" in open_project(root).load_codings().coders
    (tmp_path / "home" / ".gitconfig").unlink()
    result = cli("-C", root, "code", seg, "coaching")
    assert result.exit_code == 1
    assert "who is coding? Pass --coder NAME, or set QUALCODE_CODER=NAME" in result.stderr


def test_cli_show_lists_segments_codes_and_notes_plain_when_piped(make_project, cli):
    root, _, spoken = setup(make_project)
    seg = spoken["alder-creek/teacher-01"].id
    cli("-C", root, "code", seg, "coaching", "--coder", "ana", "--new-coder")
    cli("-C", root, "annotate", seg, "a striking line", "--coder", "ana", "--new-coder")
    out = cli("-C", root, "show", "alder-creek/teacher-01").stdout
    assert "\x1b[" not in out
    assert f"Maria Lopez  {seg}  [collaborative_pl/coaching]" in out
    assert "  note (ana): a striking line" in out


def test_cli_quotes_filters_children_and_formats(make_project, cli):
    root, _, spoken = setup(make_project)
    teacher, parent = spoken["alder-creek/teacher-01"].id, spoken["bayview/parent-01"].id
    cli("-C", root, "code", teacher, "coaching", "--coder", "ana", "--new-coder")
    cli("-C", root, "code", parent, "collaborative_pl", "data_use", "--coder", "ben", "--new-coder")
    rows = json.loads(cli("-C", root, "quotes", "collaborative_pl", "--format", "json").stdout)
    assert [(r["case"], r["segment"], r["codes"], r["coders"]) for r in rows] == [
        ("Alder Creek", teacher, ["coaching"], ["ana"]),
        ("Bayview", parent, ["collaborative_pl", "data_use"], ["ben"]),
    ]
    exact = json.loads(cli("-C", root, "quotes", "collaborative_pl", "--exact", "--format", "json").stdout)
    assert [r["segment"] for r in exact] == [parent]
    by_role = json.loads(
        cli("-C", root, "quotes", "collaborative_pl", "--where", "role=PARENT", "--format", "json").stdout
    )
    assert [r["segment"] for r in by_role] == [parent]
    by_case = json.loads(
        cli("-C", root, "quotes", "collaborative_pl", "--case", "alder creek", "--format", "json").stdout
    )
    assert [r["segment"] for r in by_case] == [teacher]
    md = cli("-C", root, "quotes", "collaborative_pl", "--format", "markdown").stdout
    assert md.startswith(
        "# Quotes: collaborative_pl\n\n## Alder Creek\n\n> We meet every Wednesday in our professional "
        "learning community. We bring the benchmark assessment and sort the work.\n>\n> — Maria Lopez (teacher), "
    )
    table = cli("-C", root, "quotes", "collaborative_pl").stdout
    assert "== Alder Creek (1) ==" in table and "== Bayview (1) ==" in table


def test_cli_quotes_bad_filters(make_project, cli):
    root, _, _ = setup(make_project)
    assert (
        "--where 'role' must look like ATTRIBUTE=VALUE"
        in cli("-C", root, "quotes", "data_use", "--where", "role").stderr
    )
    assert (
        "no transcript has an attribute 'rol' (did you mean 'role'?)"
        in cli("-C", root, "quotes", "data_use", "--where", "rol=x").stderr
    )
    assert (
        "no case 'Bayveiw' (did you mean 'Bayview'?)"
        in cli("-C", root, "quotes", "data_use", "--case", "Bayveiw").stderr
    )


def test_cli_stats_sums_children_into_parents_once(make_project, cli):
    root, project, spoken = setup(make_project)
    teacher, parent = spoken["alder-creek/teacher-01"].id, spoken["bayview/parent-01"].id
    cli("-C", root, "code", teacher, "coaching", "collaborative_pl", "--coder", "ana", "--new-coder")
    cli("-C", root, "code", parent, "coaching", "--coder", "ben", "--new-coder")
    cli(
        "-C", root, "code", project.corpus.segments[0].id, "coaching", "--coder", "ben", "--new-coder"
    )  # interviewer: not counted
    rows = {r["code"]: r for r in json.loads(cli("-C", root, "stats", "--format", "json").stdout)}
    assert (
        rows["collaborative_pl"]["segments"],
        rows["collaborative_pl"]["transcripts"],
        rows["collaborative_pl"]["cases"],
    ) == (2, 2, 2)
    assert rows["collaborative_pl"]["own_segments"] == 1
    assert rows["coaching"]["segments"] == 2 and rows["data_use"]["segments"] == 0
    table = cli("-C", root, "stats").stdout
    assert "\n  coaching " in table


def test_cli_done_coders_and_log(make_project, cli):
    root, _, spoken = setup(make_project)
    cli("-C", root, "code", spoken["alder-creek/teacher-01"].id, "coaching", "--coder", "ana", "--new-coder")
    result = cli("-C", root, "done", "alder-creek/teacher-01", "--coder", "ana", "--new-coder")
    assert result.stderr == "alder-creek/teacher-01: done for ana\n"
    assert cli("-C", root, "done", "alder-creek/teacher-01", "--coder", "ana", "--new-coder").stderr.endswith(
        "(already)\n"
    )
    assert (
        "no transcript 'alder-creek/teacher-1'"
        in cli("-C", root, "done", "alder-creek/teacher-1", "--coder", "ana", "--new-coder").stderr
    )
    summary = json.loads(cli("-C", root, "coders", "--format", "json").stdout)
    assert [(s["coder"], s["codings"], s["done"], s["transcripts"]) for s in summary] == [("ana", 1, 1, 1)]
    log = json.loads(cli("-C", root, "log", "--format", "json").stdout)
    assert [e["action"] for e in log] == ["code", "done"]


def test_cli_check_reports_orphans_and_exits_1(make_project, cli):
    root, _, spoken = setup(make_project)
    cli("-C", root, "code", spoken["bayview/parent-01"].id, "data_use", "--coder", "ana", "--new-coder")
    assert cli("-C", root, "check").exit_code == 0
    path = root / "transcripts" / "bayview" / "parent-01.txt"
    path.write_text(
        path.read_text().replace(
            "The benchmark assessment results came home.", "We talked about the weather all night."
        )
    )
    result = cli("-C", root, "check")
    assert result.exit_code == 1
    assert "error: orphaned coding: ana coded 'data_use' on" in result.stderr
    listed = json.loads(cli("-C", root, "orphans", "--format", "json").stdout)
    assert [(o["code"], o["coder"]) for o in listed] == [("data_use", "ana")]
    assert "1 orphaned coding(s)" in cli("-C", root, "quotes", "data_use").stderr
    deleted = cli("-C", root, "orphans", "delete", "--all")
    assert deleted.stderr == "deleted 1 orphaned coding(s)\n"
    assert cli("-C", root, "check").exit_code == 0


def test_cli_memo_new_and_list(make_project, cli):
    root, _, _ = setup(make_project)
    result = cli("-C", root, "memo", "new", "Coaching & trust", "--code", "coaching", "--author", "ana", "--no-edit")
    path = root / result.stdout.strip()
    assert path.name.endswith("-coaching-trust.md")
    text = path.read_text()
    assert text.startswith("---\ntitle: Coaching & trust\nauthor: ana\ndate: ")
    assert "codes: [coaching]" in text
    second = cli("-C", root, "memo", "new", "Coaching & trust", "--author", "ana", "--no-edit").stdout.strip()
    assert second.endswith("-coaching-trust-2.md")
    memos = json.loads(cli("-C", root, "memo", "list", "--format", "json").stdout)
    assert {m["title"] for m in memos} == {"Coaching & trust"} and len(memos) == 2
    assert (
        "no code 'coachin'"
        in cli("-C", root, "memo", "new", "x", "--code", "coachin", "--author", "a", "--no-edit").stderr
    )


def test_cli_codebook_rename_updates_codebook_and_every_coder(make_project, cli):
    root, _, spoken = setup(make_project)
    cli("-C", root, "code", spoken["alder-creek/teacher-01"].id, "coaching", "--coder", "ana", "--new-coder")
    cli("-C", root, "code", spoken["bayview/parent-01"].id, "coaching", "--coder", "ben", "--new-coder")
    result = cli("-C", root, "codebook", "rename", "coaching", "instructional_coaching")
    assert result.stderr == "renamed 'coaching' to 'instructional_coaching' in the codebook and in 2 coding(s)\n"
    codebook = (root / "codebooks" / "district-practices.yaml").read_text()
    assert codebook == MINI_CODEBOOK.replace("id: coaching", "id: instructional_coaching")
    codings = open_project(root).load_codings()
    assert {c.code for c in codings.codings} == {"instructional_coaching"}
    assert "already exists" in cli("-C", root, "codebook", "rename", "data_use", "collaborative_pl").stderr


def test_cli_codebook_rename_keeps_comments_and_layout_of_the_default_codebook(make_project, cli):
    root, _, _ = setup(make_project)
    shutil.copy(REPO / "codebooks" / "district-practices.yaml", root / "codebooks" / "district-practices.yaml")
    before = (root / "codebooks" / "district-practices.yaml").read_text().splitlines()
    assert cli("-C", root, "codebook", "rename", "plc", "learning_communities").exit_code == 0
    after = (root / "codebooks" / "district-practices.yaml").read_text().splitlines()
    changed = [(a, b) for a, b in zip(before, after) if a != b]
    assert len(before) == len(after) and len(changed) == 1
    assert changed[0][1].strip() == "- id: learning_communities"


def test_cli_codebook_merge_moves_rules_and_recodes_once_per_segment(make_project, cli):
    root, _, spoken = setup(make_project)
    seg = spoken["alder-creek/teacher-01"].id
    cli("-C", root, "code", seg, "coaching", "collaborative_pl", "--coder", "ana", "--new-coder")
    cli("-C", root, "code", spoken["bayview/parent-01"].id, "coaching", "--coder", "ana", "--new-coder")
    result = cli("-C", root, "codebook", "merge", "coaching", "INTO", "collaborative_pl")
    assert result.exit_code == 0, result.stderr
    project = open_project(root)
    assert "coaching" not in project.codebook
    assert project.codebook.get("collaborative_pl").keywords == ["professional learning community", "coaching cycle"]
    codings = project.load_codings()
    assert sorted((c.segment, c.code) for c in codings.codings) == sorted(
        [(seg, "collaborative_pl"), (spoken["bayview/parent-01"].id, "collaborative_pl")]
    )
    assert cli("-C", root, "codebook", "merge", "data_use", "collaborative_pl").exit_code == 2


def test_cli_annotate_delete_notes(make_project, cli):
    root, _, spoken = setup(make_project)
    seg = spoken["alder-creek/teacher-01"].id
    cli("-C", root, "annotate", seg, "one", "--coder", "ana", "--new-coder")
    cli("-C", root, "annotate", seg, "two", "--coder", "ana", "--new-coder")
    assert (
        cli("-C", root, "annotate", seg, "one", "--delete", "--coder", "ana", "--new-coder").stderr
        == f"{seg}: 1 note(s) deleted (ana)\n"
    )
    assert [n.text for n in open_project(root).load_codings().notes] == ["two"]
    assert (
        cli("-C", root, "annotate", seg, "--delete", "--coder", "ana", "--new-coder").stderr
        == f"{seg}: 1 note(s) deleted (ana)\n"
    )
    assert open_project(root).load_codings().notes == []
    assert cli("-C", root, "annotate", seg, "--coder", "ana", "--new-coder").exit_code == 2


def test_cli_show_for_a_new_coder_works_before_any_coding(make_project, cli):
    root, _, spoken = setup(make_project)
    cli("-C", root, "code", spoken["alder-creek/teacher-01"].id, "coaching", "--coder", "ben", "--new-coder")
    result = cli("-C", root, "show", "alder-creek/teacher-01", "--coder", "ana")
    assert result.exit_code == 0
    assert "ana has no codings yet" in result.stderr
    assert "[collaborative_pl/coaching]" not in result.stdout  # blind: ben's codes stay hidden
