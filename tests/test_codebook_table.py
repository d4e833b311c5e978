"""Codebooks as tables: export to CSV/XLSX, and import from our own tables, NVivo/MAXQDA-style
name/description lists and Taguette's codebook CSV, with every row problem reported at once."""

from __future__ import annotations

import io
from collections.abc import Sequence
from pathlib import Path

import pytest
from openpyxl import Workbook, load_workbook

from qualcode.codebook.parse import load_codebook, parse_codebook
from qualcode.codebook.write import codebook_yaml
from qualcode.errors import ImportFileError, Problem
from qualcode.interop.codebook_table import (
    COLUMNS,
    codebook_csv,
    codebook_rows,
    codebook_xlsx,
    read_codebook_table,
)
from tests.helpers import REPO, dedent

SMALL = dedent(
    """
    name: Small
    codes:
      - id: data_use
        label: Data use
        definition: Using evidence to improve teaching.
        include: Talk about benchmark results.
        examples:
          - We look at the benchmarks together.
          - Data chats every Friday.
        keywords: [benchmark assessment, data chat]
        children:
          - id: assessment_data
            label: Assessment data
            exclude: Grades alone; use data_use.
      - id: vision
        label: Shared vision
    """
)


def small_book():
    book, problems = parse_codebook(SMALL, check_patterns=False)
    assert problems == []
    assert book is not None
    return book


def fields(book):
    """What a table keeps of every code, depth first."""
    return [(c.id, c.parent, c.label, c.definition, c.include, c.exclude, c.examples, c.keywords) for c in book.walk()]


def write_xlsx(path: Path, rows: Sequence[Sequence[object]], second_sheet: Sequence[Sequence[object]] = ()) -> Path:
    workbook = Workbook()
    sheet = workbook.active
    for row in rows:
        sheet.append(row)
    if second_sheet:
        other = workbook.create_sheet("other")
        for row in second_sheet:
            other.append(row)
    workbook.save(path)
    return path


# -- export ------------------------------------------------------------------------------------


def test_codebook_table_rows_are_depth_first_with_parent_ids_and_one_entry_per_line():
    assert codebook_rows(small_book()) == [
        {
            "id": "data_use",
            "parent": "",
            "label": "Data use",
            "definition": "Using evidence to improve teaching.",
            "include": "Talk about benchmark results.",
            "exclude": "",
            "examples": "We look at the benchmarks together.\nData chats every Friday.",
            "keywords": "benchmark assessment\ndata chat",
        },
        {
            "id": "assessment_data",
            "parent": "data_use",
            "label": "Assessment data",
            "definition": "",
            "include": "",
            "exclude": "Grades alone; use data_use.",
            "examples": "",
            "keywords": "",
        },
        {
            "id": "vision",
            "parent": "",
            "label": "Shared vision",
            "definition": "",
            "include": "",
            "exclude": "",
            "examples": "",
            "keywords": "",
        },
    ]


def test_codebook_table_csv_text_has_the_header_and_one_row_per_code():
    assert codebook_csv(small_book()) == (
        "id,parent,label,definition,include,exclude,examples,keywords\n"
        "data_use,,Data use,Using evidence to improve teaching.,Talk about benchmark results.,,"
        '"We look at the benchmarks together.\nData chats every Friday.","benchmark assessment\ndata chat"\n'
        "assessment_data,data_use,Assessment data,,,Grades alone; use data_use.,,\n"
        "vision,,Shared vision,,,,,\n"
    )


def test_codebook_table_xlsx_has_a_codebook_sheet_with_a_frozen_header():
    workbook = load_workbook(io.BytesIO(codebook_xlsx(small_book())))
    sheet = workbook.active
    assert workbook.sheetnames == ["codebook"]
    assert sheet.freeze_panes == "A2"
    assert [list(row) for row in sheet.iter_rows(values_only=True)] == [
        list(COLUMNS),
        [
            "data_use",
            None,
            "Data use",
            "Using evidence to improve teaching.",
            "Talk about benchmark results.",
            None,
            "We look at the benchmarks together.\nData chats every Friday.",
            "benchmark assessment\ndata chat",
        ],
        ["assessment_data", "data_use", "Assessment data", None, None, "Grades alone; use data_use.", None, None],
        ["vision", None, "Shared vision", None, None, None, None, None],
    ]


def test_codebook_table_cells_that_look_like_formulas_are_text_and_import_as_written(tmp_path):
    text = dedent(
        """
        name: Risky
        codes:
          - id: risky
            label: "=HYPERLINK(\\"http://evil.example\\")"
            definition: "@SUM(A1)"
            keywords:
              - "-ing forms"
        """
    )
    book, problems = parse_codebook(text, check_patterns=False)
    assert problems == [] and book is not None

    csv_text = codebook_csv(book)
    assert csv_text.splitlines()[1] == """risky,,"'=HYPERLINK(""http://evil.example"")",'@SUM(A1),,,,'-ing forms"""
    sheet = load_workbook(io.BytesIO(codebook_xlsx(book))).active
    assert (sheet["C2"].value, sheet["C2"].data_type) == ('\'=HYPERLINK("http://evil.example")', "s")
    assert (sheet["D2"].value, sheet["H2"].value) == ("'@SUM(A1)", "'-ing forms")

    (tmp_path / "risky.csv").write_text(csv_text, encoding="utf-8")
    (tmp_path / "risky.xlsx").write_bytes(codebook_xlsx(book))
    for name in ("risky.csv", "risky.xlsx"):
        back, notes = read_codebook_table(tmp_path / name, name)
        assert fields(back) == [
            ("risky", None, '=HYPERLINK("http://evil.example")', "@SUM(A1)", "", "", [], ["-ing forms"])
        ]
        assert notes == []


# -- round trip --------------------------------------------------------------------------------


@pytest.mark.parametrize("suffix", [".csv", ".xlsx"])
def test_codebook_table_round_trip_of_the_default_codebook_keeps_every_field(tmp_path, suffix):
    book = load_codebook(REPO / "codebooks" / "district-practices.yaml", check_patterns=False)
    path = tmp_path / f"codebook{suffix}"
    if suffix == ".csv":
        path.write_text(codebook_csv(book), encoding="utf-8")
    else:
        path.write_bytes(codebook_xlsx(book))

    back, notes = read_codebook_table(path, f"exports/codebook{suffix}")

    assert notes == []
    assert len(fields(back)) == 27
    assert fields(back) == fields(book)
    assert [c.id for c in back.codes] == [c.id for c in book.codes]
    assert (back.name, back.version, back.description, back.display) == (
        "codebook",
        "",
        f"Imported from codebook{suffix}",
        f"exports/codebook{suffix}",
    )
    again, problems = parse_codebook(codebook_yaml(back, ["Imported from a table"]), check_patterns=False)
    assert problems == []
    assert again is not None and fields(again) == fields(book)


# -- other tools' tables -----------------------------------------------------------------------


def test_codebook_table_reads_a_name_description_list_with_parents_named_by_label(tmp_path):
    path = tmp_path / "nvivo codes.csv"
    path.write_text(
        " Name , DESCRIPTION ,Parent\n"
        "Coaching cycles,Cycles of coaching,Teaching\n"  # a child before its parent
        "Teaching,All about teaching,\n"
        "Éducation spéciale,Special education,\n"
        "Other,Anything else,éducation SPÉCIALE\n"
        "Other,Anything else on teaching,Teaching\n",
        encoding="utf-8",
    )

    book, notes = read_codebook_table(path, "nvivo codes.csv")

    assert [(c.id, c.parent, c.label, c.definition) for c in book.walk()] == [
        ("teaching", None, "Teaching", "All about teaching"),
        ("coaching_cycles", "teaching", "Coaching cycles", "Cycles of coaching"),
        ("other_2", "teaching", "Other", "Anything else on teaching"),
        ("education_speciale", None, "Éducation spéciale", "Special education"),
        ("other", "education_speciale", "Other", "Anything else"),
    ]
    assert [c.id for c in book.by_id["teaching"].children] == ["coaching_cycles", "other_2"]
    assert notes == ["2 codes had the same name 'Other'; their ids are other and other_2"]
    assert (book.name, book.description) == ("nvivo codes", "Imported from nvivo codes.csv")


def test_codebook_table_reads_taguette_codebook_csv_as_taguette_writes_it(tmp_path):
    path = tmp_path / "codebook.csv"
    path.write_bytes(
        b"tag,description,number of highlights\r\ninteresting,,3\r\npeople,About people,1\r\ninteresting\\places,,0\r\n"
    )

    book, notes = read_codebook_table(path, "downloads/codebook.csv")

    assert [(c.id, c.parent, c.label, c.definition) for c in book.walk()] == [
        ("interesting", None, "interesting", ""),
        ("people", None, "people", "About people"),
        ("interesting_places", None, "interesting\\places", ""),
    ]
    assert notes == ["the column 'number of highlights' was ignored; the codes were read from tag and description"]
    assert book.display == "downloads/codebook.csv"


def test_codebook_table_converts_bad_ids_keeps_given_ids_first_and_splits_keywords(tmp_path):
    path = tmp_path / "codes.csv"
    path.write_text(
        "ID,Label,Parent,Keywords,Examples\n"
        "Data Use,Data use,,benchmark; data chat\n"
        ',Coaching,Data Use,"coaching cycle\ninstructional coach;Coaching Cycle","One.\n\nTwo."\n'
        "coaching,Coaching (given id),,,\n",
        encoding="utf-8",
    )

    book, notes = read_codebook_table(path, "codes.csv")

    assert [(c.id, c.parent, c.label, c.keywords, c.examples) for c in book.walk()] == [
        ("data_use", None, "Data use", ["benchmark", "data chat"], []),
        ("coaching_2", "data_use", "Coaching", ["coaching cycle", "instructional coach"], ["One.", "Two."]),
        ("coaching", None, "Coaching (given id)", [], []),
    ]
    assert notes == [
        "the id 'Data Use' in row 2 may only use a-z, 0-9 and _; it is now data_use",
        "2 codes ('Coaching' and 'Coaching (given id)') would have had the id coaching; "
        "their ids are coaching_2 and coaching",
        "the keyword 'Coaching Cycle' is listed twice in row 3; it is kept once",
    ]


def test_codebook_table_a_column_read_twice_or_unknown_is_noted_and_the_first_one_wins(tmp_path):
    path = tmp_path / "codes.csv"
    path.write_text("Label,Name,label,Memo\nCoaching,Coach,Other,see notes\n", encoding="utf-8")

    book, notes = read_codebook_table(path, "codes.csv")

    assert [(c.id, c.label) for c in book.walk()] == [("coaching", "Coaching")]
    assert notes == ["the columns 'name', 'label' and 'memo' were ignored; the codes were read from label"]


def test_codebook_table_reads_semicolon_separated_windows_1252_csv(tmp_path):
    path = tmp_path / "codes.csv"
    path.write_bytes("Name;Description\r\nÉcole;Lieu d'apprentissage, de vie\r\n".encode("cp1252"))

    book, notes = read_codebook_table(path, "codes.csv")

    assert [(c.id, c.label, c.definition) for c in book.walk()] == [("ecole", "École", "Lieu d'apprentissage, de vie")]
    assert notes == [
        "codes.csv:2: not valid UTF-8 (byte 0xc9); read as Windows-1252. "
        "Re-save the file as UTF-8 to make sure every character is right"
    ]


def test_codebook_table_reads_the_first_sheet_of_an_xlsx_and_counts_its_rows(tmp_path):
    path = write_xlsx(
        tmp_path / "codes.xlsx",
        [
            ["Name", "Description", "Parent"],
            ["Family", "Families as partners", None],
            [None, None, None],
            [None, "x", "Family"],
        ],
        second_sheet=[["id", "label"], ["other", "Not read"]],
    )
    with pytest.raises(ImportFileError) as error:
        read_codebook_table(path, "codes.xlsx")
    assert str(error.value) == (
        "codes.xlsx:4: the row has no name; fill it in or delete the row\nnothing was imported: fix this row problem"
    )

    write_xlsx(path, [["Name", "Description", "Parent"], ["Family", "Families", None], ["Outreach", 12, "Family"]])
    book, notes = read_codebook_table(path, "codes.xlsx")
    assert [(c.id, c.parent, c.definition) for c in book.walk()] == [
        ("family", None, "Families"),
        ("outreach", "family", "12"),
    ]
    assert notes == []


# -- errors ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "name, content, message",
    [
        ("missing.csv", None, "missing.csv: file not found"),
        (
            "empty.csv",
            b"",
            "empty.csv: the file is empty; its first row must name the columns, "
            "e.g. id, parent, label, definition, include, exclude, examples, keywords",
        ),
        (
            "blank.csv",
            b",,\n\n , \n",
            "blank.csv: the file is empty; its first row must name the columns, "
            "e.g. id, parent, label, definition, include, exclude, examples, keywords",
        ),
        (
            "other.csv",
            b"Code,Memo, \nx,y,\n",
            "other.csv:1: no usable column (found: code, memo); the first row must name at least one of "
            "id, label, name or tag, and can also name parent, definition, description, include, exclude, "
            "examples, keywords",
        ),
        ("header.csv", b"label,definition\n", "header.csv: the table has a header row but no codes below it"),
        (
            "binary.csv",
            b"\x00\x01\x02",
            "binary.csv: not a CSV file (it holds binary data); save the table as CSV (UTF-8) or XLSX",
        ),
        (
            "broken.xlsx",
            b"not a zip",
            "broken.xlsx: not a readable XLSX workbook (BadZipFile); save it again from your spreadsheet program",
        ),
    ],
)
def test_codebook_table_files_that_give_no_codebook_are_errors(tmp_path, name, content, message):
    path = tmp_path / name
    if content is not None:
        path.write_bytes(content)
    with pytest.raises(ImportFileError) as error:
        read_codebook_table(path, name)
    assert str(error.value) == message


def test_codebook_table_an_unknown_parent_names_its_row_and_the_nearest_code(tmp_path):
    path = tmp_path / "codes.csv"
    path.write_text("label,parent\nCoaching,\nCoaching cycles,Coachng\n", encoding="utf-8")
    with pytest.raises(ImportFileError) as error:
        read_codebook_table(path, "codes.csv")
    assert str(error.value) == (
        "codes.csv:3: parent 'Coachng' is not a code of the table (did you mean 'Coaching'?); give the id or "
        "label of a code in the table, or leave parent empty for a top-level code\n"
        "nothing was imported: fix this row problem"
    )


def test_codebook_table_every_row_problem_is_reported_together(tmp_path):
    path = tmp_path / "codes.csv"
    path.write_text(
        "id,label,parent,examples\n"
        'plc,PLCs,coaching,"one\ntwo\nthree"\n'  # 2: in a cycle with row 3; one row over three lines
        "coaching,Coaching,PLCs,\n"  # 3: parent by label
        "data_use,Data use,Leadership,\n"  # 4: unknown parent
        ",,,an example without a code\n"  # 5: no id or label
        "vision,Shared vision,vision,\n"  # 6: its own parent
        "hiring,Hiring,Shared vision,\n"  # 7: fine in itself
        "mentoring,Mentoring,induction,\n"  # 8: mentoring -> induction -> budget -> mentoring
        "induction,Induction,budget,\n"  # 9
        "budget,Budget,Mentoring,\n"  # 10
        "grade_teams,Teams,,\n"  # 11
        "site_teams,Teams,,\n"  # 12
        "family,Family,teams,\n",  # 13: which Teams?
        encoding="utf-8",
    )

    with pytest.raises(ImportFileError) as error:
        read_codebook_table(path, "codes.csv")

    lines = [
        "codes.csv:2: the parents form a cycle: 'PLCs' (row 2) is under 'Coaching' (row 3), which is under 'PLCs'; "
        "leave the parent of one of them empty or name another code",
        "codes.csv:4: parent 'Leadership' is not a code of the table; give the id or label of a code in the table, "
        "or leave parent empty for a top-level code",
        "codes.csv:5: the row has no id or label; fill it in or delete the row",
        "codes.csv:6: 'Shared vision' names itself as its parent; leave its parent empty or name another code",
        "codes.csv:8: the parents form a cycle: 'Mentoring' (row 8) is under 'Induction' (row 9), which is under "
        "'Budget' (row 10), which is under 'Mentoring'; leave the parent of one of them empty or name another code",
        "codes.csv:13: parent 'teams' could be any of the codes in rows 11 and 12; "
        "give the id of one of them instead (grade_teams or site_teams)",
    ]
    assert str(error.value) == "\n".join(lines) + "\nnothing was imported: fix these 6 row problems"
    assert error.value.problems == [
        Problem("codes.csv", int(line.split(":")[1]), line.split(": ", 1)[1]) for line in lines
    ]
