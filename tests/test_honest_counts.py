"""Checks and counts that say what they mean (issue 13, points 3, 5 and 6).

`check` counts exactly the warnings and errors it prints and `--strict` fails on warnings; a
code rename or merge follows into memos' front matter and `check` names memos citing unknown
codes; `transcripts`, `cases`, `check` and the report count the same segments, and label them.
"""

from __future__ import annotations

import json
import os
import re
import stat

from lxml import html as lxml_html

from tests.helpers import MINI_CODEBOOK, dedent

UNCASED = """\
Interviewer: How do teachers work together?

Maria Lopez: We meet every Wednesday in our professional learning community.
"""


def test_honest_check_counts_the_warnings_it_prints_and_strict_fails_on_them(make_project, cli):
    # three transcripts without a case: three warnings raised while loading the study
    root = make_project({"a.txt": UNCASED, "b.txt": UNCASED, "c.txt": UNCASED})
    result = cli("-C", root, "check")
    assert result.exit_code == 0, result.stderr
    printed = [line for line in result.stderr.splitlines() if line.startswith("warning: ")]
    assert len(printed) == 3 and all("no 'case' attribute" in line for line in printed)
    assert result.stdout.endswith(": 0 error(s), 3 warning(s)\n")

    strict = cli("-C", root, "check", "--strict")
    assert strict.exit_code == 1
    assert strict.stdout.endswith(": 0 error(s), 3 warning(s)\n")

    report = json.loads(cli("-C", root, "check", "--format", "json").stdout)
    assert report["warnings"] == 3 and report["errors"] == 0 and report["ok"] is True
    assert json.loads(cli("-C", root, "check", "--format", "json", "--strict").stdout)["ok"] is False

    quiet = cli("-C", root, "--quiet", "check")
    assert quiet.exit_code == 0 and "warning" not in quiet.stderr
    assert quiet.stdout.endswith(": 0 error(s), 3 warning(s) (not shown: --quiet)\n")


def test_honest_check_on_a_clean_project_passes_strict(make_project, cli):
    root = make_project({"a.txt": "---\ncase: Alder\n---\n" + UNCASED})
    assert cli("-C", root, "check", "--strict").exit_code == 0


CODEBOOK = (
    MINI_CODEBOOK
    + """\
  - id: outreach
    label: Outreach
  - id: home_visits
    label: Home visits
"""
)

MEMO = """\
---
title: Families first
author: ana
date: '2026-11-20'
codes: [outreach, data_use, home_visits]
---

# Families first

Outreach comes up in every parent interview.\r
Keep this line's CR and the trailing spaces.\x20\x20\x20
"""


def _project_with_memo(make_project):
    root = make_project({"a.txt": "---\ncase: Alder\n---\n" + UNCASED}, codebook=CODEBOOK)
    (root / "memos").mkdir()
    memo = root / "memos" / "2026-11-20-families-first.md"
    memo.write_bytes(MEMO.encode("utf-8"))
    memo.chmod(0o640)
    return root, memo


def _body(data: bytes) -> bytes:
    return data.split(b"\n---\n", 1)[1]


def test_honest_rename_updates_memo_codes_and_keeps_the_body_byte_for_byte(make_project, cli):
    root, memo = _project_with_memo(make_project)
    result = cli("-C", root, "codebook", "rename", "outreach", "family_outreach")
    assert result.exit_code == 0, result.stderr
    assert result.stderr == (
        "renamed 'outreach' to 'family_outreach' in the codebook and in 0 coding(s) "
        "and 1 memo(s) (memos/2026-11-20-families-first.md)\n"
    )
    data = memo.read_bytes()
    assert "codes: [family_outreach, data_use, home_visits]\n" in data.decode()
    assert "title: Families first\nauthor: ana\ndate: '2026-11-20'\n" in data.decode()
    assert _body(data) == _body(MEMO.encode("utf-8"))
    assert stat.S_IMODE(os.stat(memo).st_mode) == 0o640
    listed = json.loads(cli("-C", root, "memo", "list", "--format", "json").stdout)
    assert listed[0]["codes"] == ["family_outreach", "data_use", "home_visits"]
    assert cli("-C", root, "check", "--strict").exit_code == 0


def test_honest_merge_updates_memo_codes_once(make_project, cli):
    root, memo = _project_with_memo(make_project)
    result = cli("-C", root, "codebook", "merge", "outreach", "home_visits", "INTO", "data_use")
    assert result.exit_code == 0, result.stderr
    assert "and 1 memo(s)" in result.stderr
    assert "codes: [data_use]\n" in memo.read_text(encoding="utf-8")
    assert _body(memo.read_bytes()) == _body(MEMO.encode("utf-8"))


def test_honest_check_names_memos_citing_unknown_codes(make_project, cli):
    root, memo = _project_with_memo(make_project)
    memo.write_text(MEMO.replace("codes: [outreach,", "codes: [outreech,"), encoding="utf-8")
    result = cli("-C", root, "check", "--format", "json")
    messages = [f["message"] for f in json.loads(result.stdout)["findings"] if f["level"] == "warning"]
    assert messages == [
        "memos/2026-11-20-families-first.md:5: cites code 'outreech', which is not in the codebook "
        "(did you mean 'outreach'?); fix the memo's codes: (renames and merges update memos)"
    ]
    assert cli("-C", root, "check", "--strict").exit_code == 1


STUDY = {
    "alder/teacher-01.txt": """\
        ---
        case: Alder
        role: teacher
        ---
        Interviewer: How do teachers work together?

        Maria Lopez: We meet every Wednesday in our professional learning community.

        Interviewer: And data?

        Maria Lopez: We bring the benchmark assessment.

        Interviewer: Anything else?

        Maria Lopez: A coaching cycle every fall.
        """,
    "bayview/principal-01.txt": """\
        ---
        case: Bayview
        role: principal
        ---
        Q: What changed?

        A: We started data chats.
        """,
}


def test_honest_every_view_counts_the_same_interviewee_segments(make_project, cli):
    root = make_project({k: dedent(v) for k, v in STUDY.items()})
    transcripts = json.loads(cli("-C", root, "transcripts", "--format", "json").stdout)
    assert [(t["segments"], t["skipped_segments"]) for t in transcripts] == [(3, 3), (1, 1)]
    cases = json.loads(cli("-C", root, "cases", "--format", "json").stdout)
    assert [c["segments"] for c in cases] == [3, 1]
    check = json.loads(cli("-C", root, "check", "--format", "json").stdout)["summary"]
    assert (check["segments"], check["skipped_segments"]) == (4, 4)
    assert "4 interviewee segments, 4 interviewer segments (not counted)" in cli("-C", root, "check").stdout
    assert cli("-C", root, "report").exit_code == 0
    tree = lxml_html.fromstring((root / "reports" / "cross-case.html").read_text(encoding="utf-8"))
    numbers = {dt.text_content(): dt.getnext().text_content() for dt in tree.xpath('//dl[@class="numbers"]//dt')}
    assert numbers["interviewee segments"] == "4"


def test_honest_tables_label_what_their_segment_columns_count(make_project, cli):
    root = make_project({k: dedent(v) for k, v in STUDY.items()})
    header = cli("-C", root, "transcripts").stdout.splitlines()[0]
    assert re.search(r"interviewee segments\s+interviewer segments\s+words", header)
    row = cli("-C", root, "transcripts").stdout.splitlines()[2]
    assert re.search(r"alder/teacher-01\s+Alder\s+teacher\s+3\s+3\s", row)
    cases = cli("-C", root, "cases").stdout.splitlines()
    assert "interviewee segments" in cases[0] and "interviewer" not in cases[0]
    assert re.match(r"TOTAL\s+2\s+2\s+4\s", cases[-1])


def test_honest_rename_warns_about_a_memo_it_cannot_read(make_project, cli):
    root, memo = _project_with_memo(make_project)
    memo.write_text(MEMO.replace("codes: [outreach,", "codes: [outreach,,, ]]"), encoding="utf-8")
    before = memo.read_bytes()
    result = cli("-C", root, "codebook", "rename", "outreach", "family_outreach")
    assert result.exit_code == 0, result.stderr
    assert "warning: memos/2026-11-20-families-first.md: its front matter could not be read" in result.stderr
    assert memo.read_bytes() == before
    findings = json.loads(cli("-C", root, "check", "--format", "json").stdout)["findings"]
    assert any(f["message"].startswith("memos/2026-11-20-families-first.md:5:") for f in findings)
