"""Shared by the report tests: the quickstart run, golden files, the external schemas."""

from __future__ import annotations

import difflib
import os
import re
from pathlib import Path

import pytest
from click.testing import Result

from tests.helpers import REFERENCE, REPO, dedent, run_cli

QUICKSTART = "examples/quickstart"
POLICY = f"{QUICKSTART}/policy.qr"
TODAY = ("--today", "2026-11-26")
GOLDEN = REPO / "tests" / "golden"

WAIVED_AGREEMENT = (REPO / QUICKSTART / "conflicting.yaml").read_text(encoding="utf-8") + dedent(
    """
    waivers:
      - rule: QS-AUDIT
        reason: Audited yearly by our notified body | report shared
        approved_by: Quality Director
        expires: 2027-06-30
      - rule: QS-CHANGE-NOTICE
        reason: Frame contract of 2019
        approved_by: Purchasing
        expires: 2026-01-31
    """
)
WAIVED_LINES = {"QS-AUDIT waiver": 36, "QS-CHANGE-NOTICE waiver": 40}

# The clean quickstart agreement with two fallback positions taken: ready after approvals.
APPROVALS_AGREEMENT = (
    (REPO / QUICKSTART / "clean.yaml")
    .read_text(encoding="utf-8")
    .replace("major: 0.65", "major: 1.0")
    .replace("retention: 10 years", "retention: 12 years")
    .replace("effective: 2027-03-01\n", "effective: 2027-03-01\nterm: 3 years\n")
)


def check_quickstart(*args: str) -> Result:
    """``qrules check`` over the quickstart example, from the repository root."""
    return run_cli("check", QUICKSTART, "-r", POLICY, *TODAY, *args)


def write_waived(folder: Path) -> Path:
    """The conflicting quickstart agreement with one valid and one expired waiver."""
    path = folder / "waived.yaml"
    path.write_text(WAIVED_AGREEMENT, encoding="utf-8")
    (folder / "policy.qr").write_text((REPO / POLICY).read_text(encoding="utf-8"))
    return path


def write_approvals(folder: Path) -> Path:
    """The clean quickstart agreement with two fallbacks (Quality Director, Finance)."""
    path = folder / "approvals.yaml"
    path.write_text(APPROVALS_AGREEMENT, encoding="utf-8")
    (folder / "policy.qr").write_text((REPO / POLICY).read_text(encoding="utf-8"))
    return path


def reference(relative: str) -> Path:
    """A file of ../shared/reference/; the test skips where the folder is absent."""
    path = REFERENCE / relative
    if not path.is_file():
        pytest.skip(f"{path} is absent: the verified external schemas live next to the checkout")
    return path


def reference_if_present(relative: str) -> Path | None:
    """For tests whose other assertions stand without the external schema."""
    path = REFERENCE / relative
    return path if path.is_file() else None


SHA256 = re.compile(r"\b[0-9a-f]{64}\b")


def assert_golden(name: str, actual: str) -> None:
    """Compare with tests/golden/NAME; ``QRULES_UPDATE_GOLDEN=1`` rewrites it instead.

    Content hashes are written as ``<sha256>``: a golden pins the report's shape, and must
    not break whenever the built-in schema or a ruleset changes a byte (the hashes
    themselves are checked against the files in tests/report/test_evidence.py)."""
    actual = SHA256.sub("<sha256>", actual)
    golden = GOLDEN / name
    if os.environ.get("QRULES_UPDATE_GOLDEN") == "1":
        golden.parent.mkdir(exist_ok=True)
        golden.write_text(actual, encoding="utf-8")
    expected = golden.read_text(encoding="utf-8")
    diff = "\n".join(
        difflib.unified_diff(
            expected.splitlines(),
            actual.splitlines(),
            f"tests/golden/{name}",
            "actual",
            lineterm="",
        )
    )
    assert not diff, f"the report changed (QRULES_UPDATE_GOLDEN=1 to accept):\n{diff}"


ALL_BUILTIN = (
    "iso9001",
    "iso9001-evidence",
    "automotive-supplier",
    "gmp-contract-manufacturing",
    "software-delivery",
    "eu-mdr-authorised-representative",
)


def negotiating_room(*rulesets: str) -> set[str]:
    """Everything a term's tiers say that the other party must not read, from the loaded
    rulesets themselves: each tier's approver and reason; its written condition as the
    memos would write it (`prefer <= 0.65`, `(<= 0.65)`); and the bare condition too,
    unless a rule requires the same thing of everyone (`quality.aql.critical == 0` is a
    requirement the other party must see, not our room on `== 0`)."""
    from qrules.compile import CompiledTerm
    from qrules.ruleset import load_ruleset

    book = load_ruleset(*rulesets)
    required = " ".join(
        r.source for ruleset in book.rulesets for rule in ruleset.syntax.rules
        for r in getattr(rule, "requires", ())
    )  # fmt: skip
    secrets: set[str] = set()
    for check in book.checks:
        for tier in check.tiers if isinstance(check, CompiledTerm) else ():
            secrets |= {text for text in (tier.approval, tier.reason) if text}
            if tier.written:
                secrets |= {f"{tier.kind} {tier.written}", f"({tier.written})"}
                secrets |= set() if tier.written in required else {tier.written}
    return secrets
