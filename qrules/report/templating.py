"""HTML pages from jinja2 templates: one page shell and stylesheet for every HTML qrules writes.

Autoescaping is on for every template, so text from agreements and rulesets is always
escaped; nothing builds HTML by hand. jinja2 is imported on the first page rendered, not
when qrules starts (the pre-commit hook never pays for it).
"""

from __future__ import annotations

import functools
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import jinja2


def render(template: str, **context: Any) -> str:
    """The page ``template`` (a file of qrules/report/templates/) with ``context``."""
    return _environment().get_template(template).render(**context)


@functools.cache
def _environment() -> jinja2.Environment:
    import jinja2

    environment = jinja2.Environment(
        loader=jinja2.PackageLoader("qrules.report", "templates"),
        autoescape=True,
        undefined=jinja2.StrictUndefined,  # a misspelt name is an error, not an empty cell
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    environment.filters["thousands"] = "{:,}".format  # 3,000 agreements
    environment.filters["code"] = _code_spans
    return environment


def _code_spans(text: str) -> Any:
    """Text with its `backticked` parts as <code>, everything escaped first."""
    import re

    from markupsafe import Markup, escape

    return Markup(re.sub(r"`([^`]+)`", r"<code>\1</code>", str(escape(text))))
