"""Rendering the report: the jinja2 template (autoescape on, StrictUndefined) with its CSS and
script inlined, and a Content-Security-Policy that allows that script only, by its hash.

Safety: every user text reaches the page either autoescaped by jinja2 or inside a
``<script type="application/json">`` block with ``<``, ``>`` and ``&`` escaped, and the script
inserts text with ``textContent`` only. The CSP allows no network access and only the report's
own script, so even an escaping bug could not load or run anything.
"""

from __future__ import annotations

import base64
import hashlib
from importlib import resources
from typing import Any

import jinja2
from markupsafe import Markup

from qualcode.analysis.selection import Selection
from qualcode.codebook.model import Codebook
from qualcode.report.context import report_context
from qualcode.report.format import script_json
from qualcode.study.corpus import Corpus


def _asset(name: str) -> str:
    return (resources.files("qualcode.report") / "templates" / name).read_text(encoding="utf-8")


def _environment() -> jinja2.Environment:
    return jinja2.Environment(
        loader=jinja2.PackageLoader("qualcode.report", "templates"),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )


def render_report(context: dict[str, Any]) -> str:
    """The HTML text of the report."""
    script = _asset("report.js")
    digest = base64.b64encode(hashlib.sha256(script.encode("utf-8")).digest()).decode("ascii")
    template = _environment().get_template("report.html.j2")
    return template.render(
        **context,
        data_json=script_json(context["data"]),
        css=Markup(_asset("report.css")),
        script=Markup(script),
        script_hash=f"sha256-{digest}",
    )


def build_report(corpus: Corpus, codebook: Codebook, selection: Selection, **options: Any) -> str:
    """Collect and render in one call (options as for :func:`~qualcode.report.context.report_context`)."""
    return render_report(report_context(corpus, codebook, selection, **options))
