"""Each qrules diff format, pinned by a golden file from the example redline: text, json,
markdown, html (also laid out by a real browser) and sarif (valid against the official
SARIF 2.1.0 schema)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.helpers import REPO, browser_dom, outline, run_cli
from tests.report_helpers import assert_golden, reference

EXAMPLE = [
    "diff", "examples/redline/draft-3.yaml", "examples/redline/draft-4.yaml",
    "-r", "examples/redline/policy.qr", "--party", "supplier=examples/redline/supplier.qr",
    "--today", "2026-11-26",
]  # fmt: skip
SUFFIX = {"text": "txt", "json": "json", "markdown": "md", "html": "html", "sarif": "sarif"}


@pytest.fixture(autouse=True)
def _at_the_repository_root(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(REPO)


def redline(output_format: str) -> str:
    result = run_cli(*EXAMPLE, "--format", output_format)
    assert result.exit_code == 0, result.output
    return result.output


@pytest.mark.parametrize("output_format", list(SUFFIX))
def test_each_format_matches_its_golden_file(output_format: str) -> None:
    assert_golden(f"redline.{SUFFIX[output_format]}", redline(output_format))


def test_the_sarif_is_valid_and_marks_baseline_states() -> None:
    import jsonschema

    data = json.loads(redline("sarif"))
    schema = json.loads(reference("sarif/sarif-schema-2.1.0.json").read_text(encoding="utf-8"))
    assert [e.message for e in jsonschema.Draft4Validator(schema).iter_errors(data)] == []
    run = data["runs"][0]
    states = {(r["ruleId"], r["baselineState"]) for r in run["results"]}
    assert {("RL-PARTS", "unchanged"), ("RL-AQL", "new"), ("RL-CONTAINMENT", "absent")} <= states
    weaker = [t["term"] for t in run["properties"]["terms"] if t["direction"] == "weaker"]
    assert weaker == ["RL-CHANGE-NOTICE", "RL-AQL", "RL-RETENTION", "NS-CONTAINMENT"]
    # ...and each is a result where code scanning annotates the pull request
    annotations = {
        r["locations"][0]["physicalLocation"]["region"]["startLine"]: r["message"]["text"]
        for r in run["results"]
        if r["ruleId"] == "weaker"
    }
    assert sorted(annotations) == [37, 40, 43, 49]
    assert annotations[40] == (
        "Change notification got weaker for us: 90 days → 60 days (prefer → accept): "
        "now needs the approval of Purchasing Director"
    )
    assert "weaker" in {rule["id"] for rule in run["tool"]["driver"]["rules"]}


def test_the_memo_puts_weaker_terms_first_in_clause_order() -> None:
    memo = redline("markdown")
    rows = [line for line in memo.splitlines() if line.startswith("| **weaker**")]
    assert [row.split("**")[3] for row in rows] == [
        "RL-AQL",  # ISO 2859-1
        "RL-RETENTION",  # ISO 9001:2015 7.5.3
        "RL-CHANGE-NOTICE",  # ISO 9001:2015 8.5.6
        "NS-CONTAINMENT",  # ISO 9001:2015 8.7.1
    ]
    assert "`90 days` (line 37) | `60 days` (line 40) | prefer → accept" in memo
    assert "now needs the approval of Purchasing Director" in memo


def test_the_page_is_well_formed_and_a_browser_shows_every_term(tmp_path: Path) -> None:
    page = redline("html")
    parsed = outline(page)
    assert not any(tag == "script" for tag, _ in parsed.tags)
    target = tmp_path / "redline.html"
    target.write_text(page, encoding="utf-8")
    dom = browser_dom(target)
    for term in ("RL-CHANGE-NOTICE", "RL-AQL", "RL-RETENTION", "RL-CONTAINMENT", "NS-CONTAINMENT"):
        assert term in dom
    assert dom.count('class="direction weaker"') == 4


def test_the_console_example_of_docs_diff_md_is_real_output() -> None:
    import re
    import shlex

    page = (REPO / "docs" / "diff.md").read_text(encoding="utf-8")
    (block,) = re.findall(r"```console\n\$ ([^\n]+)\n(.*?)```", page, re.S)
    program, *args = shlex.split(block[0])
    assert program == "qrules"
    expected = block[1].splitlines()
    assert run_cli(*args).output.splitlines()[: len(expected)] == expected
