"""``qualcode init``: create a working project from the packaged templates."""

from __future__ import annotations

from importlib import resources
from pathlib import Path

from qualcode.common.storage import write_error, write_new
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
    try:
        directory.mkdir(parents=True, exist_ok=True)
        for folder in FOLDERS:
            (directory / folder).mkdir(exist_ok=True)
    except OSError as exc:
        raise write_error(directory, exc) from None
    written = []
    # qualcode.yaml last: an init that fails half-way (a full disk) leaves no project behind,
    # so running init again works; each file is complete or absent.
    for relative, template in (
        (DEFAULT_CODEBOOK, "district-practices.yaml"),
        (EXAMPLE_TRANSCRIPT, "example-transcript.txt"),
        (".gitignore", "gitignore"),
        (CONFIG_FILE, "qualcode.yaml"),
    ):
        target = directory / relative
        if target.exists():
            continue
        try:
            target.parent.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise write_error(target.parent, exc) from None
        write_new(target, _template(template))  # never clobbers
        written.append(target)
    return written
