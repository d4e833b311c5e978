"""qualcode: a scriptable toolkit for qualitative case-study research."""

from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("qualcode")
except PackageNotFoundError:  # running from a source tree without installation
    __version__ = "0.0.0+source"
