"""docs/limits.md shows the limits the code enforces, from the one module that defines them."""

from __future__ import annotations

import re

from qrules.limits import limits_markdown
from tests.helpers import REPO


def test_the_docs_table_is_generated_from_the_limits() -> None:
    page = (REPO / "docs" / "limits.md").read_text(encoding="utf-8")
    table = re.search(r"<!-- limits:start -->\n(.*)\n<!-- limits:end -->", page, re.S)
    assert table is not None
    assert table.group(1) == limits_markdown()
