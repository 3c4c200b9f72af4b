"""The medical-device example (issue 13): a company's policy over its own fields and
extending schema, built on iso9001, with its own annotated tests."""

from __future__ import annotations

from pathlib import Path

import pytest

from qrules.ruleset import load_ruleset
from tests.helpers import REPO, run_cli

EXAMPLE = REPO / "examples" / "medical-device"


@pytest.fixture(autouse=True)
def in_repo(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(REPO)


def test_the_policy_is_lint_clean_formatted_and_passes_its_tests() -> None:
    assert run_cli("lint", str(EXAMPLE)).exit_code == 0
    assert run_cli("fmt", "--check", str(EXAMPLE)).exit_code == 0
    result = run_cli("test", str(EXAMPLE), "--require-coverage")
    assert result.exit_code == 0, result.output
    assert (
        result.output.splitlines()[-1]
        == f"{len(list((EXAMPLE / 'tests').glob('*.yaml')))} passed, 0 failed"
    )


def test_the_policy_has_its_rules_terms_and_the_standard_beneath() -> None:
    rules = load_ruleset(EXAMPLE)
    own = [c for r in rules.rulesets if r.name == "medical-device" for c in r.checks]
    assert sum(c.info.kind == "rule" for c in own) >= 12
    assert sum(c.info.kind == "term" for c in own) >= 4
    assert "ISO9001-8.5.6" not in rules.ids and "ISO9001-8.4.3-c" not in rules.ids
    assert Path(str(rules.schema)).resolve() == EXAMPLE / "schema.json"


def test_a_param_tightens_the_policy_per_repository() -> None:
    agreement = EXAMPLE / "tests" / "pass-complete.yaml"
    args = ["check", str(agreement), "-r", str(EXAMPLE), "--today", "2026-11-26"]
    assert run_cli(*args).exit_code == 0
    stricter = run_cli(*args, "--param", "NOTICE=270 days")
    assert stricter.exit_code == 1
    assert "A change needs 270 days of notice and our written approval" in stricter.output


def test_explain_shows_an_own_rule() -> None:
    result = run_cli("explain", "MD-CHANGE-NOTICE", "-r", str(EXAMPLE))
    assert result.exit_code == 0 and "ISO 13485:2016 7.4.2" in result.output
