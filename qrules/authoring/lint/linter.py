"""The checks of one parsed ruleset: field paths against the schema, types of what is
compared or combined, enum values, regular expressions, unused lets, missing refs."""

from __future__ import annotations

import difflib
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from qrules.authoring.lint.tiers import empty_tiers, unreachable_tiers
from qrules.authoring.lint.types import (
    ANY,
    ARITHMETIC,
    BOOLEAN,
    NUMBER,
    ORDERED_KINDS,
    SchemaTypes,
    Type,
    function_result,
    literal_type,
)
from qrules.compile import compile_regex
from qrules.errors import QrulesError
from qrules.model.values import show
from qrules.syntax import ast


@dataclass(frozen=True, order=True)
class LintFinding:
    source: str
    line: int
    column: int
    check: str
    severity: str
    message: str
    hint: str | None = None

    def to_json(self) -> dict[str, Any]:
        return {
            "file": self.source,
            "line": self.line,
            "column": self.column,
            "check": self.check,
            "severity": self.severity,
            "message": self.message,
            "hint": self.hint,
        }


class Linter:
    """Walks one ruleset's AST with types from the schema; collects findings."""

    def __init__(self, source: str, text: str, types: SchemaTypes | None) -> None:
        self.source, self.text, self.types = source, text, types
        self.findings: list[LintFinding] = []
        self.used: set[str] = set()
        self.constants: dict[str, Type] = {}  # the ruleset's top-level lets and params

    def report(
        self,
        span: ast.Span,
        check: str,
        message: str,
        hint: str | None = None,
        severity: str = "error",
    ) -> None:
        self.findings.append(
            LintFinding(
                self.source, span.line or 1, span.column or 1, check, severity, message, hint
            )
        )

    # ------------------------------------------------------------------ statements
    def ruleset(self, syntax: ast.RulesetFile) -> None:
        for constant in syntax.constants:
            self.constants[constant.name] = self.expr(constant.value, self.constants)
        for statement in syntax.statements:
            if isinstance(statement, ast.ScopeStatement):
                self.expr(statement.condition, dict(self.constants))
            elif isinstance(statement, ast.Rule):
                self.rule(statement)
            else:
                self.term(statement)

    def rule(self, rule: ast.Rule) -> None:
        self._missing_ref(rule)
        if not rule.requires:
            self.report(
                rule.span,
                "no-require",
                f"{rule.id} requires nothing, so it can never fire",
                "add `require CONDITION`: what the agreement must say",
            )
        names: dict[str, Type] = dict(self.constants)
        for guard in rule.when:
            self.expr(guard, names)
        self.used = set()
        for let in rule.lets:
            names[let.name] = self.expr(let.value, names)
        elements = dict(names)
        for require in rule.requires:
            self.expr(require.condition, names)
            condition = require.condition
            if isinstance(condition, ast.Quantifier) and condition.kind == "all":
                elements[condition.var] = self._element(condition, names)
        for template in (rule.message, rule.hint):
            if template is not None:
                self._template(template, elements)
        for let in rule.lets:
            if let.name not in self.used:
                self.report(
                    let.span,
                    "unused-let",
                    f"`let {let.name}` is never used",
                    "remove it, or use it in a require or message",
                    "warning",
                )

    def term(self, term: ast.Term) -> None:
        self._missing_ref(term)
        for guard in term.when:
            self.expr(guard, dict(self.constants))
        value = self.expr(term.at, dict(self.constants))
        for tier in term.tiers:
            if tier.condition is None:
                continue
            for operand in tier.condition.operands:
                operand_type = self.expr(operand, dict(self.constants))
                self._comparable(value, operand_type, tier.condition.op, operand, tier.span)
        unreachable = dict(unreachable_tiers(term.tiers))
        empty = empty_tiers(term) or []
        if len(empty) == len(term.tiers):
            self.report(
                term.span,
                "no-reachable-tier",
                f"no tier of {term.id} can ever decide: no value satisfies any of them",
                "check the bounds (`between LOW and HIGH`, low first)",
            )
            return
        for index in empty:
            unreachable.setdefault(
                term.tiers[index].span,
                f"this `{term.tiers[index].kind}` tier is never reached: no value satisfies it "
                "that an earlier tier does not already decide",
            )
        for position, message in unreachable.items():
            self.report(
                position,
                "unreachable-tier",
                message,
                "reorder the tiers or remove this one",
                "warning",
            )
        if term.hint is not None:
            self._template(term.hint, dict(self.constants))

    def _missing_ref(self, node: ast.Rule | ast.Term) -> None:
        if not node.refs:
            self.report(
                node.span,
                "missing-ref",
                f"{node.id} cites no source",
                'add `ref "..."` with the clause or policy it comes from',
                "warning",
            )

    def _template(self, template: ast.Template, names: dict[str, Type]) -> None:
        for part in template.parts:
            if not isinstance(part, str):
                self.expr(part, names)

    def _element(self, node: ast.Quantifier, names: dict[str, Type]) -> Type:
        items = self.expr(node.iterable, names, report=False)
        return items.item or ANY if items.kind == "list" else ANY

    # ------------------------------------------------------------------ expressions
    def expr(self, node: ast.Expr, names: dict[str, Type], report: bool = True) -> Type:
        if not report:
            saved, self.findings = self.findings, []
            try:
                return self.expr(node, names)
            finally:
                self.findings = saved
        method: Callable[[Any, Any], Type] = getattr(self, f"_{type(node).__name__.lower()}")
        return method(node, names)

    def _literal(self, node: ast.Literal, names: dict[str, Type]) -> Type:
        return literal_type(node.value)

    def _listexpr(self, node: ast.ListExpr, names: dict[str, Type]) -> Type:
        kinds = [self.expr(item, names) for item in node.items]
        same = len({k.kind for k in kinds}) == 1
        return Type("list", item=kinds[0] if kinds and same else ANY)

    def _path(self, node: ast.Path, names: dict[str, Type]) -> Type:
        if node.root in names:
            self.used.add(node.root)
            current = names[node.root]
            where = node.root
        elif self.types is None:
            return ANY
        else:
            current, where = Type("record", schema=self.types.root), ""
            current = self._field(current, node.root, where, node.span)
            where = node.root
        for segment in node.segments:
            if isinstance(segment, ast.Index):
                self.expr(segment.index, names)
                current = current.item or ANY if current.kind == "list" else ANY
                where += "[…]"
            else:
                current = self._field(current, segment.name, where, segment.span)
                where += f".{segment.name}"
        return current

    def _field(self, record: Type, name: str, where: str, span: ast.Span) -> Type:
        if record.kind != "record" or self.types is None:
            return ANY
        found = self.types.field(record, name)
        if found is not None:
            return found
        known = self.types.names(record)
        close = difflib.get_close_matches(name, known, n=1)
        place = f"`{where}`" if where else "the agreement schema"
        self.report(
            span,
            "unknown-field",
            f"{place} has no field `{name}`",
            f"did you mean `{close[0]}`?" if close else f"fields: {', '.join(known)}",
        )
        return ANY

    def _unary(self, node: ast.Unary, names: dict[str, Type]) -> Type:
        operand = self.expr(node.operand, names)
        if node.op == "not":
            self._expect(operand, "boolean", "`not`", node.span)
            return BOOLEAN
        return operand

    def _binary(self, node: ast.Binary, names: dict[str, Type]) -> Type:
        if node.op in ast.LOGIC:
            for operand in ast.chain(node):
                found = self.expr(operand, names)
                self._expect(found, "boolean", f"`{node.op}`", operand.span)
            return BOOLEAN
        left, right = self.expr(node.left, names), self.expr(node.right, names)
        if node.op in ("==", "!=", "<", "<=", ">", ">="):
            self._comparable(left, right, node.op, node.right, node.span)
            return BOOLEAN
        if node.op in ("in", "not in", "contains"):
            element, container = (left, right) if node.op != "contains" else (right, left)
            value_node = node.left if node.op != "contains" else node.right
            list_node = node.right if node.op != "contains" else node.left
            self._membership(element, container, value_node, list_node, node.span)
            return BOOLEAN
        return self._arithmetic(node.op, left, right, node.span)

    def _matches(self, node: ast.Matches, names: dict[str, Type]) -> Type:
        operand = self.expr(node.operand, names)
        self._expect(operand, "string", "`matches`", node.span)
        try:
            compile_regex(node, self.source, self.text)
        except QrulesError as error:
            where = ast.Span(error.line or 1, error.column or 1, 0, 0)
            self.report(where, "invalid-regex", error.message, error.hint)
        return BOOLEAN

    def _call(self, node: ast.Call, names: dict[str, Type]) -> Type:
        args = [self.expr(arg, names) for arg in node.args]
        if node.name in ("min", "max", "abs") and args:
            first = args[0]
            return first.item or ANY if first.kind == "list" else first
        return function_result(node.name)

    def _quantifier(self, node: ast.Quantifier, names: dict[str, Type]) -> Type:
        items = self.expr(node.iterable, names)
        self._expect(items, "list", f"`{node.kind}`", node.iterable.span)
        inner = {**names, node.var: items.item or ANY if items.kind == "list" else ANY}
        self._expect(self.expr(node.body, inner), "boolean", f"`{node.kind}`", node.body.span)
        return BOOLEAN

    def _count(self, node: ast.Count, names: dict[str, Type]) -> Type:
        items = self.expr(node.iterable, names)
        self._expect(items, "list", "`count`", node.iterable.span)
        inner = {**names, node.var: items.item or ANY if items.kind == "list" else ANY}
        self._expect(self.expr(node.condition, inner), "boolean", "`where`", node.condition.span)
        return NUMBER

    # ------------------------------------------------------------------ type rules
    def _expect(self, found: Type, kind: str, where: str, span: ast.Span) -> None:
        if found.kind not in (kind, "any"):
            self.report(span, "type-mismatch", f"{where} needs a {kind}, this is a {found}")

    def _comparable(
        self, left: Type, right: Type, op: str, right_node: ast.Expr, span: ast.Span
    ) -> None:
        if op in ("in", "not in", "between"):
            if op == "between":
                return self._comparable(left, right, "<=", right_node, span)
            return self._membership(left, right, ast.Path("?"), right_node, span)
        kinds = {left.kind, right.kind}
        if "any" in kinds or "null" in kinds:
            return None
        if left.kind != right.kind:
            hint = _hint(left) if right.kind == "number" else self._quoted_hint(right_node)
            self.report(
                span,
                "type-mismatch",
                f"{left} compared with {right} using {op}: this never holds",
                hint,
            )
        elif op not in ("==", "!=") and left.kind not in ORDERED_KINDS:
            self.report(span, "type-mismatch", f"{op} cannot order {left} values")
        else:
            self._enum(left, right_node, span)
        return None

    def _membership(
        self,
        element: Type,
        container: Type,
        value_node: ast.Expr,
        list_node: ast.Expr,
        span: ast.Span,
    ) -> None:
        if container.kind == "string" and element.kind in ("string", "any"):
            return
        if container.kind not in ("list", "any"):
            self.report(span, "type-mismatch", f"`in` needs a list, this is a {container}")
            return
        item = container.item or ANY
        if "any" not in (item.kind, element.kind) and item.kind != element.kind:
            items = list_node.items if isinstance(list_node, ast.ListExpr) else ()
            self.report(
                span,
                "type-mismatch",
                f"a {element} is looked for in a list of {item}s: this never holds",
                next(filter(None, map(self._quoted_hint, [value_node, *items])), None),
            )
        if isinstance(list_node, ast.ListExpr):
            for value in list_node.items:
                self._enum(element, value, span)

    def _quoted_hint(self, node: ast.Expr) -> str | None:
        """Why a quoted literal is not text: it reads as a duration, percentage or date."""
        if not isinstance(node, ast.Literal) or isinstance(node.value, str) or not node.span.line:
            return None
        line = self.text.splitlines()[node.span.line - 1]
        if line[node.span.column - 1 : node.span.column] != '"':
            return None
        shown = show(node.value)
        return (
            f'"{shown}" reads as a {literal_type(node.value)} (as agreement text does), '
            f"quotes or not; to match the text itself, use matches /^{shown}$/"
        )

    def _enum(self, field_type: Type, value: ast.Expr, span: ast.Span) -> None:
        if field_type.enum is None or not isinstance(value, ast.Literal):
            return
        if value.value not in field_type.enum:
            allowed = ", ".join(show(v) for v in field_type.enum)
            close = difflib.get_close_matches(
                str(value.value), [str(v) for v in field_type.enum], n=1
            )
            hint = f"did you mean {close[0]!r}?" if close else f"allowed: {allowed}"
            self.report(
                value.span if value.span.line else span,
                "enum-value",
                f"{show(value.value)!r} is not a value the schema allows here",
                hint,
            )

    def _arithmetic(self, op: str, left: Type, right: Type, span: ast.Span) -> Type:
        kinds = (left.kind, right.kind)
        if "any" in kinds:
            return ANY
        result = ARITHMETIC.get((left.kind, op, right.kind))
        if result is None:
            self.report(span, "type-mismatch", f"cannot compute {left} {op} {right}")
            return ANY
        return result


def _hint(left: Type) -> str | None:
    examples = {
        "duration": "write durations with a unit: 30 days",
        "percentage": "write percentages with %: 80%",
        "date": "write dates as 2027-01-01",
    }
    return examples.get(left.kind)
