"""The evidence section every memo and page ends with: which qrules, rulesets and schema
judged which bytes, as of which date, and when the report was made."""

from __future__ import annotations

from collections.abc import Iterable

from qrules.model.evidence import Evidence
from qrules.report.md import code, escape, table

Hashed = tuple[str, str | None]  # (path, sha256)


def markdown(evidence: Evidence | None, agreements: Iterable[Hashed]) -> list[str]:
    if evidence is None:
        return []
    schema = evidence.schema_sha256
    lines = [
        "## Evidence",
        "",
        f"- **qrules:** {escape(evidence.qrules)}",
        *([f"- **Checked as of:** {evidence.today.isoformat()}"] if evidence.today else []),
        f"- **Report made:** {evidence.timestamp}",
        f"- **Schema:** {escape(evidence.schema)}" + (f", sha256 {code(schema)}" if schema else ""),
        "",
    ]
    rows = [
        [
            escape(str(r["name"])),
            escape(str(r["version"] or "—")),
            code(str(r["path"]), in_table=True),
            code(str(r["sha256"]), in_table=True),
        ]
        for r in evidence.rulesets
    ]
    lines += table(["Ruleset", "Version", "File", "sha256"], rows)
    hashed = [
        [code(path, in_table=True), code(sha or "not read", in_table=True)]
        for path, sha in agreements
    ]
    return lines + (table(["Agreement", "sha256"], hashed) if hashed else [])
