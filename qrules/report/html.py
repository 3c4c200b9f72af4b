"""One self-contained HTML page for a batch: a summary, every agreement, every finding.

No scripts and no external resources: the page opens from a file share or an e-mail
attachment. Agreements that need attention come first and are open; passing ones are
folded away, so a report on thousands of contracts stays readable. Every piece of text
that comes from an agreement or a ruleset is escaped.
"""

from __future__ import annotations

import html
from collections import Counter

from qrules.findings import SEVERITY_RANK, CheckReport, DocumentResult, Finding

SEVERITIES = ("error", "warning", "note")


def render(report: CheckReport) -> str:
    documents = sorted(report.documents, key=lambda d: (_passes(d, report), d.path))
    body = [_summary(report), _index(documents, report)]
    body += [_document(d, i, report) for i, d in enumerate(documents)]
    checked = report.checked_on.isoformat() if report.checked_on else ""
    return PAGE.format(
        title="qrules report",
        meta=_h(f"qrules {report.version}" + (f", checked as of {checked}" if checked else "")),
        rulesets=_h(
            ", ".join(f"{r['name']} {r.get('version') or ''}".strip() for r in report.rulesets)
        ),
        body="\n".join(body),
        style=STYLE,
    )


def _passes(document: DocumentResult, report: CheckReport) -> bool:
    return document.status(report.fail_on) == "pass"


def _summary(report: CheckReport) -> str:
    s = report.summary()
    cards = [
        ("agreements", s["documents"], ""),
        ("passed", s["passed"], "pass"),
        ("failed", s["failed"], "fail"),
        ("errors", s["errors"], "error"),
        ("warnings", s["warnings"], "warning"),
        ("notes", s["notes"], "note"),
        ("waived", s["waived"], ""),
    ]
    items = "".join(
        f'<div class="card {kind}"><span class="n">{count}</span> {label}</div>'
        for label, count, kind in cards
    )
    return f'<section class="summary" aria-label="summary">{items}</section>'


def _index(documents: list[DocumentResult], report: CheckReport) -> str:
    rows = "".join(
        f'<tr><td><a href="#doc-{i}">{_h(d.path)}</a></td>'
        f'<td><span class="badge {d.status(report.fail_on)}">{d.status(report.fail_on)}</span></td>'
        + "".join(f"<td>{_counts(d)[s] or ''}</td>" for s in SEVERITIES)
        + "</tr>"
        for i, d in enumerate(documents)
    )
    head = "".join(f"<th>{s}s</th>" for s in SEVERITIES)
    return (
        '<table class="index"><thead><tr><th>agreement</th><th>status</th>'
        f"{head}</tr></thead><tbody>{rows}</tbody></table>"
    )


def _counts(document: DocumentResult) -> Counter[str]:
    return Counter(f.severity for f in document.findings if not f.waived)


def _document(document: DocumentResult, index: int, report: CheckReport) -> str:
    status = document.status(report.fail_on)
    opened = " open" if status == "fail" else ""
    if document.findings:
        content = _findings(document.findings)
    else:
        content = '<p class="clean">No findings.</p>'
    return (
        f'<details id="doc-{index}" class="document {status}"{opened}>'
        f'<summary><span class="badge {status}">{status}</span> {_h(document.path)}'
        f' <span class="count">{_describe(document)}</span></summary>{content}</details>'
    )


def _describe(document: DocumentResult) -> str:
    counts = _counts(document)
    parts = [f"{counts[s]} {s}{'s' if counts[s] != 1 else ''}" for s in SEVERITIES if counts[s]]
    waived = sum(f.waived for f in document.findings)
    return ", ".join(parts + ([f"{waived} waived"] if waived else [])) or "clean"


def _findings(findings: tuple[Finding, ...]) -> str:
    ordered = sorted(findings, key=lambda f: (f.waived, -SEVERITY_RANK[f.severity], f.sort_key))
    rows = "".join(_finding(f) for f in ordered)
    return (
        '<table class="findings"><thead><tr><th>where</th><th>severity</th><th>rule</th>'
        f"<th>what</th></tr></thead><tbody>{rows}</tbody></table>"
    )


def _finding(finding: Finding) -> str:
    details = []
    if finding.hint:
        details.append(f'<div class="hint">{_h(finding.hint)}</div>')
    if finding.tier == "accept" and finding.approval:
        details.append(f'<div class="approval">needs approval by {_h(finding.approval)}</div>')
    if finding.refs:
        details.append(f'<div class="refs">{_h("; ".join(finding.refs))}</div>')
    if finding.waived and finding.waiver:
        waiver = finding.waiver
        details.append(
            f'<div class="waiver">waived by {_h(str(waiver.get("approved_by", "")))}'
            + (f" until {_h(str(waiver['expires']))}" if waiver.get("expires") else "")
            + (f": {_h(str(waiver['reason']))}" if waiver.get("reason") else "")
            + "</div>"
        )
    row_class = "waived" if finding.waived else finding.severity
    return (
        f'<tr class="{row_class}"><td class="where">{finding.line}:{finding.column}'
        f'<div class="path">{_h(finding.path)}</div></td>'
        f'<td><span class="sev {finding.severity}">{finding.severity}</span></td>'
        f'<td class="rule" title="{_h(finding.title)}">{_h(finding.rule)}</td>'
        f"<td>{_h(finding.message)}{''.join(details)}</td></tr>"
    )


def _h(text: str) -> str:
    return html.escape(str(text), quote=True)


STYLE = """
body { font: 14px/1.45 system-ui, -apple-system, "Segoe UI", sans-serif; margin: 2em auto;
       max-width: 72em; padding: 0 1em; color: #1d1d1f; }
h1 { margin-bottom: 0; } .meta { color: #555; margin-top: .2em; }
.summary { display: flex; flex-wrap: wrap; gap: .6em; margin: 1.2em 0; }
.card { border: 1px solid #ddd; border-radius: 6px; padding: .5em .9em; }
.card .n { font-size: 1.6em; font-weight: 600; display: block; }
.card.fail .n, .card.error .n { color: #b00020; } .card.pass .n { color: #1e7b34; }
.card.warning .n { color: #a15c00; } .card.note .n { color: #00639b; }
table { border-collapse: collapse; width: 100%; margin: .6em 0 1.2em; }
th, td { text-align: left; vertical-align: top; padding: .35em .6em;
         border-bottom: 1px solid #eee; }
th { font-weight: 600; background: #fafafa; }
.badge, .sev { border-radius: 4px; padding: 0 .45em; font-size: .85em; font-weight: 600; }
.badge.fail, .sev.error { background: #fde7ea; color: #b00020; }
.badge.pass { background: #e3f4e8; color: #1e7b34; }
.sev.warning { background: #fff1dc; color: #a15c00; }
.sev.note { background: #e2f1fb; color: #00639b; }
tr.waived { opacity: .6; }
details.document { border: 1px solid #ddd; border-radius: 6px; margin: .7em 0; padding: .3em .8em; }
details.document summary { cursor: pointer; font-weight: 600; padding: .3em 0; }
.count { color: #555; font-weight: normal; margin-left: .5em; }
.where { white-space: nowrap; font-family: ui-monospace, monospace; }
.path { color: #777; font-size: .85em; }
.rule { font-family: ui-monospace, monospace; white-space: nowrap; }
.hint { color: #444; font-style: italic; margin-top: .2em; }
.approval, .waiver, .refs { color: #555; font-size: .9em; margin-top: .2em; }
.clean { color: #1e7b34; }
@media print { details.document { break-inside: avoid; } }
"""

PAGE = """<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{title}</title>
<style>{style}</style>
</head>
<body>
<h1>{title}</h1>
<p class="meta">{meta}; rulesets: {rulesets}</p>
{body}
</body>
</html>
"""
