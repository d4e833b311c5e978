"""``qualcode init``: create a working project from the packaged templates."""

from __future__ import annotations

from importlib import resources
from pathlib import Path

from qualcode.errors import ProjectExistsError
from qualcode.study.config import CONFIG_FILE

DEFAULT_CODEBOOK = "codebooks/district-practices.yaml"
EXAMPLE_TRANSCRIPT = "transcripts/example/teacher-01.txt"
FOLDERS = ("codebooks", "transcripts", "codings", "memos", "reports")


def _template(name: str) -> str:
    return resources.files("qualcode").joinpath("data", name).read_text(encoding="utf-8")


def create_project(directory: Path) -> list[Path]:
    """Create a project in ``directory`` (made if missing); return the files written.

    Refuses when ``directory`` already holds a qualcode.yaml. Existing files are never
    overwritten (an existing codebook or transcript is kept as it is).
    """
    directory = Path(directory)
    if (directory / CONFIG_FILE).exists():
        raise ProjectExistsError(f"{directory / CONFIG_FILE} already exists; this folder is already a qualcode project")
    if directory.exists() and not directory.is_dir():
        raise ProjectExistsError(f"{directory} exists and is not a folder; choose another name")
    directory.mkdir(parents=True, exist_ok=True)
    for folder in FOLDERS:
        (directory / folder).mkdir(exist_ok=True)
    written = []
    for relative, template in (
        (CONFIG_FILE, "qualcode.yaml"),
        (DEFAULT_CODEBOOK, "district-practices.yaml"),
        (EXAMPLE_TRANSCRIPT, "example-transcript.txt"),
        (".gitignore", "gitignore"),
    ):
        target = directory / relative
        if target.exists():
            continue
        target.parent.mkdir(parents=True, exist_ok=True)
        with open(target, "x", encoding="utf-8") as handle:  # "x": never clobber
            handle.write(_template(template))
        written.append(target)
    return written
