"""Number formatting and colour bins shared by the report's HTML and its script (keep them in step
with ``templates/report.js``), and JSON that is safe inside a ``<script>`` element."""

from __future__ import annotations

import json
import math
from typing import Any

from markupsafe import Markup

from qualcode.common.tabular import format_clock

__all__ = ["BINS", "format_clock", "format_value", "heat_bin", "script_json"]

BINS = 5  # colour classes h1..h5 (h0 = zero)


def format_value(value: float, measure: str) -> str:
    """Counts as integers; shares as whole percentages (``<1%`` for a small non-zero share)."""
    if measure != "share":
        return str(int(value))
    if 0 < value < 0.005:
        return "<1%"
    return f"{math.floor(value * 100 + 0.5)}%"


def heat_bin(value: float, peak: float) -> int:
    """0 for zero, else 1..BINS by the value's fraction of the largest cell."""
    if value <= 0 or peak <= 0:
        return 0
    return max(1, min(BINS, math.ceil(value / peak * BINS)))


def script_json(data: Any) -> Markup:
    """JSON safe inside ``<script type="application/json">`` (no ``</script>``, ``<!--``)."""
    text = json.dumps(data, ensure_ascii=False, separators=(",", ":"))
    for char, escaped in (
        ("<", "\\u003c"),
        (">", "\\u003e"),
        ("&", "\\u0026"),
        ("\u2028", "\\u2028"),
        ("\u2029", "\\u2029"),
    ):
        text = text.replace(char, escaped)
    return Markup(text)
