"""``qrules diff`` as text: per agreement the term moves (weaker first), the changed fields,
the findings new, fixed and unchanged, the waivers; then a summary line. Values from the
agreements go through ``printable``, as in the check report."""

from __future__ import annotations

from qrules.model.diff import FIXED, WEAKER, AgreementDiff, DiffReport, Side, TermMove
from qrules.report.text import printable


def render(report: DiffReport) -> str:
    lines: list[str] = []
    for agreement in report.agreements:
        lines += _agreement(agreement)
    lines.append(summary_line(report))
    return "\n".join(lines) + "\n"


def _agreement(a: AgreementDiff) -> list[str]:
    lines = [f"{printable(a.old)} → {printable(a.new)}"]
    if not a.fields:
        return [*lines, "  no field changed", ""]
    lines += ["  terms:"] if a.terms else []
    lines += [f"    {_move(move)}" for move in sorted(a.terms, key=_weaker_first)]
    lines.append("  fields:")
    lines += [
        f"    {c.kind:<8} {printable(c.path)}: {_side(c.old)} → {_side(c.new)}" for c in a.fields
    ]
    if a.findings:
        lines.append("  findings:")
        for change in a.findings:
            f, where = change.finding, a.old if change.state == FIXED else a.new
            lines.append(
                f"    {change.state:<9} {printable(where)}:{f.line}:{f.column}: {f.severity} "
                f"{printable(f.rule)} {printable(f.message)}" + (" [waived]" if f.waived else "")
            )
    if a.waivers:
        lines.append("  waivers:")
        lines += [
            f"    {w.change:<8} {printable(w.rule)}" + (f" (line {w.line})" if w.line else "")
            + (f", approved by {printable(w.approved_by)}" if w.approved_by else "")
            + (f", expires {printable(w.expires)}" if w.expires else "")
            for w in a.waivers
        ]  # fmt: skip
    return [*lines, ""]


def _weaker_first(move: TermMove) -> tuple[bool, int]:
    return (move.direction != WEAKER, move.order)


def _move(move: TermMove) -> str:
    return (
        f"{move.direction:<8} {printable(move.party)}: {printable(move.term)} "
        f"{printable(move.title)} {_side(move.old)} → {_side(move.new)}; "
        f"{move.moved}: {printable(move.requires)}"
    )


def _side(side: Side) -> str:
    if side.value is None:
        return "(absent)"
    return printable(side.value) + (f" (line {side.line})" if side.line else "")


def summary_line(report: DiffReport) -> str:
    s = report.summary()
    agreements = "agreement" if s["agreements"] == 1 else "agreements"
    return (
        f"{s['agreements']} {agreements} compared: {s['fields']} fields changed; terms "
        f"{s['weaker']} weaker, {s['stronger']} stronger, {s['neutral']} neutral; findings "
        f"{s['new']} new, {s['fixed']} fixed, {s['unchanged']} unchanged"
    )
