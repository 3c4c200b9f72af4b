"""``path:line:col: severity RULE message``, a hint line, and a summary; colour on a TTY."""

from __future__ import annotations

from qrules.findings import CheckReport, Finding

COLOURS = {"error": "\033[31m", "warning": "\033[33m", "note": "\033[36m"}
DIM, BOLD, RESET = "\033[2m", "\033[1m", "\033[0m"


def render(report: CheckReport, *, colour: bool = False, hints: bool = True) -> str:
    lines: list[str] = []
    for document in report.documents:
        for finding in document.findings:
            lines.append(_line(document.path, finding, colour))
            if hints and finding.hint and not finding.waived:
                lines.append(_paint(f"    hint: {finding.hint}", DIM, colour))
    lines.append(summary_line(report, colour))
    return "\n".join(lines) + "\n"


def _line(path: str, finding: Finding, colour: bool) -> str:
    severity = _paint(finding.severity, COLOURS[finding.severity], colour)
    text = f"{path}:{finding.line}:{finding.column}: {severity} {finding.rule} {finding.message}"
    if finding.waived and finding.waiver:
        who, until = finding.waiver.get("approved_by"), finding.waiver.get("expires")
        text += f" [waived by {who}" + (f" until {until}]" if until else "]")
    return text


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
    return _paint(text, BOLD, colour)


def _paint(text: str, code: str, colour: bool) -> str:
    return f"{code}{text}{RESET}" if colour else text
