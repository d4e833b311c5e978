from qualcode.study.turns import detect_turns


def speakers(text, known=frozenset(), markdown=False):
    return [(t.speaker, text[t.start : t.end]) for t in detect_turns(text, known, markdown)]


def test_turns_name_labels_and_continuation_lines():
    text = "Interviewer: Hi?\nMARIA LOPEZ: Fine.\nStill Maria here.\n\nAnd again.\nJohn Smith: Me."
    assert speakers(text) == [
        ("Interviewer", "Hi?"),
        ("MARIA LOPEZ", "Fine.\nStill Maria here.\n\nAnd again."),
        ("John Smith", "Me."),
    ]


def test_turns_q_and_a_labels():
    assert speakers("Q: Why?\nA: Because.\n\nQ: Sure?\nA: Yes.") == [
        ("Q", "Why?"),
        ("A", "Because."),
        ("Q", "Sure?"),
        ("A", "Yes."),
    ]


def test_turns_interviewer_respondent():
    assert [s for s, _ in speakers("Interviewer: a\n\nRespondent: b\n")] == ["Interviewer", "Respondent"]


def test_turns_bracketed_and_parenthesised_timestamps():
    text = "[00:12:31] Speaker 2: We started.\n(00:12:40) ROSA DELGADO: Yes.\n[1:02] Interviewer: ok"
    turns = detect_turns(text)
    assert [(t.speaker, t.timestamp) for t in turns] == [
        ("Speaker 2", "00:12:31"),
        ("ROSA DELGADO", "00:12:40"),
        ("Interviewer", "1:02"),
    ]
    assert text[turns[0].start : turns[0].end] == "We started."


def test_turns_note_inside_paragraph_is_prose_not_a_speaker():
    text = "Maria: We met.\nNote: the binder was new.\nThen we planned.\n\nInterviewer: ok"
    assert speakers(text) == [
        ("Maria", "We met.\nNote: the binder was new.\nThen we planned."),
        ("Interviewer", "ok"),
    ]


def test_turns_note_at_paragraph_start_is_still_prose():
    text = "Maria: We met.\n\nNote: the binder was new.\n\nInterviewer: ok"
    assert [s for s, _ in speakers(text)] == ["Maria", "Interviewer"]


def test_turns_times_in_prose_do_not_start_turns():
    text = "Maria: We meet at 10:30 every day.\nat 10:30: the bell rings.\n10:30: lunch\nMeeting at 10:30: fine"
    assert len(detect_turns(text)) == 1


def test_turns_single_word_name_on_consecutive_lines():
    assert [s for s, _ in speakers("Interviewer: Hi?\nMaria: Fine.\nInterviewer: Good.")] == [
        "Interviewer",
        "Maria",
        "Interviewer",
    ]


def test_turns_text_before_first_label_has_no_speaker():
    assert speakers("Interview 3, March.\n\nQ: Hi") == [(None, "Interview 3, March."), ("Q", "Hi")]


def test_turns_markdown_bold_labels_and_headings():
    text = (
        "# Interview with Ms. Tran\n\n**Interviewer:** Hello?\n\n**Ms. Tran:** Hi.\n\n## Part 2\n\n**Ms. Tran**: More."
    )
    assert speakers(text, markdown=True) == [("Interviewer", "Hello?"), ("Ms. Tran", "Hi."), ("Ms. Tran", "More.")]


def test_turns_label_with_empty_first_line_takes_the_next_lines():
    text = "Interviewer:\nWhat happened?\n\nA:\n\nWe changed.\n"
    assert speakers(text) == [("Interviewer", "What happened?"), ("A", "We changed.")]


def test_turns_urls_and_lowercase_starts_are_not_labels():
    text = "Maria: see\nhttps://example.org: page\nbecause: reasons"
    assert len(detect_turns(text)) == 1
