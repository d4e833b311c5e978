"""The shared spreadsheet reader and writer (qualcode.common.spreadsheet)."""

import pytest
from openpyxl import load_workbook

from qualcode.common.spreadsheet import CELL_LIMIT, cell_text, detect_delimiter, read_sheet, to_xlsx
from qualcode.errors import ImportFileError


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ('transcript,quote,code\nt1,"we met; then; talked",x\nt2,"a; b; c",y\n', ","),
        ("transcript;quote;code\nt1;we met, then, talked;x\nt2;a, b;y\n", ";"),
        ("transcript\tquote\tcode\nt1\twe met, then; talked\tx\n", "\t"),
        ('"transcript";"quote";"code"\n"t1";"a, b";"x"\n', ";"),
        ("transcript\nt1\n", ","),  # one column: nothing to tell, comma
        ("transcript;quote;code", ";"),  # only a header
    ],
)
def test_spreadsheet_detects_the_separator(text, expected):
    assert detect_delimiter(text) == expected


@pytest.mark.parametrize(
    ("data", "described", "first_cell"),
    [
        ("transcript;quote\nÉcole;x\n".encode("cp1252"), "semicolon-separated, Windows-1252", "École"),
        # 0x81 has no Windows-1252 character: Latin-1 reads every byte.
        (b"transcript,quote\n\x81\xe9,x\n", "comma-separated, Latin-1", "\x81é"),
        ("\ufefftranscript\tquote\nÉcole\tx\n".encode("utf-16-le"), "tab-separated, UTF-16", "École"),
        ("transcript,quote\nÉcole,x\n".encode("utf-8-sig"), "comma-separated, UTF-8 with byte-order mark", "École"),
        ("transcript,quote\r\nE\u0301cole,x\r\n".encode(), "comma-separated, UTF-8", "École"),  # composed (NFC)
    ],
)
def test_spreadsheet_reads_csv_in_the_encodings_excel_writes(tmp_path, data, described, first_cell):
    path = tmp_path / "table.csv"
    path.write_bytes(data)
    sheet = read_sheet(path, "table.csv")
    assert sheet.described == described
    assert sheet.rows == [(1, ["transcript", "quote"]), (2, [first_cell, "x"])]
    assert bool(sheet.notes) == ("UTF" not in described)


def test_spreadsheet_rows_are_numbered_as_a_spreadsheet_shows_them(tmp_path):
    path = tmp_path / "table.csv"
    path.write_text('a,b\n1,"two\nlines"\n3,x\n', encoding="utf-8")
    assert read_sheet(path, "table.csv").rows == [(1, ["a", "b"]), (2, ["1", "two\nlines"]), (3, ["3", "x"])]


def test_spreadsheet_binary_csv_is_a_clear_error(tmp_path):
    path = tmp_path / "old.csv"
    path.write_bytes(b"\xd0\xcf\x11\xe0\x00\x00 an old .xls renamed")
    with pytest.raises(ImportFileError, match=r"^old.csv: not a CSV file \(it holds binary data\)"):
        read_sheet(path, "old.csv")


def test_spreadsheet_workbook_named_csv_is_a_clear_error(tmp_path):
    path = tmp_path / "codings.csv"
    path.write_bytes(to_xlsx([{"a": "1"}], ["a"], sheet="s"))
    with pytest.raises(ImportFileError, match=r"^codings.csv: this is a zip file \(a workbook such as XLSX\), not CSV"):
        read_sheet(path, "codings.csv")


def test_spreadsheet_xlsx_cells_are_safe_clean_and_fit(tmp_path):
    rows = [
        {"text": "=1+2", "n": 3, "none": None},
        {"text": "tab\there\x01\x1f", "n": -1.5, "none": None},
        {"text": "x" * (CELL_LIMIT + 10), "n": 0, "none": None},
    ]
    notes: list[str] = []
    path = tmp_path / "out.xlsx"
    path.write_bytes(to_xlsx(rows, ["text", "n", "none"], sheet="s", freeze="A2", notes=notes))
    assert notes == [
        "row 3, column text: 2 control character(s) removed",
        f"row 4, column text: {CELL_LIMIT + 10:,} characters cut to 32,767, the most a spreadsheet cell holds",
    ]
    book = load_workbook(path)
    values = [list(r) for r in book.active.iter_rows(values_only=True)]
    assert values[1] == ["'=1+2", 3, None]
    assert values[2] == ["tab\there", -1.5, None]
    assert len(values[3][0]) == CELL_LIMIT and values[3][0].endswith("…")
    assert book.active.freeze_panes == "A2"
    assert cell_text(values[1][0]) == "=1+2"  # the protection comes off when read back
