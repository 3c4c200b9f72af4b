"""Property-based: arbitrary text in, only qrules' own errors or findings out."""

from __future__ import annotations

import tempfile
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from qrules.document import load_document
from qrules.errors import QrulesError
from qrules.ruleset import compile_text

KEYWORDS = [
    "ruleset",
    "rule",
    "term",
    "scope",
    "require",
    "when",
    "let",
    "message",
    "hint",
    "ref",
    "severity",
    "error",
    "prefer",
    "accept",
    "reject",
    "approval",
    "all",
    "in",
    "and",
    "or",
    "not",
    "exists(",
    "count(",
    "matches",
    "30 days",
    "95%",
    "2027-01-01",
    '"x"',
    "{",
    "}",
    "[",
    "]",
    "(",
    ")",
    ":",
    "==",
    "<=",
    "=",
    "/a/",
    "\n",
    " ",
    "#",
    "audits.right_to_audit",
    "p",
    "1.5",
    "-",
    "*",
    ",",
    "\\",
    "'",
]
ruleset_text = st.one_of(
    st.text(max_size=200),
    st.lists(st.sampled_from(KEYWORDS), max_size=40).map(" ".join),
    st.lists(st.sampled_from(KEYWORDS), max_size=40).map(
        lambda words: 'ruleset x\nrule A "t"\n  ' + " ".join(words)
    ),
)


@settings(max_examples=300, deadline=None)
@given(ruleset_text)
def test_any_ruleset_text_parses_or_raises_a_qrules_error(text: str) -> None:
    try:
        compile_text(text, "fuzz.qr")
    except QrulesError as error:
        assert error.source == "fuzz.qr"
        assert error.render()


YAMLISH = [
    "agreement: qrules/v1\n",
    "id: ",
    "- ",
    "  ",
    "\n",
    ": ",
    "{",
    "}",
    "[",
    "]",
    "&a ",
    "*a",
    "!!python/object ",
    "!tag ",
    "---\n",
    "...\n",
    "'",
    '"',
    "NO",
    "1.10",
    "0777",
    "yes",
    "2027-01-01",
    "30 days",
    "\t",
    "#",
    "key",
    "parties:",
    "  - role: x\n",
    "<<: ",
    "|\n",
    ">\n",
    "%YAML 1.1\n",
    "\x00",
    "é",
    "?",
    ",",
    "type: regulatory\n",
]
yamlish_text = st.one_of(
    st.text(max_size=300),
    st.lists(st.sampled_from(YAMLISH), max_size=60).map("".join),
)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(yamlish_text, st.sampled_from([".yaml", ".json", ".md"]))
def test_any_yamlish_text_loads_or_gives_findings(text: str, suffix: str) -> None:
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / f"fuzz{suffix}"
        path.write_text(text, encoding="utf-8", errors="surrogatepass")
        document = load_document(path)
    assert document.readable or document.problems
    for problem in document.problems:
        assert problem.line >= 1 and problem.column >= 1
        assert problem.rule and problem.message
