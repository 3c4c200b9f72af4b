"""Rulesets that build on others (issue 13): `import`, with `override`, `disable` and
`replace`; cycles and unknown ids are located errors."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest

from qrules.errors import QrulesError
from qrules.ruleset import load_ruleset
from qrules.syntax.format import format_text
from qrules.syntax.parser import parse_ruleset
from tests.helpers import REPO, run_cli

Write = Callable[[str, str], Path]
# A complete agreement that passes iso9001, with a change notice of 90 days.
CLEAN = REPO / "rulesets" / "iso9001" / "tests" / "pass-core-castings.yaml"

OURS = """\
ruleset ours "Our supplier policy"

import iso9001
# Audits are planned with the supplier; the frame contract covers the notice.
override ISO9001-8.4.3-f severity warning reason "Audit access is settled in the frame contract"
disable ISO9001-8.4.2-sampling reason "Every delivery is inspected in full at goods receipt"
replace ISO9001-8.5.6 with OURS-CHANGE reason "We need 180 days, not 30"

rule OURS-CHANGE "Changes are announced 180 days ahead"
  ref "QP-7"
  require change_control.notification >= 180 days
"""


def report(*args: str | Path) -> dict[str, object]:
    result = run_cli("check", *map(str, args), "-f", "json", "--today", "2026-11-26")
    return json.loads(result.output)  # type: ignore[no-any-return]


def test_imported_rules_run_as_the_importer_says(write: Write) -> None:
    rules = load_ruleset(write("ours.qr", OURS))
    names = [r.name for r in rules.rulesets]
    assert names == ["iso9001", "ours"]  # the imported ruleset first, under its own name
    ids = rules.ids
    assert "OURS-CHANGE" in ids and "ISO9001-8.5.6" not in ids
    assert "ISO9001-8.4.2-sampling" not in ids
    severity = {c.info.id: c.info.severity for c in rules.checks}
    assert severity["ISO9001-8.4.3-f"] == "warning"
    findings = report(CLEAN, "-r", write("ours.qr", OURS))["documents"][0]["findings"]  # type: ignore[index]
    assert [f["rule"] for f in findings] == ["OURS-CHANGE"]  # not 8.5.6 on the same line too


def test_a_file_named_and_imported_is_loaded_once(write: Write) -> None:
    rules = load_ruleset("iso9001", write("ours.qr", OURS))
    assert [r.name for r in rules.rulesets] == ["iso9001", "ours"]
    assert "ISO9001-8.5.6" not in rules.ids


def test_an_import_by_path_is_relative_to_the_importer(write: Write, tmp_path: Path) -> None:
    write("base/base.qr", 'ruleset base\n\nrule B-1 "b"\n  ref "x"\n  require true\n')
    top = write(
        "top/top.qr", 'ruleset top\n\nimport "../base/base.qr"\ndisable B-1 reason "not ours"\n'
    )
    assert load_ruleset(top).ids == frozenset()


def test_an_import_cycle_names_the_files(write: Write) -> None:
    write("a.qr", 'ruleset a\n\nimport "b.qr"\n')
    write("b.qr", 'ruleset b\n\nimport "c.qr"\n')
    c = write("c.qr", 'ruleset c\n\nimport "a.qr"\n')
    with pytest.raises(
        QrulesError, match=r"import cycle: .*a\.qr imports .*b\.qr imports .*c\.qr imports .*a\.qr"
    ) as caught:
        load_ruleset(c.parent / "a.qr")
    assert caught.value.source.endswith("c.qr") and caught.value.line == 3


@pytest.mark.parametrize(
    ("change", "message", "hint"),
    [
        (
            'disable ISO9001-8.5.7 reason "r"',
            "no imported rule has the id ISO9001-8.5.7",
            "ISO9001-8.5.6",
        ),
        (
            'replace ISO9001-8.2.4 with OURS-CHANGED reason "r"',
            "this ruleset has no rule OURS-CHANGED",
            "OURS-CHANGE",
        ),
        (
            'disable ISO9001-8.4.3-f reason "r"',
            "ISO9001-8.4.3-f is changed twice (first by `override` on line 5)",
            "keep one",
        ),
    ],
)
def test_bad_changes_are_located_with_the_nearest_id(
    write: Write, change: str, message: str, hint: str
) -> None:
    text = OURS.replace("\nrule OURS-CHANGE", f"{change}\n\nrule OURS-CHANGE")
    with pytest.raises(QrulesError) as caught:
        load_ruleset(write("ours.qr", text))
    assert message in caught.value.message and hint in str(caught.value.hint)
    assert caught.value.line == 8 and caught.value.context


def test_lint_reports_import_problems_and_fmt_keeps_the_definitions(write: Write) -> None:
    bad = write("bad.qr", OURS.replace("ISO9001-8.4.2-sampling", "ISO9001-8.4.2-samplng"))
    result = run_cli("lint", str(bad))
    assert (
        "bad.qr:6:1: error compile no imported rule has the id ISO9001-8.4.2-samplng"
        in result.output
    )
    assert run_cli("lint", str(write("ours.qr", OURS))).exit_code == 0
    assert format_text(OURS) == OURS
    messy = OURS.replace(
        "override ISO9001-8.4.3-f severity", "override  ISO9001-8.4.3-f\n   severity"
    )
    assert format_text(messy) == OURS and parse_ruleset(messy) == parse_ruleset(OURS)


def test_rule_tests_cover_only_the_importers_own_rules(write: Write) -> None:
    write("suite/ours.qr", OURS)
    body = "".join(line for line in CLEAN.read_text().splitlines(True) if "# expect" not in line)
    write("suite/tests/late.yaml", "# expect: OURS-CHANGE\n" + body)
    result = run_cli(
        "test", str(write("suite/x.txt", "").parent), "--require-coverage", "--today", "2026-11-26"
    )
    assert result.exit_code == 0, result.output
