"""qualcode: a scriptable toolkit for qualitative case-study research.

From Python (see "Using qualcode from Python" in the README)::

    import qualcode
    study = qualcode.open_project("path/to/study")
    study.matrix(measure="share")

``import qualcode`` is light: :func:`open_project` and :class:`Study` are loaded on first use
(PEP 562), and pandas and spaCy only by the methods that need them.
"""

from __future__ import annotations

from importlib.metadata import PackageNotFoundError, version
from typing import TYPE_CHECKING, Any

from qualcode.errors import Problem, QualcodeError, QualcodeWarning

try:
    __version__ = version("qualcode")
except PackageNotFoundError:  # running from a source tree without installation
    __version__ = "0.0.0+source"

if TYPE_CHECKING:
    from qualcode.app.study import Study, open_project

__all__ = ["Problem", "QualcodeError", "QualcodeWarning", "Study", "__version__", "open_project"]

_LAZY = {"open_project": "qualcode.app.study", "Study": "qualcode.app.study"}


def __getattr__(name: str) -> Any:
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module 'qualcode' has no attribute {name!r}")
    import importlib

    value = getattr(importlib.import_module(module), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(_LAZY))
