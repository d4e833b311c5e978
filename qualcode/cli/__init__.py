"""The ``qualcode`` command line: a thin click layer over the library (see :mod:`qualcode.cli.app`)."""

from qualcode.cli.app import main, run

__all__ = ["main", "run"]
