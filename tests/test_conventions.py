"""The speaker conventions of real studies: labels alone on their line, bare mm:ss, short codes and
their legend, time markers, aliases, spelling variants, near misses, prose after a label, times."""

from __future__ import annotations

import json

import pytest

from qualcode.app.study import open_project
from qualcode.study.speakers import folded
from qualcode.study.turns import detect, detect_turns, parse_time


def turns(text, known=frozenset()):
    return [(t.speaker, text[t.start : t.end]) for t in detect_turns(text, known)]


FOCUS_GROUP = """\
00:19 PARTICIPANT 12:
Morning Researcher.

00:20 RESEARCHER:
Good morning. How are you? I'm just going to give three minutes for people to join us.

01:29 PARTICIPANT 16:
Honestly: I only go to the retro when I must.
And then I leave early.

01:40 RESEARCHER:
Thanks.
"""


def test_conventions_a_label_alone_on_its_line_with_mm_ss_takes_the_lines_after_it():
    found = detect_turns(FOCUS_GROUP)
    assert [(t.speaker, t.timestamp, t.time_start, t.time_end) for t in found] == [
        ("PARTICIPANT 12", "00:19", 19.0, 20.0),
        ("RESEARCHER", "00:20", 20.0, 89.0),
        ("PARTICIPANT 16", "01:29", 89.0, 100.0),
        ("RESEARCHER", "01:40", 100.0, None),
    ]
    assert FOCUS_GROUP[found[2].start : found[2].end] == (
        "Honestly: I only go to the retro when I must.\nAnd then I leave early."
    )


def test_conventions_prose_right_after_a_label_line_continues_the_turn():
    assert turns("Maria Lopez: We met.\nHonestly: it was late.\n\nInterviewer: ok") == [
        ("Maria Lopez", "We met.\nHonestly: it was late."),
        ("Interviewer", "ok"),
    ]
    # a strong label right after a label standing alone still starts a turn
    assert turns("RESEARCHER:\nPARTICIPANT 2: Hi.") == [("PARTICIPANT 2", "Hi.")]


@pytest.mark.parametrize(
    "text, seconds",
    [
        ("00:12:31", 751.0),
        ("12:31", 751.0),
        ("1:40", 100.0),
        ("*0:0", 0.0),
        ("(07.45)", 465.0),
        ("(1.04.46)", 3886.0),
        ("[00:00:07]", 7.0),
        ("00:12:31.5", 751.5),
        ("12:75", None),
        ("x", None),
    ],
)
def test_conventions_times_parse_to_seconds(text, seconds):
    assert parse_time(text) == seconds


def test_conventions_short_codes_a_legend_and_star_timestamps():
    text = (
        "Transskribering af interview nr. 1\n\nI1: Interviewer 1\n\nI2: Interviewer 2\n\nK: Kvinde\n\n"
        "*0:0 = I1: Hvor længe har I boet her?\n\nK: Knap ni år.\n\n*1:40 = I2: Og før det?\n\n"
        "K: I en lejlighed.\n\nI1: Tak.\n\nK: Selv tak."
    )
    found = detect(text)
    assert found.legend == {"I1": "Interviewer 1", "I2": "Interviewer 2", "K": "Kvinde"}
    assert [(t.label, t.time_start) for t in found.turns] == [
        (None, None),
        ("I1", 0.0),
        ("K", None),
        ("I2", 100.0),
        ("K", None),
        ("I1", None),
        ("K", None),
    ]
    assert text[found.turns[0].start : found.turns[0].end] == "Transskribering af interview nr. 1"


def test_conventions_a_legend_on_one_line_and_time_markers_between_turns():
    text = "Interview 2\n\nI = Interviewer; Y = informant\n\nI: Hvad tænker du?\n\n(07.45)\n\nY: Ja.\n\nI: Og så?\n\nY: Nej."
    found = detect(text)
    assert found.legend == {"I": "Interviewer", "Y": "informant"}
    assert [(t.label, text[t.start : t.end], t.time_start) for t in found.turns] == [
        (None, "Interview 2", None),
        ("I", "Hvad tænker du?", None),
        ("Y", "Ja.", 465.0),
        ("I", "Og så?", None),
        ("Y", "Nej.", None),
    ]


def test_conventions_short_dialogue_lines_are_not_a_legend():
    found = detect("Q: Hi there\nA: Hello\nQ: How did the year start for your team?\nA: Slowly.")
    assert found.legend == {}
    assert [t.label for t in found.turns] == ["Q", "A", "Q", "A"]


def test_conventions_a_short_code_used_throughout_is_a_speaker():
    text = "K: Ja.\nM: Nej.\nK: Måske.\nM: Godt.\nK: Fint.\nM: Ok."
    assert [s for s, _ in turns(text)] == ["K", "M", "K", "M", "K", "M"]


STUDY = {
    "focus.txt": """\
        ---
        case: North
        ---
        I1: Interviewer 1
        M: Maria

        I1: Welcome, tell us about the year.

        M: MRS ALVAREZ helped a lot.

        MRS ALVAREZ: Thank you.

        MRS. ALVAREZ: We planned together.

        Mrs. Alvarez: Every week.

        Mrs. Alvarez: Really.

        I1: And the coach?

        Intervewer: Sorry, one more.

        I1: Thanks.

        PARTTICIPANT 18: Bye.
        """,
}


def test_conventions_the_study_names_speakers_by_legend_aliases_and_variants(make_project, cli):
    root = make_project(STUDY, config="segment_by: turn\nspeaker_aliases: {PARTTICIPANT 18: PARTICIPANT 18}\n")
    study = open_project(root)
    speakers = [s.speaker for s in study.corpus.segments]
    assert speakers == [
        "Interviewer 1",
        "Maria",
        "Mrs. Alvarez",
        "Mrs. Alvarez",
        "Mrs. Alvarez",
        "Mrs. Alvarez",
        "Interviewer 1",
        "Intervewer",
        "Interviewer 1",
        "PARTICIPANT 18",
    ]
    # the legend's "Interviewer 1" is in speakers_to_skip, so those turns are skipped
    assert [s.skipped for s in study.corpus.segments][:2] == [True, False]
    notes = "\n".join(study.warnings)
    # the spelling used most ('Mrs. Alvarez', twice) names the speaker
    assert (
        "speaker labels 'MRS ALVAREZ', 'MRS. ALVAREZ' and 'Mrs. Alvarez' are taken as one speaker, 'Mrs. Alvarez'"
        in notes
    )
    near = [w for w in study.warnings if "Intervewer" in w]
    assert near == [
        "transcripts/focus.txt:21: speaker 'Intervewer' appears once and looks like 'Interviewer 1' (3 turns); "
        "if they are the same person, add it to qualcode.yaml: speaker_aliases: {'Intervewer': 'Interviewer 1'}"
    ]
    rows = json.loads(cli("-C", root, "segments", "--format", "json").stdout)
    assert [r["speaker"] for r in rows] == speakers


def test_conventions_speaker_folding():
    assert folded("MRS. ALVAREZ") == folded("Mrs Alvarez") == "mrs alvarez"


def test_conventions_speaker_aliases_are_validated(make_project, cli):
    root = make_project({"a.txt": "Ann: hi\n"}, config="speaker_aliases: [I1]\n")
    result = cli("-C", root, "segments")
    assert result.exit_code == 1
    assert "qualcode.yaml:1: 'speaker_aliases' must map labels to names" in result.stderr
    bad = make_project({"a.txt": "Ann: hi\n"}, config="language: Danish\n", name="other")
    assert "'language' must be a language code such as en, da" in cli("-C", bad, "segments").stderr


def test_conventions_times_reach_segments_export_show_and_report(make_project, cli):
    root = make_project({"fg.txt": "---\ncase: X\n---\n" + FOCUS_GROUP}, config="segment_by: paragraph\n")
    rows = json.loads(cli("-C", root, "segments", "--format", "json").stdout)
    assert [(r["speaker"], r["time_start"], r["time_end"]) for r in rows] == [
        ("PARTICIPANT 12", 19.0, 20.0),
        ("RESEARCHER", 20.0, 89.0),
        ("PARTICIPANT 16", 89.0, 100.0),
        ("RESEARCHER", 100.0, None),
    ]
    segment = rows[2]["id"]
    assert cli("-C", root, "code", segment, "data_use", "--coder", "ana", "--new-coder").exit_code == 0
    exported = json.loads(cli("-C", root, "export", "codings", "--format", "json").stdout)
    assert (exported[0]["time_start"], exported[0]["time_end"]) == (89.0, 100.0)
    csv_header = cli("-C", root, "export", "codings").stdout.splitlines()[0]
    assert csv_header.startswith("transcript,case,segment,speaker,code,coder,source,quote,memo,time_start,time_end")
    shown = cli("-C", root, "show", "fg").stdout
    assert "PARTICIPANT 16  [0:01:29]" in shown
    assert cli("-C", root, "report").exit_code == 0
    html = (root / "reports" / "cross-case.html").read_text()
    assert '"tm":"0:01:29"' in html


def test_conventions_otter_names_with_times_alone_on_a_line():
    text = "Jane Doe  0:03\nSo let us start.\n\nJohn Smith  0:15\nSure thing.\nMore words.\n\nJane Doe  0:40\nGreat.\n"
    assert [(t.speaker, t.time_start, t.time_end, text[t.start : t.end]) for t in detect_turns(text)] == [
        ("Jane Doe", 3.0, 15.0, "So let us start."),
        ("John Smith", 15.0, 40.0, "Sure thing.\nMore words."),
        ("Jane Doe", 40.0, None, "Great."),
    ]
    # one such line in prose is not a layout
    assert [t.speaker for t in detect_turns("We met.\nBreak 10:30\nMore.")] == [None]


def test_conventions_rev_times_after_the_name_and_roles_in_parentheses():
    text = "Interviewer (00:00:03):\nSo tell me.\n\nRespondent (teacher): I teach.\n\nInterviewer (00:01:10): Thanks."
    assert [(t.speaker, t.time_start, text[t.start : t.end]) for t in detect_turns(text)] == [
        ("Interviewer", 3.0, "So tell me."),
        ("Respondent (teacher)", None, "I teach."),
        ("Interviewer", 70.0, "Thanks."),
    ]


def test_conventions_a_forgotten_colon_after_a_known_timestamped_label():
    text = (
        "40:08 RESEARCHER:\nSo, over to you.\n\n40:20 PARTICIPANT 22\nYes, I agree.\n\n41:00 PARTICIPANT 22:\nMore.\n"
    )
    assert [(t.speaker, t.time_start, text[t.start : t.end]) for t in detect_turns(text)] == [
        ("RESEARCHER", 2408.0, "So, over to you."),
        ("PARTICIPANT 22", 2420.0, "Yes, I agree."),
        ("PARTICIPANT 22", 2460.0, "More."),
    ]
    # without the same name used with a colon, such a line is prose
    assert [t.speaker for t in detect_turns("10:30 Lunch Break\nWe ate.\n")] == [None]


def test_conventions_a_short_code_with_a_semicolon_or_full_stop_is_still_its_label():
    text = "K: Ja.\n\nM: Nej.\n\nK: Godt.\n\nM; Måske.\n\nK. Fint.\n\nM: Ok.\n\nK: Tak.\n\nM: Hm."
    assert [(t.label, text[t.start : t.end]) for t in detect_turns(text)] == [
        ("K", "Ja."),
        ("M", "Nej."),
        ("K", "Godt."),
        ("M", "Måske."),
        ("K", "Fint."),
        ("M", "Ok."),
        ("K", "Tak."),
        ("M", "Hm."),
    ]


def test_conventions_numbered_speakers_are_not_near_misses_of_each_other(make_project):
    turns = ["Speaker 10: We met on Tuesdays." for _ in range(4)] + ["Speaker 1: I chaired the meeting."]
    root = make_project({"board.txt": "\n\n".join(turns) + "\n"})
    study = open_project(root)
    assert [s.speaker for s in study.corpus.segments][-1] == "Speaker 1"
    assert not [w for w in study.warnings if "looks like" in w]
