"""``path:line:col: severity RULE message``, a hint line, and a summary; colour on a TTY.

Text from agreements (values in messages, file names) goes through :func:`printable`, so
one finding is one line: a newline in a product name cannot forge a second
``file:line:col: error`` line, and an escape sequence cannot reach the terminal.
"""

from __future__ import annotations

import re

from qrules.model.findings import CheckReport, DocumentResult, Finding

COLOURS = {"error": "\033[31m", "warning": "\033[33m", "note": "\033[36m"}
DIM, BOLD, RESET = "\033[2m", "\033[1m", "\033[0m"

# C0 and C1 controls and DEL (newlines, ESC, and CSI U+009B, which some terminals obey
# like ESC [), line and paragraph separators, and the bidirectional controls that can
# make a line read differently from what it says ("Trojan Source").
_UNPRINTABLE = re.compile("[\x00-\x1f\x7f-\x9f\u2028\u2029\u200e\u200f\u202a-\u202e\u2066-\u2069]")
_NAMED = {"\n": "\\n", "\r": "\\r", "\t": "\\t"}


def render(report: CheckReport, *, colour: bool = False, hints: bool = True) -> str:
    lines = [line for d in report.documents for line in document_lines(d, colour, hints)]
    lines += fixed_lines(report)
    lines.append(summary_line(report, colour))
    return "\n".join(lines) + "\n"


def fixed_lines(report: CheckReport) -> list[str]:
    """The findings gone since the baseline; not ``file:line:col: severity``: not findings now."""
    return [
        f"fixed since the baseline: {printable(path)}:{finding.line} "
        f"{printable(finding.rule)} {printable(finding.message)}"
        for path, finding in report.fixed
    ]


def document_lines(document: DocumentResult, colour: bool = False, hints: bool = True) -> list[str]:
    """One agreement's lines: each finding, with its hint below it."""
    lines = []
    for finding in document.findings:
        lines.append(_line(document.path, finding, colour))
        if hints and finding.hint and not finding.waived:
            lines.append(_paint(f"    hint: {printable(finding.hint)}", DIM, colour))
    return lines


def _line(path: str, finding: Finding, colour: bool) -> str:
    severity = _paint(finding.severity, COLOURS[finding.severity], colour)
    location = f"{printable(path)}:{finding.line}:{finding.column}"
    text = f"{location}: {severity} {printable(finding.rule)} {printable(finding.message)}"
    if finding.waived and finding.waiver:
        who, until = finding.waiver.get("approved_by"), finding.waiver.get("expires")
        text += f" [waived by {printable(who)}" + (f" until {printable(until)}]" if until else "]")
    if finding.baseline == "unchanged":
        text += " [unchanged: in the baseline]"
    return text


def printable(text: object) -> str:
    """``text`` on one line with nothing a terminal acts on: controls as visible escapes
    (``\\n``, ``\\x1b``, ``\\u202e``), like Python's repr. Backslashes stay as they are,
    so Windows paths and regular expressions read unchanged."""
    return _UNPRINTABLE.sub(_escape, str(text))


def _escape(match: re.Match[str]) -> str:
    char = match.group()
    if char in _NAMED:
        return _NAMED[char]
    return f"\\x{ord(char):02x}" if ord(char) < 0x100 else f"\\u{ord(char):04x}"


def summary_line(report: CheckReport, colour: bool = False) -> str:
    s = report.summary()
    agreements = "agreement" if s["documents"] == 1 else "agreements"
    counts = ", ".join(
        f"{s[key]} {key[:-1] if s[key] == 1 else key}" for key in ("errors", "warnings", "notes")
    )
    text = (
        f"{s['documents']} {agreements} checked: {s['passed']} passed, {s['failed']} failed"
        f" ({counts}, {s['waived']} waived)"
    )
    if report.baseline is not None:
        text += (
            f"; against {printable(report.baseline)}: {s['new']} new, {s['unchanged']} "
            f"unchanged, {s['fixed']} fixed"
        )
    return _paint(text, BOLD, colour)


def _paint(text: str, code: str, colour: bool) -> str:
    return f"{code}{text}{RESET}" if colour else text
