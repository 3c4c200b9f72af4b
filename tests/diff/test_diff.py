"""qrules diff OLD NEW: changed fields (list elements by identity), each party's tier moves
weaker or stronger from the terms' own tiers, findings new, fixed or unchanged, waivers; files,
REV:path and --git REV on a real git history."""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import pytest

from qrules.diff.terms import direction
from qrules.negotiate.positions import position
from tests.helpers import REPO, compile_rules, run_cli

REDLINE = REPO / "examples" / "redline"
TODAY = ("--today", "2026-11-26")


def redline(*args: str) -> dict:  # type: ignore[type-arg]
    result = run_cli(
        "diff", "examples/redline/draft-3.yaml", "examples/redline/draft-4.yaml",
        "-r", "examples/redline/policy.qr", *TODAY, "-f", "json", *args,
    )  # fmt: skip
    assert result.exit_code in (0, 1), result.output
    return json.loads(result.output)  # type: ignore[no-any-return]


@pytest.fixture
def at_root(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(REPO)


def moves(report: dict) -> dict[tuple[str, str], tuple[str, str]]:  # type: ignore[type-arg]
    return {
        (t["party"], t["term"]): (f"{t['old_tier']} → {t['new_tier']}", t["direction"])
        for a in report["agreements"]
        for t in a["terms"]
    }


def test_the_example_redline_says_which_way_each_term_moved(at_root: None) -> None:
    report = redline("--party", "supplier=examples/redline/supplier.qr")
    assert moves(report) == {
        ("us", "RL-CHANGE-NOTICE"): ("prefer → accept", "weaker"),
        ("us", "RL-CONTAINMENT"): ("accept → prefer", "stronger"),
        ("us", "RL-AQL"): ("prefer → accept", "weaker"),
        ("us", "RL-RETENTION"): ("prefer → accept", "weaker"),
        ("supplier", "NS-CHANGE-NOTICE"): ("accept → prefer", "stronger"),
        ("supplier", "NS-CONTAINMENT"): ("prefer → accept", "weaker"),
    }
    notice = next(t for t in report["agreements"][0]["terms"] if t["term"] == "RL-CHANGE-NOTICE")
    assert notice["old"] == {"value": "90 days", "line": 37, "path": "change_control.notification"}
    assert notice["new"] == {"value": "60 days", "line": 40, "path": "change_control.notification"}
    assert notice["requires"] == "now needs the approval of Purchasing Director"
    assert report["parties"] == ["us", "supplier"]


def test_list_elements_are_matched_by_identity_not_position(at_root: None) -> None:
    fields = {c["path"]: c for c in redline()["agreements"][0]["fields"]}
    added = fields['scope.products["ST-4408"]']
    assert (added["kind"], added["old"]["value"], added["new"]["line"]) == ("added", None, 22)
    revision = fields['scope.products["ST-4412"].revision']
    assert (revision["old"]["value"], revision["new"]["value"]) == ("B", "C")
    assert revision["old"]["path"] == "scope.products[1].revision"
    assert revision["new"]["path"] == "scope.products[2].revision"
    assert not any("ST-4410" in path or "st-4415" in path for path in fields)  # only moved
    cert = 'parties["Nordvik Stål AS"].certifications["NV-QMS-2291"].expires'
    assert (fields[cert]["old"]["value"], fields[cert]["new"]["value"]) == (
        "2027-09-30",
        "2028-09-30",
    )


def test_findings_are_new_fixed_or_unchanged_and_waivers_added(at_root: None) -> None:
    agreement = redline()["agreements"][0]
    states = {(f["rule"], f["state"]) for f in agreement["findings"]}
    assert ("RL-PARTS", "unchanged") in states  # st-4415 moved 3 lines down
    assert ("RL-CONTAINMENT", "fixed") in states
    assert {("RL-AQL", "new"), ("RL-CHANGE-NOTICE", "new"), ("RL-AUDIT", "new")} <= states
    assert agreement["waivers"] == [
        {
            "rule": "RL-AUDIT",
            "change": "added",
            "line": 51,
            "expires": "2027-12-31",
            "approved_by": "Quality Director",
        }
    ]


def test_fail_on_weaker_and_conflict(at_root: None) -> None:
    base = ["diff", "examples/redline/draft-3.yaml", "examples/redline/draft-4.yaml", *TODAY]
    assert run_cli(*base, "-r", "examples/redline/policy.qr").exit_code == 0
    assert run_cli(*base, "-r", "examples/redline/policy.qr", "--fail-on", "weaker").exit_code == 1
    # The one new error (the audit right) is waived: no new conflict.
    conflict = run_cli(*base, "-r", "examples/redline/policy.qr", "--fail-on", "conflict")
    assert conflict.exit_code == 0
    back = ["diff", "examples/redline/draft-4.yaml", "examples/redline/draft-3.yaml", *TODAY]
    assert run_cli(*back, "-r", "examples/redline/policy.qr", "--fail-on", "weaker").exit_code == 1
    same = ["diff", "examples/redline/draft-3.yaml", "examples/redline/draft-3.yaml", *TODAY]
    result = run_cli(*same, "-r", "examples/redline/policy.qr", "--fail-on", "weaker")
    assert result.exit_code == 0 and "no field changed" in result.output


TERMS = """
    ruleset t
    term NOTICE "Change notice" at change_control.notification
      prefer >= 90 days
      accept >= 60 days approval "Purchasing"
      reject "too short"
    term RETENTION "Retention" at records.retention
      reject < 3 years "too short"
      prefer <= 10 years
      accept approval "Finance"
    term METHOD "Method" at nonconformance.method
      prefer in ["8D"]
      accept in ["A3"]
      reject
    """


@pytest.mark.parametrize(
    ("term", "old", "new", "expected"),
    [
        ("NOTICE", 120, 100, "weaker"),  # within prefer, toward accept and reject
        ("NOTICE", 100, 120, "stronger"),
        ("NOTICE", 80, 70, "weaker"),  # within accept, toward reject
        ("NOTICE", 30, 10, "weaker"),  # within reject, away from what is accepted
        ("NOTICE", 10, 30, "stronger"),
        ("NOTICE", 90, 60, "weaker"),  # prefer → accept
        ("NOTICE", 59, 60, "stronger"),  # reject → accept
        ("RETENTION", 5 * 365, 4 * 365, "weaker"),  # prefer, toward the reject side below
        ("RETENTION", 12 * 365, 15 * 365, "stronger"),  # accept, away from reject
        ("METHOD", "8D", "A3", "weaker"),
        ("METHOD", "A3", "8D", "stronger"),
    ],
)
def test_direction_comes_from_the_tiers(term: str, old: object, new: object, expected: str) -> None:
    from qrules.model.values import Duration
    from qrules.syntax import ast

    statement = next(
        s for s in compile_rules(TERMS).syntax.rules if isinstance(s, ast.Term) and s.id == term
    )
    pos = position(statement)
    values = [Duration(v, "days") if isinstance(v, int) else v for v in (old, new)]
    kinds = [pos.tier_of(v).kind for v in values]  # type: ignore[union-attr]
    assert direction(pos, values[0], values[1], kinds[0], kinds[1]) == expected


def test_a_removed_field_is_weaker_it_is_rejected_as_missing(tmp_path: Path) -> None:
    old = (REDLINE / "draft-3.yaml").read_text(encoding="utf-8")
    new = old.replace("  containment: 48 hours\n", "")
    (tmp_path / "new.yaml").write_text(new, encoding="utf-8")
    result = run_cli(
        "diff", str(REDLINE / "draft-3.yaml"), str(tmp_path / "new.yaml"),
        "-r", str(REDLINE / "policy.qr"), *TODAY, "-f", "json",
    )  # fmt: skip
    (term,) = json.loads(result.output)["agreements"][0]["terms"]
    assert (term["term"], term["new_tier"], term["direction"]) == (
        "RL-CONTAINMENT",
        "missing",
        "weaker",
    )
    assert term["requires"] == "the agreement no longer states it: rejected as missing"


# ---------------------------------------------------------------------------- git


needs_git = pytest.mark.skipif(shutil.which("git") is None, reason="needs git")


def git(*args: str, cwd: Path) -> str:
    identity = ["-c", "user.name=qrules tests", "-c", "user.email=tests@qrules.invalid"]
    done = subprocess.run(
        ["git", *identity, "-c", "commit.gpgsign=false", *args],
        cwd=cwd,
        check=True,
        capture_output=True,
        text=True,
    )
    return done.stdout


@pytest.fixture
def history(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A repository whose agreement went from draft 3 (first commit) to draft 4 (second)."""
    monkeypatch.chdir(tmp_path)
    git("init", "-q", cwd=tmp_path)
    (tmp_path / "agreements").mkdir()
    shutil.copy(REDLINE / "policy.qr", tmp_path / "policy.qr")
    shutil.copy(REDLINE / "draft-3.yaml", tmp_path / "agreements" / "nordvik.yaml")
    (tmp_path / "notes.yaml").write_text("not: an agreement\n", encoding="utf-8")
    git("add", ".", cwd=tmp_path)
    git("commit", "-q", "-m", "draft 3", cwd=tmp_path)
    shutil.copy(REDLINE / "draft-4.yaml", tmp_path / "agreements" / "nordvik.yaml")
    git("commit", "-q", "-am", "draft 4", cwd=tmp_path)
    return tmp_path


@needs_git
def test_two_revisions_from_git(history: Path) -> None:
    result = run_cli(
        "diff", "HEAD~1:agreements/nordvik.yaml", "HEAD:agreements/nordvik.yaml",
        "-r", "policy.qr", *TODAY, "-f", "json",
    )  # fmt: skip
    report = json.loads(result.output)
    agreement = report["agreements"][0]
    assert agreement["old"]["path"] == "HEAD~1:agreements/nordvik.yaml"
    draft3 = (REDLINE / "draft-3.yaml").read_bytes()
    import hashlib

    assert agreement["old"]["sha256"] == hashlib.sha256(draft3).hexdigest()
    assert moves(report)[("us", "RL-CHANGE-NOTICE")] == ("prefer → accept", "weaker")
    assert git("status", "--porcelain", cwd=history) == ""  # nothing checked out or changed


@needs_git
def test_git_mode_compares_every_agreement_changed_since_a_revision(history: Path) -> None:
    (history / "agreements" / "new.yaml").write_text(
        (REDLINE / "draft-3.yaml").read_text(encoding="utf-8"), encoding="utf-8"
    )
    git("add", "agreements/new.yaml", cwd=history)
    (history / "notes.yaml").write_text("not: changed either way\n", encoding="utf-8")
    result = run_cli("diff", "--git", "HEAD~1", "-r", "policy.qr", *TODAY, "-f", "json")
    report = json.loads(result.output)
    pairs = [(a["old"]["path"], a["new"]["path"]) for a in report["agreements"]]
    assert pairs == [
        ("(none)", "agreements/new.yaml"),
        ("HEAD~1:agreements/nordvik.yaml", "agreements/nordvik.yaml"),
    ]  # notes.yaml changed too, but is not an agreement
    narrowed = run_cli("diff", "--git", "HEAD~1", "agreements/nordvik.yaml", "-r", "policy.qr")
    assert narrowed.output.startswith("HEAD~1:agreements/nordvik.yaml → agreements/nordvik.yaml")
    assert "1 agreement compared" in narrowed.output


@needs_git
@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["nope:a.yaml", "agreements/nordvik.yaml"], "git knows no revision 'nope'"),
        (["agreements/nordvik.yaml"], "qrules diff compares two revisions: OLD NEW"),
        (["--git", "HEAD~9"], "git knows no revision 'HEAD~9'"),
        # git would take it for its option (and write a file): refused before git runs
        (["--git", "--output=stolen"], "'--output=stolen' is not a revision"),
    ],
)
def test_bad_revisions_are_exit_2(history: Path, args: list[str], message: str) -> None:
    result = run_cli("diff", *args, "-r", "policy.qr")
    assert result.exit_code == 2
    assert message in result.output
    assert not (history / "stolen").exists()


@needs_git
def test_a_revision_that_git_would_read_as_an_option_is_refused(history: Path) -> None:
    args = ["-r", "policy.qr", "--", "--output=stolen:agreements/nordvik.yaml", "HEAD:x.yaml"]
    result = run_cli("diff", *args)
    assert result.exit_code == 2
    assert "'--output=stolen' is not a revision" in result.output
    assert not (history / "stolen").exists()


def test_a_revision_that_cannot_be_read_is_a_new_finding_not_a_crash(tmp_path: Path) -> None:
    broken = (REDLINE / "draft-4.yaml").read_text(encoding="utf-8") + "notes: [unclosed\n"
    (tmp_path / "broken.yaml").write_text(broken, encoding="utf-8")
    result = run_cli(
        "diff", str(REDLINE / "draft-3.yaml"), str(tmp_path / "broken.yaml"),
        "-r", str(REDLINE / "policy.qr"), *TODAY, "-f", "json", "--fail-on", "conflict",
    )  # fmt: skip
    assert result.exit_code == 1  # the syntax error is a new error
    (agreement,) = json.loads(result.output)["agreements"]
    assert agreement["fields"] == [] and agreement["terms"] == []
    new = [f["rule"] for f in agreement["findings"] if f["state"] == "new"]
    assert new == ["yaml-syntax"]
    missing = run_cli("diff", str(REDLINE / "draft-3.yaml"), str(tmp_path / "gone.yaml"))
    assert missing.exit_code == 0 and "Traceback" not in missing.output


def test_fail_on_weaker_for_one_party(at_root: None) -> None:
    base = [
        "diff", "examples/redline/draft-3.yaml", "examples/redline/draft-4.yaml", *TODAY,
        "-r", "examples/redline/policy.qr", "--party", "supplier=examples/redline/supplier.qr",
        "--fail-on", "weaker",
    ]  # fmt: skip
    assert run_cli(*base, "--for", "us").exit_code == 1
    assert run_cli(*base, "--for", "supplier").exit_code == 1  # faster containment
    reverse = [a.replace("draft-4", "draft-X").replace("draft-3", "draft-4") for a in base]
    reverse = [a.replace("draft-X", "draft-3") for a in reverse]
    assert run_cli(*reverse, "--for", "us").exit_code == 1  # slower containment
    unknown = run_cli(*base, "--for", "customer")
    assert unknown.exit_code == 2 and "--for customer: no such party" in unknown.output


def test_the_python_api_compares_revisions(at_root: None) -> None:
    import datetime as dt

    import qrules

    report = qrules.compare_revisions(
        [
            (
                qrules.Revision("examples/redline/draft-3.yaml"),
                qrules.Revision("examples/redline/draft-4.yaml"),
            )
        ],
        ["examples/redline/policy.qr"],
        today=dt.date(2026, 11, 26),
        fail_on="weaker",
    )
    assert isinstance(report, qrules.DiffReport) and report.failed
    assert [t.term for t in report.agreements[0].weaker()] == [
        "RL-CHANGE-NOTICE",
        "RL-AQL",
        "RL-RETENTION",
    ]


@needs_git
def test_before_the_first_commit_every_agreement_is_new(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    git("init", "-q", cwd=tmp_path)
    (tmp_path / "agreements").mkdir()
    shutil.copy(REDLINE / "draft-4.yaml", tmp_path / "agreements" / "nordvik.yaml")
    shutil.copy(REDLINE / "policy.qr", tmp_path / "policy.qr")
    result = run_cli("diff", "--git", "HEAD", "agreements", "-r", "policy.qr", "-f", "json")
    (agreement,) = json.loads(result.output)["agreements"]
    assert (agreement["old"]["path"], agreement["new"]["path"]) == (
        "(none)",
        "agreements/nordvik.yaml",
    )
    assert {t["direction"] for t in agreement["terms"]} == {"stronger"}  # from missing


def test_values_cannot_forge_lines_or_reach_the_terminal(tmp_path: Path) -> None:
    old = (REDLINE / "draft-3.yaml").read_text(encoding="utf-8")
    title = 'title: "strip\\nexamples/x.yaml:1:1: weaker us: FAKE \\u001b[31mred"\n'
    new = old.replace("title: Supplier Quality Agreement — cold-rolled strip\n", title)
    assert new != old
    (tmp_path / "new.yaml").write_text(new, encoding="utf-8")
    output = run_cli("diff", str(REDLINE / "draft-3.yaml"), str(tmp_path / "new.yaml")).output
    assert "\x1b" not in output
    assert not any(line.startswith("examples/x.yaml") for line in output.splitlines())
    assert "strip\\nexamples/x.yaml:1:1: weaker us: FAKE \\x1b[31mred" in output
