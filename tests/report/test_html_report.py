"""The HTML report, as a real browser reads it: the memo for one agreement or a batch."""

from __future__ import annotations

import re
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

from tests.helpers import REPO, browser_dom, outline, run_cli
from tests.report_helpers import (
    ALL_BUILTIN,
    POLICY,
    TODAY,
    assert_golden,
    negotiating_room,
    write_approvals,
)

Write = Callable[[str, str | bytes], Path]
QUICKSTART = REPO / "examples" / "quickstart"


def report(tmp_path: Path, *paths: str, audience: str = "internal") -> tuple[int, Path]:
    target = tmp_path / "report.html"
    result = run_cli(
        "check",
        *paths,
        "-r",
        str(QUICKSTART / "policy.qr"),
        *TODAY,
        "--format",
        "html",
        "--audience",
        audience,
        "--output",
        str(target),
    )
    return result.exit_code, target


def words(page: Path) -> str:
    return " ".join(" ".join(outline(page.read_text(encoding="utf-8")).text).split())


def test_the_quickstart_report_matches_the_golden_file(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(REPO)
    result = run_cli("check", "examples/quickstart", "-r", POLICY, *TODAY, "-f", "html")
    assert_golden("quickstart.report.html", result.output)


def test_a_single_memo_matches_the_golden_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    write_approvals(tmp_path)
    result = run_cli("check", "approvals.yaml", "-r", "policy.qr", *TODAY, "-f", "html")
    assert_golden("approvals.memo.html", result.output)


def test_the_report_is_one_self_contained_page(tmp_path: Path) -> None:
    code, page = report(tmp_path, str(QUICKSTART))
    assert code == 1
    text = page.read_text(encoding="utf-8")
    parsed = outline(text)
    assert not [t for t, a in parsed.tags if t in ("script", "link", "img", "iframe")]
    assert "http://" not in text and "https://" not in text and "url(" not in text
    documents = [a for t, a in parsed.tags if t == "details" and "agreement" in (a["class"] or "")]
    # Natural order; agreements that need attention are open, those ready to sign folded.
    assert [a["id"] for a in documents] == ["agreement-1", "agreement-2", "agreement-3"]
    assert [("open" in a) for a in documents] == [False, True, True]
    assert (
        "3 agreements 1 ready to sign 0 ready after approvals 2 not ready 6 errors 1 warnings "
        "1 notes 0 waived"
    ) in words(page)


def test_the_batch_summary_comes_before_the_agreements(tmp_path: Path) -> None:
    _, page = report(tmp_path, str(QUICKSTART))
    text = words(page)
    assert text.index("Rules that fail most") < text.index("Clause coverage")
    assert text.index("Clause coverage") < text.index("Agreements Ready to sign")
    assert "QS-AUDIT We may audit the supplier's site ISO 9001:2015 8.4.3 f) 1" in text


def test_a_memo_names_identity_conflicts_approvals_and_sign_off(tmp_path: Path) -> None:
    _, page = report(tmp_path, str(write_approvals(tmp_path)), str(QUICKSTART / "conflicting.yaml"))
    text = words(page)
    assert "Ready to sign after 2 approvals (Finance, Quality Director)" in text
    assert "Agreement SQA-2027-014, revision 2.0, review" in text
    assert "Effective 2027-03-01, for 3 years Judged by quickstart 1.0" in text
    assert "Finance QS-RETENTION Record retention 12 years 37" in text
    assert (
        "Sign-off role for name date signature Finance approves Record retention 12 years" in text
    )
    assert "supplier Nordvik Stål AS" in text
    conflict = "QS-CHANGE-NOTICE Changes are announced early line 29 · change_control.notification"
    assert conflict in text
    assert "Current value 30 days Needs change_control.notification >= 90 days Fix Set" in text


def test_agreement_text_cannot_inject_markup(tmp_path: Path, write: Write) -> None:
    evil = (
        (QUICKSTART / "conflicting.yaml")
        .read_text(encoding="utf-8")
        .replace("part_number: rs-6631", 'part_number: "<img src=x onerror=alert(1)><b>rs</b>"')
        .replace("title: Supplier", "title: <script>alert(1)</script> Supplier")
    )
    agreement = write("evil.yaml", evil)
    _, page = report(tmp_path, str(agreement))
    parsed = outline(page.read_text(encoding="utf-8"))
    assert not [t for t, _ in parsed.tags if t in ("img", "b", "script")]
    assert any("<img src=x onerror=alert(1)><b>rs</b>" in t for t in parsed.text)
    assert any("<script>alert(1)</script>" in t for t in parsed.text)


def test_the_counterparty_report_holds_no_tier_approver_or_reason(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(REPO)
    rulesets = [arg for name in ALL_BUILTIN for arg in ("-r", name)]
    paths = ["examples/agreements", "examples/quickstart", str(write_approvals(tmp_path))]
    pages = {}
    for audience in ("internal", "counterparty"):
        target = tmp_path / f"{audience}.html"
        run_cli(
            "check", *paths, *rulesets, "-r", POLICY, *TODAY, "-f", "html",
            "--audience", audience, "-o", str(target),
        )  # fmt: skip
        pages[audience] = words(target)
    assert "Quality Director" in pages["internal"]
    secrets = negotiating_room(*ALL_BUILTIN, POLICY)
    assert [s for s in secrets if s in pages["counterparty"]] == []
    assert "Clause coverage" not in pages["counterparty"]
    assert "Changes requested: 4" in pages["counterparty"]


def test_the_report_and_the_ruleset_docs_share_one_stylesheet(tmp_path: Path) -> None:
    _, page = report(tmp_path, str(QUICKSTART))
    doc = tmp_path / "doc.html"
    assert (
        run_cli("doc", str(QUICKSTART / "policy.qr"), "-f", "html", "-o", str(doc)).exit_code == 0
    )
    style = re.compile(r"<style>(.*?)</style>", re.S)
    [report_style] = style.findall(page.read_text(encoding="utf-8"))
    [doc_style] = style.findall(doc.read_text(encoding="utf-8"))
    assert report_style == doc_style and "details.agreement" in report_style


def test_jinja2_is_imported_only_to_render_html(tmp_path: Path) -> None:
    probe = (
        "import sys\n"
        "from qrules.cli import cli\n"
        "for fmt in ('text', 'markdown', 'html'):\n"
        "    try:\n"
        f"        cli(['check', {str(QUICKSTART / 'clean.yaml')!r}, '--no-config', '-f', fmt, '-o', "
        f"{str(tmp_path / 'out')!r}])\n"
        "    except SystemExit:\n"
        "        pass\n"
        "    print(fmt, 'jinja2' in sys.modules)\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, timeout=120, cwd=REPO
    )
    assert result.stdout.split("\n")[:3] == ["text False", "markdown False", "html True"]


def test_a_real_browser_renders_the_report(tmp_path: Path, write: Write) -> None:
    evil = (
        (QUICKSTART / "conflicting.yaml")
        .read_text(encoding="utf-8")
        .replace("part_number: rs-6631", 'part_number: "<img src=x onerror=alert(1)>"')
    )
    agreement = write("agreements/evil.yaml", evil)
    malformed = REPO / "examples" / "malformed"
    _, page = report(tmp_path, str(QUICKSTART), str(malformed), str(agreement))
    dom = browser_dom(page)
    checked = 3 + 1 + len([p for p in malformed.iterdir() if p.name != "README.md"])
    assert dom.count('<details id="agreement-') == checked
    assert "<title>Agreement review memo</title>" in dom
    assert "duplicate-key" in dom and "QS-AUDIT" in dom
    # The browser built no element from the agreement's text: it stayed text.
    assert "<img" not in dom and "&lt;img src=x onerror=alert(1)&gt;" in dom
