"""The caption reader: WebVTT (Teams, Zoom) and SRT files into cues with speakers and times."""

from __future__ import annotations

from pathlib import Path

import pytest

from qualcode.errors import UnreadableFileError
from qualcode.study.formats import Cue, reader_for
from qualcode.study.formats.captions import read_srt, read_vtt

TEAMS_VTT = """WEBVTT

NOTE Exported from Microsoft Teams
by the school's account

STYLE
::cue { color: yellow }

3f2a9c1e-1
00:00:01.000 --> 00:00:04.500
<v Maria Lopez>Good morning, thanks for having me.</v>

3f2a9c1e-2
00:00:04.500 --> 00:00:09.250 align:start
<v Interviewer>Let's start with <i>your</i> role
at the school &amp; the   district.</v>

3f2a9c1e-3
00:00:09.250 --> 00:00:12.004
<v.loud Maria Lopez>Sure.</v> <v Interviewer>Great.</v>

3f2a9c1e-4
00:01:12.000 --> 01:00:00.120
<v Maria Lopez><c.yellow>Well</c> <00:01:13.000>it&#39;s been ten years.</v>

3f2a9c1e-5
00:01:15.000 --> 00:01:16.000
<v Interviewer></v>
"""


def _write(tmp_path: Path, name: str, content: str | bytes) -> Path:
    path = tmp_path / name
    if isinstance(content, bytes):
        path.write_bytes(content)
    else:
        path.write_text(content, encoding="utf-8", newline="")
    return path


def test_format_captions_teams_voice_tags(tmp_path: Path) -> None:
    extracted = read_vtt(_write(tmp_path, "teams.vtt", TEAMS_VTT))

    assert extracted.text == ""
    assert extracted.warnings == []
    assert extracted.cues == [
        Cue("Maria Lopez", "Good morning, thanks for having me.", 1.0, 4.5),
        Cue("Interviewer", "Let's start with your role at the school & the district.", 4.5, 9.25),
        Cue("Maria Lopez", "Sure.", 9.25, 12.004),
        Cue("Interviewer", "Great.", 9.25, 12.004),
        Cue("Maria Lopez", "Well it's been ten years.", 72.0, 3600.12),
    ]


def test_format_captions_vtt_is_the_reader_of_vtt_and_srt_files() -> None:
    assert reader_for(Path("interview.VTT")) is read_vtt
    assert reader_for(Path("interview.srt")) is read_srt


ZOOM_VTT = """WEBVTT

1
00:00:01.000 --> 00:00:04.500
Maria Lopez: Good morning.

2
00:00:04.500 --> 00:00:08.000
Maria Lopez: I teach year five,
and I coach football.

3
00:00:08.000 --> 00:00:10.000
Note: the bell rang here.

4
00:00:10.000 --> 00:00:12.000
JOHN: Sorry, carry on.

5
00:00:12.000 --> 00:00:15.000
Anna Berg: said once, so it is not a label.

6
00:00:15.000 --> 00:00:17.500
Speaker 2: May I add something?

7
00:00:17.500 --> 00:00:19.000
the time was 10:30: late.
"""


def test_format_captions_zoom_name_prefixes(tmp_path: Path) -> None:
    extracted = read_vtt(_write(tmp_path, "zoom.vtt", ZOOM_VTT))

    assert extracted.cues == [
        Cue("Maria Lopez", "Good morning.", 1.0, 4.5),
        Cue("Maria Lopez", "I teach year five, and I coach football.", 4.5, 8.0),
        Cue(None, "Note: the bell rang here.", 8.0, 10.0),
        Cue("JOHN", "Sorry, carry on.", 10.0, 12.0),
        Cue(None, "Anna Berg: said once, so it is not a label.", 12.0, 15.0),
        Cue("Speaker 2", "May I add something?", 15.0, 17.5),
        Cue(None, "the time was 10:30: late.", 17.5, 19.0),
    ]


def test_format_captions_prose_words_are_never_labels(tmp_path: Path) -> None:
    texts = [
        "Note: the bell.",
        "Note: the bell again.",
        "NOTE: recording paused.",
        "Well Maria: go on.",
        "Well Maria: yes.",
    ]
    content = "WEBVTT\n" + "".join(f"\n00:00:0{i}.000 --> 00:00:0{i + 1}.000\n{t}\n" for i, t in enumerate(texts))

    extracted = read_vtt(_write(tmp_path, "prose.vtt", content))

    assert extracted.cues == [Cue(None, t, float(i), float(i + 1)) for i, t in enumerate(texts)]


def test_format_captions_vtt_with_bom_and_crlf(tmp_path: Path) -> None:
    content = "WEBVTT - Zoom\r\n\r\n00:00:00.500 --> 00:00:02.000\r\nCafe\u0301 talk\r\n"
    path = _write(tmp_path, "bom.vtt", b"\xef\xbb\xbf" + content.encode("utf-8"))

    extracted = read_vtt(path)

    assert extracted.cues == [Cue(None, "Caf\u00e9 talk", 0.5, 2.0)]  # NFC: one é
    assert extracted.warnings == []


SRT = """1
00:00:58,000 --> 00:01:02,500
MARIA: <i>So</i> we started
in the autumn.

2
00:01:02,500 --> 00:01:05,250
{\\an8}(door closes)

3
00:01:05,250 --> 00:01:09,001
MARIA: <b>Then</b> the &quot;new&quot; head came.

4
00:01:09,001 --> 00:01:12,000
- Tom: Was that hard?
- MARIA: Very.

5
00:01:12,000 --> 00:01:13,000
<i></i>
"""


def test_format_captions_srt_speakers_markup_and_times(tmp_path: Path) -> None:
    extracted = read_srt(_write(tmp_path, "film.srt", SRT))

    assert extracted.text == ""
    assert extracted.warnings == []
    assert extracted.cues == [
        Cue("MARIA", "So we started in the autumn.", 58.0, 62.5),
        Cue(None, "(door closes)", 62.5, 65.25),
        Cue("MARIA", 'Then the "new" head came.', 65.25, 69.001),
        Cue(None, "- Tom: Was that hard?", 69.001, 72.0),  # "Tom" is a name used once
        Cue("MARIA", "Very.", 69.001, 72.0),
    ]


def test_format_captions_srt_dialogue_dashes_split_a_cue(tmp_path: Path) -> None:
    content = (
        "1\n00:00:01,000 --> 00:00:03,000\n- Tom: Ready?\n- Interviewer: Yes.\n\n"
        "2\n00:00:03,000 --> 00:00:04,000\nTom: Good.\n"
    )

    extracted = read_srt(_write(tmp_path, "dialogue.srt", content))

    assert extracted.cues == [
        Cue("Tom", "Ready?", 1.0, 3.0),
        Cue("Interviewer", "Yes.", 1.0, 3.0),
        Cue("Tom", "Good.", 3.0, 4.0),
    ]


def test_format_captions_broken_vtt_is_refused(tmp_path: Path) -> None:
    with pytest.raises(UnreadableFileError) as caught:
        read_vtt(_write(tmp_path, "notes.vtt", "Interview with Maria\n\n00:00:01.000 --> 00:00:02.000\nHi\n"))

    assert str(caught.value) == (
        "not a WebVTT file: it must start with the line WEBVTT (the first line is 'Interview with Maria')"
    )
    assert caught.value.line == 1

    with pytest.raises(UnreadableFileError) as caught:
        read_vtt(_write(tmp_path, "empty.vtt", ""))
    assert str(caught.value) == "not a WebVTT file: it must start with the line WEBVTT (the file is empty)"


def test_format_captions_vtt_cue_with_unreadable_times_is_left_out_with_a_warning(tmp_path: Path) -> None:
    content = (
        "WEBVTT\n\n00:00:01.000 --> 00:00:02.000\n<v Maria>Kept.</v>\n\n"
        "00:00:02.000 --> 00:00:99.000\n<v Maria>Lost.</v>\n\n"
        "00:00:03.000 --> 00:00:04.000\n<v Maria>Kept too.</v>\n"
    )

    extracted = read_vtt(_write(tmp_path, "times.vtt", content))

    assert extracted.cues == [Cue("Maria", "Kept.", 1.0, 2.0), Cue("Maria", "Kept too.", 3.0, 4.0)]
    assert extracted.warnings == [
        (
            6,
            "cue left out: its times cannot be read ('00:00:02.000 --> 00:00:99.000'); "
            "write them like 00:01:02.500 --> 00:01:05.000",
        )
    ]


def test_format_captions_vtt_without_any_readable_cue_is_refused(tmp_path: Path) -> None:
    content = "WEBVTT\n\n1\n00:00:01,000 --> 00:00:02,000\nSRT times in a VTT file\n"

    with pytest.raises(UnreadableFileError) as caught:
        read_vtt(_write(tmp_path, "commas.vtt", content))

    assert str(caught.value) == (
        "not a readable WebVTT file: no cue has times that can be read "
        "(line 4: '00:00:01,000 --> 00:00:02,000'); times are written like 00:01:02.500 --> 00:01:05.000"
    )
    assert caught.value.line == 4


def test_format_captions_broken_srt_names_the_cue_and_line(tmp_path: Path) -> None:
    content = (
        "1\n00:00:01,000 --> 00:00:02,000\nHello.\n\n2\n00:00:03,000 -> 00:00:04\nThe arrow of this cue is broken.\n"
    )

    with pytest.raises(UnreadableFileError) as caught:
        read_srt(_write(tmp_path, "broken.srt", content))

    assert str(caught.value) == (
        "not a readable SRT file at cue 2: expected a cue number and a time line "
        "such as 00:01:02,500 --> 00:01:05,000, found '2'"
    )
    assert caught.value.line == 5


def test_format_captions_text_file_saved_as_srt_is_refused(tmp_path: Path) -> None:
    with pytest.raises(UnreadableFileError) as caught:
        read_srt(_write(tmp_path, "notes.srt", "\n\nInterview notes, not subtitles.\nMore.\n"))

    assert str(caught.value) == (
        "not a readable SRT file at cue 1: expected a cue number and a time line "
        "such as 00:01:02,500 --> 00:01:05,000, found 'Interview notes, not subtitles.'"
    )
    assert caught.value.line == 3


def test_format_captions_cp1252_srt_is_read_with_a_warning(tmp_path: Path) -> None:
    content = "1\r\n00:00:01,000 --> 00:00:03,000\r\nMARIA: It\x92s the caf\xe9.\r\n"
    path = _write(tmp_path, "latin.srt", content.encode("latin-1"))

    extracted = read_srt(path)

    assert extracted.cues == [Cue("MARIA", "It\u2019s the caf\u00e9.", 1.0, 3.0)]
    assert extracted.warnings == [
        (
            3,
            "not valid UTF-8 (byte 0x92); read as Windows-1252. "
            "Re-save the file as UTF-8 to make sure every character is right",
        )
    ]
