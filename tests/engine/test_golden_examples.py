"""The full JSON report for the example agreements under iso9001, pinned.

Any change in a rule, a message, a line or the JSON shape shows up here as a diff. After an
intended change, regenerate with ``QRULES_UPDATE_GOLDEN=1 python -m pytest
tests/engine/test_golden_examples.py`` and review the diff of ``tests/golden/`` before committing.
"""

from __future__ import annotations

import difflib
import json
import os

import pytest

from qrules.engine import check
from qrules.ruleset import load_ruleset
from tests.helpers import REPO, TODAY, run_cli

GOLDEN = REPO / "tests" / "golden" / "examples-iso9001.json"
COMMAND = (
    "check",
    "examples/agreements",
    "--ruleset",
    "iso9001",
    "--today",
    "2026-11-26",
    "--format",
    "json",
)


def test_examples_under_iso9001_match_the_golden_report(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(REPO)  # paths in the report are as given on the command line
    result = run_cli(*COMMAND)
    assert result.exit_code == 1, result.output  # some examples are meant to fail
    json.loads(result.stdout)
    if os.environ.get("QRULES_UPDATE_GOLDEN") == "1":
        GOLDEN.parent.mkdir(exist_ok=True)
        GOLDEN.write_text(result.stdout, encoding="utf-8")
    expected = GOLDEN.read_text(encoding="utf-8")
    diff = "".join(
        difflib.unified_diff(
            expected.splitlines(True),
            result.stdout.splitlines(True),
            "tests/golden/examples-iso9001.json",
            "qrules " + " ".join(COMMAND),
        )
    )
    assert not diff, f"the report changed (QRULES_UPDATE_GOLDEN=1 to accept):\n{diff}"


# Each example with the organisational ruleset that fits it, and every finding (rule, line)
# expected under iso9001 plus that ruleset; examples/agreements/README.md explains them.
EXAMPLES = {
    "brennwald-nordvik-steel.yaml": ("automotive-supplier", set()),
    "corrib-halvorsen-device-molding.yaml": ("gmp-contract-manufacturing", set()),
    "aurora-jiaxin-pcba-requirements.yaml": (
        "automotive-supplier",
        {
            ("AUTO-AQL-MAJOR", 54),
            ("AUTO-AQL-MINOR", 55),
            ("AUTO-PPM", 56),
            ("AUTO-PRODUCER-RISK", 63),
            ("AUTO-CHANGE-NOTICE", 68),
            ("AUTO-CONTAINMENT", 74),
        },
    ),
    "corvale-meridian-eu-authorised-rep.yaml": (
        "eu-mdr-authorised-representative",
        {
            ("MDR-AUTHORITY-ACCESS", 64),
            ("MDR-RETENTION", 67),
            ("waiver", 89),
        },
    ),
    "halden-internal-objectives-2027.yaml": (
        None,
        {
            ("ISO9001-6.2", 46),
            ("ISO9001-6.2-due", 56),
        },
    ),
    "keelhaven-aurora-firmware.yaml": (
        "software-delivery",
        {
            ("SW-ACCEPTANCE-PERIOD", 38),
            ("SW-FIX-TIMES", 39),
            ("ISO9001-8.5.6", 45),
            ("SW-CHANGE-APPROVAL", 45),
            ("ISO9001-8.2.3-differences", 77),
        },
    ),
    "lumenpath-brightwater-lims.yaml": (
        "software-delivery",
        {
            ("SW-OPEN-CRITICAL", 48),
            ("SW-COVERAGE", 51),
            ("SW-FIX-CRITICAL", 54),
        },
    ),
    "ridgeway-ferrosa-castings-csr.yaml": (
        "automotive-supplier",
        {
            ("ISO9001-8.4.1-certificates", 27),
            ("ISO9001-8.4.3-f", 79),
            ("ISO9001-7.5.3", 83),
        },
    ),
    "sundaram-brennwald-forgings.yaml": (
        "automotive-supplier",
        {
            ("AUTO-AQL-CRITICAL", 48),
            ("ISO9001-8.4.2-sampling", 58),
            ("AUTO-CONSUMER-RISK", 58),
            ("waiver", 108),
        },
    ),
    "tallgrass-hualong-resin.yaml": (
        "automotive-supplier",
        {
            ("AUTO-AQL-MAJOR", 50),
            ("AUTO-CONSUMER-RISK", 66),
            ("AUTO-CHANGE-NOTICE", 71),
            ("ISO9001-8.5.6", 71),
            ("AUTO-CONTAINMENT", 77),
        },
    ),
    "tideway-deccan-tablets-gmp.yaml": (
        "gmp-contract-manufacturing",
        {
            ("GMP-RETENTION", 75),
            ("ISO9001-7.5.3", 75),
            ("GMP-SUBCONTRACT", 84),
            ("ISO9001-8.4.2-flow-down", 85),
            ("GMP-INSPECTION-NOTICE", 120),
        },
    ),
}


def test_every_example_is_listed() -> None:
    assert {p.name for p in (REPO / "examples" / "agreements").glob("*.yaml")} == set(EXAMPLES)


@pytest.mark.parametrize("name", sorted(EXAMPLES))
def test_example_shows_exactly_its_intended_weaknesses(name: str) -> None:
    custom, expected = EXAMPLES[name]
    rules = load_ruleset("iso9001", *([custom] if custom else []))
    result = check(rules, REPO / "examples" / "agreements" / name, today=TODAY)
    assert {(f.rule, f.line) for f in result.findings} == expected
