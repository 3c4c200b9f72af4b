"""Documentation of rulesets: ``qrules explain RULE`` and ``qrules doc RULESET``.

Both read the rulesets' AST and source (never evaluate anything): a rule's title,
severity, refs, scope, source text, hint and the test agreements that exercise it.
"""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass
from pathlib import Path

from qrules.authoring.doc_parts import markdown_template, template_parts, tier_rows
from qrules.authoring.testing import read_header
from qrules.errors import UsageError
from qrules.ruleset import Ruleset, read_ruleset_text
from qrules.syntax import ast
from qrules.syntax.format import expr

ITEM = re.compile(r"\s+[a-z]\)$")  # "8.4.3 f)" → "8.4.3"


@dataclass(frozen=True)
class Entry:
    """One rule or term with the ruleset it belongs to."""

    node: ast.Rule | ast.Term
    ruleset: Ruleset

    @property
    def location(self) -> str:
        return f"{self.ruleset.path}:{self.node.span.line}"

    def source_text(self) -> str:
        text = read_ruleset_text(Path(self.ruleset.file or self.ruleset.path))
        lines = text.splitlines()
        span = self.node.span
        return "\n".join(lines[span.line - 1 : span.end_line])

    def kind(self) -> str:
        return "rule" if isinstance(self.node, ast.Rule) else "term"


def entries(rulesets: tuple[Ruleset, ...]) -> list[Entry]:
    return [Entry(node, r) for r in rulesets for node in r.syntax.rules]


def find(rule_id: str, rulesets: tuple[Ruleset, ...]) -> Entry:
    everything = entries(rulesets)
    for entry in everything:
        if entry.node.id == rule_id:
            return entry
    ids = [e.node.id for e in everything]
    close = difflib.get_close_matches(rule_id, ids, n=3)
    hint = f"did you mean {', '.join(close)}?" if close else "list them with `qrules doc`"
    raise UsageError(f"no rule {rule_id} in the loaded rulesets", source=rule_id, hint=hint)


def scope_text(node: ast.Rule | ast.Term) -> str:
    guards = ([node.scope] if node.scope is not None else []) + list(node.when)
    return " and ".join(expr(g) for g in guards) or "every agreement"


def examples(entry: Entry) -> list[str]:
    """The ruleset's test agreements that expect this rule to fire, then those that pass."""
    folder = Path(entry.ruleset.file or entry.ruleset.path).parent
    tests, shown = folder / "tests", Path(entry.ruleset.path).parent / "tests"
    firing, passing = [], []
    for path in sorted(tests.glob("*")) if tests.is_dir() else []:
        try:
            expected, _ = read_header(path)
        except (OSError, UsageError):
            continue
        if expected is None:
            continue
        pinned = [e for e in expected if e.rule == entry.node.id]
        if pinned:
            details = [f"line {pinned[0].line}"] if pinned[0].line else []
            details += [pin for pin in (pinned[0].tier, pinned[0].severity) if pin]
            where = f" ({', '.join(details)})" if details else ""
            firing.append(f"{shown / path.name}: fires{where}")
        elif not expected:
            passing.append(f"{shown / path.name}: passes")
    return firing + passing


def explain(entry: Entry) -> str:
    node = entry.node
    lines = [f"{node.id}: {node.title}", ""]
    lines.append(f"  {entry.kind():<9} in ruleset {entry.ruleset.name} ({entry.location})")
    lines.append(f"  severity  {node.severity}")
    lines.append(f"  refs      {'; '.join(node.refs) or '(none)'}")
    lines.append(f"  applies   {scope_text(node)}")
    if node.hint is not None:
        lines.append(f"  hint      {node.hint.text}")
    lines += ["", *(f"  {line}" for line in entry.source_text().splitlines())]
    found = examples(entry)
    lines += ["", "  examples:" if found else "  examples: none in the ruleset's tests/"]
    lines += [f"    {example}" for example in found]
    return "\n".join(lines) + "\n"


# ---------------------------------------------------------------------------- doc pages


def clause_of(node: ast.Rule | ast.Term) -> str:
    """Group rules by the clause they cite: ``ISO 9001:2015 8.4.3 f)`` → ``ISO 9001:2015 8.4.3``."""
    return ITEM.sub("", node.refs[0]) if node.refs else "Other"


def grouped(ruleset: Ruleset) -> dict[str, list[ast.Rule | ast.Term]]:
    groups: dict[str, list[ast.Rule | ast.Term]] = {}
    for node in ruleset.syntax.rules:
        groups.setdefault(clause_of(node), []).append(node)
    return dict(sorted(groups.items(), key=lambda item: _clause_key(item[0])))


def _clause_key(clause: str) -> tuple[object, ...]:
    numbers = re.findall(r"\d+", clause.rsplit(" ", 1)[-1])
    return (clause == "Other", re.sub(r"[\d.]+$", "", clause), [int(n) for n in numbers])


def markdown(rulesets: tuple[Ruleset, ...], title: str | None = None) -> str:
    lines = [f"# {title}", ""] if title else []
    level = "##" if title else "#"
    for ruleset in rulesets:
        lines += _markdown_ruleset(ruleset, level)
    return "\n".join(lines).rstrip("\n") + "\n"


def _markdown_ruleset(ruleset: Ruleset, level: str) -> list[str]:
    heading = f"{level} {ruleset.name}" + (f": {ruleset.title}" if ruleset.title else "")
    count = len(ruleset.syntax.rules)
    lines = [
        heading,
        "",
        f"Version {ruleset.version or '-'}, {count} rules and terms, source `{ruleset.path}`.",
        "",
    ]
    lines += ["| id | title | severity | refs | applies to |", "|---|---|---|---|---|"]
    for node in ruleset.syntax.rules:
        lines.append(
            f"| [{node.id}](#{_anchor(node.id)}) | {_cell(node.title)} | "
            f"{node.severity} | {_cell('; '.join(node.refs))} | "
            f"{_cell(scope_text(node))} |"
        )
    lines.append("")
    for clause, nodes in grouped(ruleset).items():
        lines += [f"{level}# {clause}", ""]
        for node in nodes:
            lines += _markdown_node(node, level + "##", shared_names(ruleset))
    return lines


def shared_names(ruleset: Ruleset) -> dict[str, str]:
    """The ruleset's top-level lets and params, for what message placeholders stand for."""
    return {c.name: "param" if c.param else "let" for c in ruleset.syntax.constants}


def _markdown_node(node: ast.Rule | ast.Term, level: str, shared: dict[str, str]) -> list[str]:
    lines = [
        f"{level} {node.id}",
        "",
        f"**{node.title}** ({node.severity}; {'; '.join(node.refs) or 'no ref'})",
        "",
    ]
    lines.append(f"Applies to: `{scope_text(node)}`")
    lines.append("")
    if isinstance(node, ast.Rule):
        lines += [f"Requires: `{expr(r.condition)}`" for r in node.requires]
        if node.message is not None:
            message = markdown_template(node.message, node, shared)
            lines += ["", f"Message: {message[0]}", *message[1:]]
    else:
        lines += [f"Position on `{expr(node.at)}`:", ""]
        lines += ["| position | values | approval by | why |", "|---|---|---|---|"]
        lines += [
            f"| {row.position} | {_code(row.values) if row.written else row.values} | "
            f"{_cell(row.approval)} | "
            f"{_cell(row.reason)} |"
            for row in tier_rows(node)
        ]
    if node.hint is not None:
        hint = markdown_template(node.hint, node, shared)
        lines += ["", f"Hint: {hint[0]}", *hint[1:]]
    return [*lines, ""]


def _anchor(rule_id: str) -> str:
    return re.sub(r"[^a-z0-9\-]", "", rule_id.lower())


def _code(text: str) -> str:
    return f"`{_cell(text)}`"


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def html_page(rulesets: tuple[Ruleset, ...], title: str) -> str:
    """The reference page in the reports' page shell and stylesheet (templates/ruledoc.html.j2)."""
    from qrules import __version__
    from qrules.report import templating

    pages = [
        {
            "name": ruleset.name,
            "title": ruleset.title or "",
            "version": ruleset.version or "-",
            "path": str(ruleset.path),
            "clauses": [
                (clause, [_html_node(n, shared_names(ruleset)) for n in nodes])
                for clause, nodes in grouped(ruleset).items()
            ],
        }
        for ruleset in rulesets
    ]
    return templating.render("ruledoc.html.j2", title=title, version=__version__, rulesets=pages)


def _html_node(node: ast.Rule | ast.Term, shared: dict[str, str]) -> dict[str, object]:
    data: dict[str, object] = {
        "id": node.id,
        "anchor": _anchor(node.id),
        "title": node.title,
        "severity": node.severity,
        "refs": "; ".join(node.refs) or "no ref",
        "scope": scope_text(node),
        "hint": _html_template(node.hint, node, shared),
    }
    if isinstance(node, ast.Rule):
        checks = [expr(r.condition) for r in node.requires]
        return data | {
            "checks": checks,
            "at": None,
            "tiers": [],
            "message": _html_template(node.message, node, shared),
        }
    return data | {"checks": [], "at": expr(node.at), "tiers": tier_rows(node), "message": None}


def _html_template(
    template: ast.Template | None, node: ast.Rule | ast.Term, shared: dict[str, str]
) -> object:
    if template is None:
        return None
    parts, placeholders = template_parts(template, node, shared)
    return {"parts": parts, "placeholders": placeholders}
