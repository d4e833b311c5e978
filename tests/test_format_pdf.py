"""The PDF reader: the text layer without page furniture, one line per paragraph, turns kept apart.

PDFs written here with fpdf2 show each rule on a document whose text is known exactly; the two
real focus-group PDFs in the shared fixtures are checked against pypdf's raw text, counted
independently of the reader. pypdf writes no blank line for vertical space, so the documents
below separate paragraphs with a line holding one space, as Word does.
"""

from __future__ import annotations

import logging
import random
import re
from pathlib import Path

import pypdf
import pytest
from fpdf import FPDF

from qualcode.errors import UnreadableFileError
from qualcode.study.formats.pdf import read
from tests.helpers import SHARED

PDF_DIR = SHARED / "fixtures" / "transcripts" / "pdf"
#: a turn label alone on its line, as the focus groups write them: ``01:29 PARTICIPANT 16:``, ``1:23:04 RESEARCHER:``
LABEL = re.compile(r"^\s*\d{1,2}:\d{2}(?::\d{2})?\s+[A-Z][A-Z0-9 ]*?:\s*$", re.MULTILINE)
HEADER = "Focus group 3 - transcript"
BLANK = " "  # a paragraph break, as pypdf sees one


# ------------------------------------------------------------------------------------------------
# Building PDFs
# ------------------------------------------------------------------------------------------------


class _Document(FPDF):
    """A small A5 document; ``header``/``footer`` are written on every page when given."""

    def __init__(self, header: str | None = None, footer: str | None = None):
        super().__init__(format=(148, 210))
        self.running_header, self.running_footer = header, footer
        self.set_auto_page_break(True, margin=18)
        self.set_font("Helvetica", size=11)

    def header(self):
        if self.running_header:
            self.set_font("Helvetica", size=8)
            self.cell(0, 5, self.running_header.format(page=self.page_no()), new_x="LMARGIN", new_y="NEXT")
            self.ln(3)
            self.set_font("Helvetica", size=11)

    def footer(self):
        if self.running_footer:
            self.set_y(-12)
            self.set_font("Helvetica", size=8)
            self.cell(0, 5, self.running_footer.format(page=self.page_no()), align="C")

    def write_line(self, text: str) -> None:
        """Write ``text`` (wrapped by fpdf2 when long; ``\\n`` forces a line break)."""
        self.multi_cell(0, 6, text, new_x="LMARGIN", new_y="NEXT")


def _save(pdf: FPDF, path: Path) -> Path:
    pdf.output(str(path))
    return path


def _raw_pages(path: Path) -> list[str]:
    return [page.extract_text() for page in pypdf.PdfReader(path).pages]


def _sentences(topic: str, count: int) -> str:
    return " ".join(
        f"Sentence {i} is about {topic} and how our team works with it every sprint." for i in range(1, count + 1)
    )


# The focus group written by _focus_group(): (label line, paragraphs); the label is alone on its
# line unless it ends with words.
OPENING = _sentences("the daily standup", 4)
MARIA_1 = _sentences("the retrospective", 5)
MARIA_2 = "Our teams are self-organised now, and the coach only joins when we ask."
THANKS = "01:30 RESEARCHER: Thanks, both. " + _sentences("the backlog", 3)
NEXT = "Let us move to the next statement."
DEV_LONG = _sentences("testing", 14)  # long enough to run over a page break
CLOSING = _sentences("quality", 12)
EXPECTED = "\n\n".join(
    [
        f"00:05 RESEARCHER:\n{OPENING}",
        f"00:41 MARIA LOPEZ:\n{MARIA_1}\n\n{MARIA_2}",
        THANKS,
        f"02:12 DEV OKAFOR:\n{DEV_LONG}",
        f"[02:10]\n{NEXT}",
        f"04:50 RESEARCHER:\n{CLOSING}",
        "05:30 MARIA LOPEZ:\nThank you.",
    ]
)


def _focus_group(path: Path) -> Path:
    pdf = _Document(header=HEADER, footer="Page {page} of {{nb}}")
    pdf.add_page()
    for text in ["00:05 RESEARCHER:", OPENING, BLANK, "00:41 MARIA LOPEZ:", MARIA_1, BLANK]:
        pdf.write_line(text)
    # a word hyphenated at the end of a line, and two blank lines in a row
    pdf.write_line(MARIA_2.replace("self-", "self-\n"))
    for text in [BLANK, BLANK, THANKS, BLANK, "02:12 DEV OKAFOR:"]:
        pdf.write_line(text)
    first_page = pdf.page_no()
    pdf.write_line(DEV_LONG)
    assert pdf.page_no() == first_page + 1, "the long turn must run over a page break"
    for text in [
        BLANK,
        "[02:10]",
        NEXT,
        BLANK,
        "04:50 RESEARCHER:",
        CLOSING,
        BLANK,
        "05:30 MARIA LOPEZ:",
        "Thank you.",
    ]:
        pdf.write_line(text)
    return _save(pdf, path)


# ------------------------------------------------------------------------------------------------
# Documents made here
# ------------------------------------------------------------------------------------------------


def test_format_pdf_reads_a_focus_group_exactly(tmp_path):
    path = _focus_group(tmp_path / "focus-group-3.pdf")
    raw = _raw_pages(path)
    assert len(raw) >= 3
    # what the reader must undo: furniture on every page, paragraphs wrapped over several lines
    assert all(page.startswith(HEADER) and f"Page {n} of {len(raw)}" in page for n, page in enumerate(raw, 1))
    assert "\nSentence 3 is about the daily standup" not in raw[0]
    assert "self-\norganised" in raw[0]

    extracted = read(path)

    assert extracted.text == EXPECTED
    assert extracted.key_value_block


def test_format_pdf_drops_running_headers_footers_and_page_numbers(tmp_path):
    text = read(_focus_group(tmp_path / "focus-group-3.pdf")).text
    assert "Focus group" not in text
    assert "Page " not in text
    assert not re.search(r"\bof \d", text)


def test_format_pdf_joins_a_paragraph_wrapped_over_lines_and_pages(tmp_path):
    path = _focus_group(tmp_path / "focus-group-3.pdf")
    raw = _raw_pages(path)
    # the long turn starts on one page and ends on the next, each page with its furniture
    page = next(i for i, text in enumerate(raw) if "02:12 DEV OKAFOR:" in text)
    assert "Sentence 1 is about testing" in raw[page] and "Sentence 14 is about testing" in raw[page + 1]
    lines = read(path).text.split("\n")
    assert lines[lines.index("02:12 DEV OKAFOR:") + 1] == DEV_LONG
    assert MARIA_2 in lines  # "self-" + "organised": the hyphen kept, no space


def test_format_pdf_keeps_the_paragraph_break_inside_a_turn(tmp_path):
    text = read(_focus_group(tmp_path / "focus-group-3.pdf")).text
    assert f"00:41 MARIA LOPEZ:\n{MARIA_1}\n\n{MARIA_2}\n\n01:30" in text
    assert "\n\n\n" not in text


# Different words on each page: a line near the top or bottom of every page that differs only in
# its digits ("Question 1?", "Question 2?"...) would be taken for a running header, by design.
QUESTIONS = ["Who plans the sprint?", "Does the coach help?", "What would you change?"]
ANSWERS = ["The whole team.", "Every week.", "Nothing at all."]


def test_format_pdf_page_number_alone_is_dropped_even_on_one_page(tmp_path):
    forms = ["7", "- 7 -", "Page 7", "Page 7 of 27", "7/27"]
    for n, form in enumerate(forms):
        pdf = _Document()
        pdf.add_page()
        for text in [form, "MARIA LOPEZ: We meet on Wednesdays.", "ANN DIAZ: So do we.", form]:
            pdf.write_line(text)
        path = _save(pdf, tmp_path / f"page-{n}.pdf")
        assert read(path).text == "MARIA LOPEZ: We meet on Wednesdays.\nANN DIAZ: So do we.", form


def test_format_pdf_running_line_with_changing_numbers_goes_a_line_on_one_page_stays(tmp_path):
    pdf = _Document(footer="Alder Creek interview, 12 May 2024, sheet {page}")
    for n in range(1, 4):
        pdf.add_page()
        if n == 1:
            pdf.write_line("Alder Creek interview transcript")
        pdf.write_line(f"0{n}:00 RESEARCHER:")
        pdf.write_line(QUESTIONS[n - 1])
    text = read(_save(pdf, tmp_path / "alder.pdf")).text
    assert text.split("\n") == [
        "Alder Creek interview transcript",
        *(line for n in range(1, 4) for line in (f"0{n}:00 RESEARCHER:", QUESTIONS[n - 1])),
    ]


def test_format_pdf_running_line_must_be_on_sixty_percent_of_the_pages(tmp_path):
    pdf = _Document()
    turns = []
    for n in range(1, 6):
        pdf.add_page()
        if n <= 3:
            pdf.write_line("Draft")  # 3 pages of 5: running
        if n <= 2:
            pdf.write_line("Confidential")  # 2 of 5: kept
        turns.append(f"0{n}:00 RESEARCHER:\n{QUESTIONS[n % 3]} ({n})")
        for text in [f"0{n}:00 RESEARCHER:", f"{QUESTIONS[n % 3]} ({n})", BLANK]:
            pdf.write_line(text)
    text = read(_save(pdf, tmp_path / "draft.pdf")).text
    assert text == "\n\n".join(["Confidential\n" + turns[0], "Confidential\n" + turns[1], *turns[2:]])


def test_format_pdf_labels_at_the_top_of_every_page_are_not_a_header(tmp_path):
    pdf = _Document()
    for n in range(1, 4):
        pdf.add_page()
        pdf.write_line(f"00:0{n} RESEARCHER:")
        pdf.write_line(QUESTIONS[n - 1])
        pdf.write_line(f"00:1{n} ANN DIAZ:")
        pdf.write_line(ANSWERS[n - 1])
    text = read(_save(pdf, tmp_path / "labels.pdf")).text
    assert text.split("\n") == [
        line
        for n in range(1, 4)
        for line in (f"00:0{n} RESEARCHER:", QUESTIONS[n - 1], f"00:1{n} ANN DIAZ:", ANSWERS[n - 1])
    ]


def test_format_pdf_label_with_words_takes_its_continuation_lines(tmp_path):
    pdf = _Document()
    pdf.add_page()
    for text in [
        "MARIA LOPEZ: We meet every",
        "Wednesday in our",
        "professional learning community.",
        "ANN DIAZ:",
        "So do",
        "we.",
    ]:
        pdf.write_line(text)
    text = read(_save(pdf, tmp_path / "joined.pdf")).text
    assert text == "MARIA LOPEZ: We meet every Wednesday in our professional learning community.\nANN DIAZ:\nSo do we."


def test_format_pdf_without_text_is_a_scan(tmp_path):
    pdf = FPDF()
    pdf.add_page()
    pdf.rect(20, 20, 100, 60, style="F")
    path = _save(pdf, tmp_path / "scan.pdf")
    with pytest.raises(UnreadableFileError) as caught:
        read(path)
    assert str(caught.value).startswith("no text in this PDF: it is a scan; run OCR first")


def test_format_pdf_random_bytes_are_not_a_readable_pdf(tmp_path, caplog, capsys):
    path = tmp_path / "x.pdf"
    path.write_bytes(random.Random(0).randbytes(4096))
    with caplog.at_level(logging.DEBUG), pytest.raises(UnreadableFileError) as caught:
        read(path)
    assert str(caught.value).startswith("not a readable PDF (")
    assert capsys.readouterr() == ("", "")
    assert not [r for r in caplog.records if r.name.startswith("pypdf")]


def test_format_pdf_a_damaged_pdf_is_read_without_a_word_from_pypdf(tmp_path, caplog, capsys):
    pdf = _Document()
    pdf.add_page()
    pdf.write_line("MARIA LOPEZ: We meet on Wednesdays.")
    data = bytes(pdf.output())
    start = data.rindex(b"startxref") + len(b"startxref\n")
    end = data.index(b"\n", start)
    path = tmp_path / "damaged.pdf"
    path.write_bytes(data[:start] + b"12" + data[end:])  # a wrong xref offset: pypdf warns and recovers
    logger = logging.getLogger("pypdf")
    level = logger.level
    with caplog.at_level(logging.DEBUG):
        assert pypdf.PdfReader(path).pages[0].extract_text()  # (pypdf itself does complain)
        assert [r for r in caplog.records if r.name.startswith("pypdf")]
        caplog.clear()
        assert read(path).text == "MARIA LOPEZ: We meet on Wednesdays."
    assert not [r for r in caplog.records if r.name.startswith("pypdf")]
    assert capsys.readouterr() == ("", "")
    assert logger.level == level


def test_format_pdf_encrypted_needs_its_password(tmp_path):
    locked = _Document()
    locked.set_encryption(owner_password="owner", user_password="secret")
    locked.add_page()
    locked.write_line("MARIA LOPEZ: We meet on Wednesdays.")
    with pytest.raises(UnreadableFileError) as caught:
        read(_save(locked, tmp_path / "locked.pdf"))
    assert str(caught.value).startswith("the PDF is encrypted; ")
    # protected against editing only (no password to open it): read as usual
    protected = _Document()
    protected.set_encryption(owner_password="owner")
    protected.add_page()
    protected.write_line("MARIA LOPEZ: We meet on Wednesdays.")
    assert read(_save(protected, tmp_path / "protected.pdf")).text == "MARIA LOPEZ: We meet on Wednesdays."


# ------------------------------------------------------------------------------------------------
# The real focus groups (Scrum study, shared fixtures)
# ------------------------------------------------------------------------------------------------

FOCUS_GROUPS = {"scrum-focus-group-1.pdf": 215, "scrum-focus-group-2.pdf": 136}


@pytest.fixture(scope="module", params=sorted(FOCUS_GROUPS))
def focus_group(request) -> tuple[str, list[str], str]:
    """(file name, pypdf's raw text of each page, the reader's text); pypdf takes seconds on these."""
    path = PDF_DIR / request.param
    if not path.is_file():
        pytest.skip(f"the shared fixture {path} is not here")
    return request.param, _raw_pages(path), read(path).text


def _tokens_joined_at_hyphens(tokens: list[str]) -> list[str]:
    """The raw tokens with ``self-`` + ``organised`` joined, as the reader may join them."""
    joined: list[str] = []
    for token in tokens:
        if joined and re.search(r"[^\W\d_]-$", joined[-1]) and token[0].islower():
            joined[-1] += token
        else:
            joined.append(token)
    return joined


@pytest.mark.slow
def test_format_pdf_focus_group_labels_stand_alone(focus_group):
    name, raw, text = focus_group
    counted = len(LABEL.findall("\n".join(raw)))
    assert counted == FOCUS_GROUPS[name]
    lines = text.split("\n")
    labels = [i for i, line in enumerate(lines) if LABEL.fullmatch(line)]
    assert len(labels) == counted
    assert all(i + 1 < len(lines) and lines[i + 1].strip() and not LABEL.fullmatch(lines[i + 1]) for i in labels)


@pytest.mark.slow
def test_format_pdf_focus_group_loses_no_word(focus_group):
    _, raw, text = focus_group
    tokens = " ".join(raw).split()
    words = text.split()
    if words != tokens:  # only a word hyphenated at a line end may have been joined
        assert words == _tokens_joined_at_hyphens(tokens)
    assert "\n\n\n" not in text
    assert text == text.strip() and all(line == line.rstrip() for line in text.split("\n"))


@pytest.mark.slow
def test_format_pdf_focus_group_joins_wrapped_lines(focus_group):
    name, raw, text = focus_group
    first, second = {
        "scrum-focus-group-1.pdf": ("for people to", "join us and we should be okay to kick off."),
        "scrum-focus-group-2.pdf": ("and we should", "be okay to kick off."),
    }[name]
    assert re.search(rf"{re.escape(first)}\s*\n{re.escape(second)}", raw[0])  # wrapped in the PDF
    sentence = next(line for line in raw[0].split("\n") if line.rstrip().endswith(first)).strip() + " " + second
    assert sentence.startswith("I'm doing very well.")
    assert sentence in text.split("\n")


@pytest.mark.slow
def test_format_pdf_focus_group_joins_a_turn_across_a_page_break(focus_group):
    _, raw, text = focus_group
    pairs = []
    for before, after in zip(raw, raw[1:]):
        last, first = before.split("\n")[-1], after.split("\n")[0]
        if last.strip() and first.strip() and not LABEL.match(first):
            pairs.append((last.strip(), first.strip()))
    assert pairs  # both focus groups have turns running over a page break
    lines = text.split("\n")
    for last, first in pairs:
        assert any(f"{last} {first}" in line for line in lines), (last, first)
