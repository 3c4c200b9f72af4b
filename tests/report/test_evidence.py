"""Evidence in every report: which qrules, rulesets and schema judged which bytes, as of
which date, and when; and, behind --show-passes, the rules each agreement passed."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import re
from pathlib import Path

import pytest

from tests.helpers import REPO, run_cli
from tests.report_helpers import POLICY, QUICKSTART, check_quickstart


@pytest.fixture(autouse=True)
def _at_the_repository_root(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(REPO)


def sha256(path: str | Path) -> str:
    return hashlib.sha256((REPO / path).read_bytes()).hexdigest()


SCHEMA = "qrules/schema/agreement.schema.json"


def test_the_json_report_names_the_bytes_rules_and_schema_that_were_judged() -> None:
    report = json.loads(check_quickstart("--format", "json").output)
    evidence = report["evidence"]
    assert evidence == {
        "qrules": report["qrules"],
        "today": "2026-11-26",
        "timestamp": "2026-11-26T00:00:00Z",  # SOURCE_DATE_EPOCH, pinned in conftest.py
        "schema": {"source": "auto", "sha256": sha256(SCHEMA)},
        "rulesets": [
            {"name": "quickstart", "version": "1.0", "path": POLICY, "sha256": sha256(POLICY)}
        ],
    }
    for document in report["documents"]:
        assert document["sha256"] == sha256(document["path"])


def test_a_file_that_cannot_be_read_has_no_hash_and_a_schema_file_its_own(
    tmp_path: Path,
) -> None:
    schema = tmp_path / "mine.schema.json"
    schema.write_text('{"type": "object"}', encoding="utf-8")
    missing = tmp_path / "gone.yaml"
    result = run_cli(
        "check", str(missing), f"{QUICKSTART}/clean.yaml", "-r", POLICY,
        "--schema", str(schema), "-f", "json",
    )  # fmt: skip
    report = json.loads(result.output)
    assert report["evidence"]["schema"] == {"source": str(schema), "sha256": sha256(schema)}
    assert {d["path"]: d["sha256"] for d in report["documents"]} == {
        f"{QUICKSTART}/clean.yaml": sha256(f"{QUICKSTART}/clean.yaml"),
        str(missing): None,
    }


def test_without_source_date_epoch_the_timestamp_is_now_in_utc(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.delenv("SOURCE_DATE_EPOCH")
    before = dt.datetime.now(dt.timezone.utc).replace(microsecond=0)
    report = json.loads(check_quickstart("--format", "json").output)
    stamp = report["evidence"]["timestamp"]
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ", stamp)
    made = dt.datetime.fromisoformat(stamp.replace("Z", "+00:00"))
    assert before <= made <= dt.datetime.now(dt.timezone.utc)


def test_sarif_lists_each_agreement_with_its_hash_and_the_evidence() -> None:
    run = json.loads(check_quickstart("--format", "sarif").output)["runs"][0]
    hashes = {a["location"]["uri"]: a["hashes"]["sha-256"] for a in run["artifacts"]}
    assert hashes == {
        f"{QUICKSTART}/{name}.yaml": sha256(f"{QUICKSTART}/{name}.yaml")
        for name in ("clean", "conflicting", "malformed")
    }
    assert run["properties"]["evidence"]["rulesets"][0]["sha256"] == sha256(POLICY)
    assert run["invocations"][0]["endTimeUtc"] == "2026-11-26T00:00:00Z"


@pytest.mark.parametrize("output_format", ["markdown", "html"])
def test_the_memos_end_with_the_evidence(output_format: str) -> None:
    text = check_quickstart("--format", output_format).output
    assert "Evidence" in text
    for path in (POLICY, SCHEMA, f"{QUICKSTART}/conflicting.yaml"):
        assert sha256(path) in text
    assert "2026-11-26T00:00:00Z" in text


def test_show_passes_lists_the_rules_that_applied_and_held() -> None:
    report = json.loads(check_quickstart("--format", "json", "--show-passes").output)
    by_path = {d["path"]: d for d in report["documents"]}
    clean = by_path[f"{QUICKSTART}/clean.yaml"]
    conflicting = by_path[f"{QUICKSTART}/conflicting.yaml"]
    fired = {f["rule"] for f in conflicting["findings"]}
    assert clean["findings"] == [] and len(clean["passed"]) == 6
    assert set(conflicting["passed"]).isdisjoint(fired)
    assert set(conflicting["passed"]) | fired == set(clean["passed"])
    without = json.loads(check_quickstart("--format", "json").output)
    assert all("passed" not in d for d in without["documents"])


def test_negotiate_reports_name_the_rulesets_and_the_draft_they_judged() -> None:
    args = [
        "negotiate", "examples/negotiation/draft.yaml",
        "--party", "customer=examples/negotiation/customer.qr",
        "--party", "supplier=examples/negotiation/supplier.qr",
    ]  # fmt: skip
    evidence = json.loads(run_cli(*args, "-f", "json").output)["evidence"]
    assert [(r["name"], r["sha256"]) for r in evidence["rulesets"]] == [
        ("customer", sha256("examples/negotiation/customer.qr")),
        ("supplier", sha256("examples/negotiation/supplier.qr")),
    ]
    assert evidence["today"] is None and evidence["timestamp"] == "2026-11-26T00:00:00Z"
    page = run_cli(*args, "-f", "html").output
    assert sha256("examples/negotiation/draft.yaml") in page
