"""A bad value in an agreement: a sentence, not the schema's regular expression; a hint that
lists what is allowed (and the nearest unit); and one finding, not one from the schema and
another from the rule that could not use the value."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.helpers import REPO, run_cli
from tests.report_helpers import TODAY

CLEAN = (REPO / "examples" / "quickstart" / "clean.yaml").read_text(encoding="utf-8")
POLICY = str(REPO / "examples" / "quickstart" / "policy.qr")
UNITS = "minutes, hours, days, weeks, months, years, business days"


def findings_for(tmp_path: Path, old: str, new: str) -> list[dict[str, object]]:
    assert old in CLEAN
    path = tmp_path / "a.yaml"
    path.write_text(CLEAN.replace(old, new), encoding="utf-8")
    result = run_cli("check", str(path), "-r", POLICY, "-f", "json", *TODAY)
    return [f for d in json.loads(result.stdout)["documents"] for f in d["findings"]]


@pytest.mark.parametrize(
    ("written", "hint"),
    [
        ("14 dayz", f"did you mean `14 days`? write a number and a unit: {UNITS}"),
        ("7d", f"did you mean `7 days`? write a number and a unit: {UNITS}"),
        ("3mo", f"did you mean `3 months`? write a number and a unit: {UNITS}"),
        ("5 workdays", f"write a number and a unit: {UNITS} (e.g. 5 days)"),
        ("5 bussiness days", f"did you mean `5 business days`? write a number and a unit: {UNITS}"),
    ],
)
def test_a_bad_duration_is_one_finding_in_words_with_the_units(
    tmp_path: Path, written: str, hint: str
) -> None:
    found = findings_for(tmp_path, "notification: 120 days", f"notification: {written}")
    # QS-CHANGE-NOTICE compares this value with 90 days: it says nothing more about it.
    assert [(f["rule"], f["line"], f["message"], f["hint"]) for f in found] == [
        (
            "schema",
            30,
            f"change_control.notification: `{written}` is not a duration like `24 hours` or "
            "`3 days`",
            hint,
        )
    ]


def test_other_patterns_say_what_the_field_takes(tmp_path: Path) -> None:
    found = findings_for(tmp_path, "country: DE", "country: de")
    assert [(f["rule"], f["message"], f["hint"]) for f in found] == [
        (
            "schema",
            "parties[0].country: `de` is not in the form this field takes",
            'ISO 3166-1 alpha-2 country code in capitals, e.g. "DE", "US", "NO".',
        )
    ]
    assert "^[A-Z]" not in json.dumps(found)


def test_a_bad_percentage_is_said_in_words(tmp_path: Path) -> None:
    text = "  retention: 10 years\n"
    found = findings_for(tmp_path, text, text + "software:\n  test_coverage: 85 percent\n")
    assert [(f["rule"], f["message"], f["hint"]) for f in found] == [
        (
            "schema",
            "software.test_coverage: `85 percent` is not a percentage like `85%`",
            'write a percentage such as "85%"',
        )
    ]
