"""The HTML batch report, as a real browser reads it."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from tests.helpers import REPO, browser_dom, outline, run_cli

Write = Callable[[str, str | bytes], Path]
QUICKSTART = REPO / "examples" / "quickstart"


def report(tmp_path: Path, *paths: str) -> tuple[int, Path]:
    target = tmp_path / "report.html"
    result = run_cli(
        "check",
        *paths,
        "-r",
        str(QUICKSTART / "policy.qr"),
        "--today",
        "2026-11-26",
        "--format",
        "html",
        "--output",
        str(target),
    )
    return result.exit_code, target


def test_the_report_is_one_self_contained_page(tmp_path: Path) -> None:
    code, page = report(tmp_path, str(QUICKSTART))
    assert code == 1
    text = page.read_text(encoding="utf-8")
    parsed = outline(text)
    assert not [t for t, a in parsed.tags if t in ("script", "link", "img")]
    assert "http://" not in text and "https://" not in text
    documents = [a for t, a in parsed.tags if t == "details"]
    assert len(documents) == 3
    # Agreements that fail come first and open; passing ones are folded.
    assert [("open" in a) for a in documents] == [True, True, False]
    words = " ".join(" ".join(parsed.text).split())
    assert "3 agreements 1 passed 2 failed 6 errors 1 warnings 1 notes 0 waived" in words
    assert "QS-AUDIT" in words and "The agreement does not let us audit" in words


def test_agreement_text_cannot_inject_markup(tmp_path: Path, write: Write) -> None:
    evil = (
        (QUICKSTART / "conflicting.yaml")
        .read_text(encoding="utf-8")
        .replace("part_number: rs-6631", 'part_number: "<img src=x onerror=alert(1)><b>rs</b>"')
    )
    agreement = write("evil.yaml", evil)
    _, page = report(tmp_path, str(agreement))
    parsed = outline(page.read_text(encoding="utf-8"))
    assert not [t for t, _ in parsed.tags if t in ("img", "b")]
    assert any("<img src=x onerror=alert(1)><b>rs</b>" in t for t in parsed.text)


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
    assert dom.count("<details") == checked
    assert "<title>qrules report</title>" in dom
    assert "duplicate-key" in dom and "QS-AUDIT" in dom
    # The browser built no element from the agreement's text: it stayed text.
    assert "<img" not in dom and "&lt;img src=x onerror=alert(1)&gt;" in dom
