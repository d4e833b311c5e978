"""YAML written to hurt: alias bombs, deep nesting, self-referring aliases, impossible dates.

Every file qualcode reads as YAML (the codebook, a transcript's front matter, qualcode.yaml)
must answer with a clear error naming the file, quickly, and change nothing.
"""

from __future__ import annotations

import pytest

from tests.helpers import MINI_CODEBOOK, tree

LAUGHS = "".join(
    f"{name}: &{name} [{', '.join(['*' + prev] * 9 if prev else ['lol'] * 9)}]\n"
    for prev, name in zip([None, "a", "b", "c", "d", "e", "f", "g", "h"], "abcdefghi")
)
HOSTILE = {
    "alias bomb": (LAUGHS, "aliases (*name) expand to more than 100,000 values"),
    "deep nesting": ("[" * 20000 + "\n", "nested"),
    "recursive alias": ("a: &a [*a]\n", "an alias (*name) refers to its own anchor"),
    "nesting past the limit": ("x: " + "[" * 150 + "]" * 150 + "\n", "levels deep (at most 100)"),
}


@pytest.mark.parametrize("name", HOSTILE)
def test_hostile_yaml_in_the_codebook(make_project, cli, name):
    text, message = HOSTILE[name]
    root = make_project({"a.txt": "Teacher: hi\n"}, codebook=text)
    before = tree(root)
    result = cli("-C", root, "codebook", "validate")
    assert result.exit_code == 1
    assert "codebooks/district-practices.yaml" in result.stderr and message in result.stderr
    assert "Traceback" not in result.output
    assert tree(root) == before


@pytest.mark.parametrize("name", HOSTILE)
def test_hostile_yaml_in_qualcode_yaml(make_project, cli, name):
    text, message = HOSTILE[name]
    root = make_project({"a.txt": "Teacher: hi\n"}, config=text)
    before = tree(root)
    result = cli("-C", root, "segments")
    assert result.exit_code == 1
    assert "qualcode.yaml" in result.stderr and message in result.stderr
    assert tree(root) == before


@pytest.mark.parametrize("name", HOSTILE)
def test_hostile_yaml_in_front_matter(make_project, cli, name):
    text, message = HOSTILE[name]
    root = make_project({"a.txt": "---\n" + text + "---\nTeacher: hi\n"})
    before = tree(root)
    result = cli("-C", root, "segments")
    assert result.exit_code == 1
    assert "transcripts/a.txt" in result.stderr and message in result.stderr
    assert "Traceback" not in result.output
    assert tree(root) == before


def test_impossible_dates_are_text_not_a_crash(make_project, cli):
    codebook = "version: 2026-13-45\n" + "\n".join(
        line for line in MINI_CODEBOOK.splitlines() if not line.startswith("version:")
    )
    root = make_project({"a.txt": "---\ncase: A\ndate: 2026-02-30\n---\nTeacher: hi\n"}, codebook=codebook)
    result = cli("-C", root, "transcripts", "--format", "json")
    assert result.exit_code == 0, result.output
    assert '"date": "2026-02-30"' in result.stdout
    shown = cli("-C", root, "codebook", "validate")
    assert shown.exit_code == 0 and "v2026-13-45" in shown.stdout


def test_yaml_libyaml_and_python_loaders_give_the_same_values_lines_and_errors(monkeypatch):
    from qualcode.common import yamlfile

    texts = [
        MINI_CODEBOOK,
        "case: Alder Creek\nrole: teacher\ndate: 2026-02-30\nyears: 14\nlist: [a, b]\n",
        "a: 1\na: 2\n",
        "codes:\n  - id: x\n   name: bad indent\n",
        "a: [1, 2\n",
        "bell: \x07\n",
        "- " * 150 + "x\n",
        "[" * 20000 + "\n",
    ]
    assert yamlfile._compose_fast(texts[1]) is not None  # libyaml composes plain text
    assert yamlfile._compose_fast(texts[5]) is None  # a control character: the Python path words it
    fast = [yamlfile.load_yaml(t, "f.yaml", 3) for t in texts]
    monkeypatch.setattr(yamlfile, "_CSafeLoader", None)
    slow = [yamlfile.load_yaml(t, "f.yaml", 3) for t in texts]
    for (fast_data, fast_problems), (slow_data, slow_problems) in zip(fast, slow):
        assert fast_data == slow_data
        assert fast_problems == slow_problems
        if isinstance(fast_data, dict):
            assert fast_data.key_lines == slow_data.key_lines
