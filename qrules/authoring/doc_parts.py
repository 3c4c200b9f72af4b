"""What ``qrules doc`` says to a reader who does not write rules: a term's tiers as a table
(what is preferred, what is acceptable with whose approval, what is rejected and why), and a
message or hint with each ``{...}`` placeholder named and described."""

from __future__ import annotations

from dataclasses import dataclass

from qrules.syntax import ast
from qrules.syntax.format import condition, expr


@dataclass(frozen=True)
class TierRow:
    position: str  # Preferred | Acceptable with approval | Acceptable | Rejected
    values: str  # the condition as written, or what is left after the earlier tiers
    approval: str
    reason: str
    written: bool = True  # values is a condition as written (shown as code)


def tier_rows(term: ast.Term) -> list[TierRow]:
    rows = []
    for index, tier in enumerate(term.tiers):
        if tier.condition is not None:
            values = condition(tier.condition)
        else:
            values = "any other value" if index else "any value"
        rows.append(
            TierRow(
                _position(tier),
                values,
                tier.approval or "",
                tier.reason or "",
                tier.condition is not None,
            )
        )
    return rows


def _position(tier: ast.Tier) -> str:
    if tier.kind == "prefer":
        return "Preferred"
    if tier.kind == "accept":
        return "Acceptable with approval" if tier.approval else "Acceptable (a fallback)"
    return "Rejected"


@dataclass(frozen=True)
class Placeholder:
    label: str  # what the text shows in place of {...}
    meaning: str  # what it stands for, in words; `code` where it names fields


def template_parts(
    template: ast.Template, node: ast.Rule | ast.Term, shared: dict[str, str] | None = None
) -> tuple[list[str | Placeholder], list[Placeholder]]:
    """The template as text and placeholders, and each distinct placeholder once.
    ``shared``: the ruleset's top-level lets and params, name → "let" or "param"."""
    elements = _elements(node)
    lets = {let.name: "let" for let in node.lets} if isinstance(node, ast.Rule) else {}
    named = {**(shared or {}), **lets}
    parts: list[str | Placeholder] = []
    seen: dict[str, Placeholder] = {}
    for part in template.parts:
        if isinstance(part, str):
            parts.append(part)
            continue
        written = expr(part)
        if written not in seen:
            described = _describe(part, elements, named)
            if any(other.label == described.label for other in seen.values()):
                described = Placeholder(_short(written), described.meaning)  # two `notification`s
            seen[written] = described
        parts.append(seen[written])
    return parts, list(seen.values())


def markdown_template(
    template: ast.Template, node: ast.Rule | ast.Term, shared: dict[str, str] | None = None
) -> list[str]:
    """The text with ‹placeholders›, then what each one stands for."""
    parts, placeholders = template_parts(template, node, shared)
    text = "".join(p if isinstance(p, str) else f"‹{p.label}›" for p in parts)
    return [text] + [f"  - ‹{p.label}›: {p.meaning}" for p in placeholders]


def _elements(node: ast.Rule | ast.Term) -> dict[str, str]:
    """Element variables of the rule's quantifiers: name → the list they range over."""
    if not isinstance(node, ast.Rule):
        return {}
    found = {}
    for require in node.requires:
        if isinstance(require.condition, (ast.Quantifier, ast.Count)):
            found[require.condition.var] = expr(require.condition.iterable)
    return found


def _describe(node: ast.Expr, elements: dict[str, str], named: dict[str, str]) -> Placeholder:
    written = expr(node)
    if not isinstance(node, ast.Path):
        return Placeholder(_short(written), f"`{written}`, computed from the agreement")
    fields = [s.name for s in node.segments if isinstance(s, ast.Field)]
    if node.root in elements:
        label = fields[-1] if fields else node.root
        return Placeholder(label, f"the `{label}` of each entry of `{elements[node.root]}`")
    if node.root in named:
        param = named[node.root] == "param"
        kind = (
            "set by the repository, else the ruleset's default" if param else "computed by the rule"
        )
        shown = f"`{written}`, " if len(written) <= 40 and written != node.root else ""
        return Placeholder(node.root, f"{shown}{kind} (`{named[node.root]} {node.root}`)")
    return Placeholder(fields[-1] if fields else node.root, f"the agreement's `{written}`")


def _short(written: str) -> str:
    """A label for a computed value: its text when short, else its first word."""
    return written if len(written) <= 30 else written.split("(", 1)[0].split("[", 1)[0] + "…"
