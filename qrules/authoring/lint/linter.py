"""The checks of one parsed ruleset: field paths against the schema, types of what is
compared or combined, enum values, regular expressions, unused lets, missing refs."""

from __future__ import annotations

import difflib
from collections.abc import Callable
from typing import Any

from qrules.authoring.lint.tiers import empty_tiers, unreachable_tiers
from qrules.authoring.lint.typerules import TypeRules
from qrules.authoring.lint.types import (
    ANY,
    BOOLEAN,
    NUMBER,
    Type,
    function_result,
    literal_type,
)
from qrules.authoring.lint.units import comparison, known, tier_mix
from qrules.compile import compile_regex, literal_value
from qrules.errors import QrulesError
from qrules.syntax import ast


class Linter(TypeRules):
    """Walks one ruleset's AST with types from the schema; collects findings."""

    # ------------------------------------------------------------------ statements
    def ruleset(self, syntax: ast.RulesetFile) -> None:
        for constant in syntax.constants:
            self.constants[constant.name] = self.expr(constant.value, self.constants)
            self.values[constant.name] = literal_value(constant.value)
        self._statements(syntax)
        for constant in syntax.constants:
            if constant.name not in self.used_anywhere:
                kind = "param" if constant.param else "let"
                self.report(
                    constant.span,
                    "unused-let",
                    f"`{kind} {constant.name}` is never used",
                    "remove it, or use it in a rule, term, message or hint",
                    "warning",
                )

    def _statements(self, syntax: ast.RulesetFile) -> None:
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
        self._tier_units(term)
        for tier in term.tiers:
            if tier.message is not None:
                self._template(tier.message, {**self.constants, "value": value})
            if tier.condition is None:
                continue
            for operand in tier.condition.operands:
                operand_type = self.expr(operand, dict(self.constants))
                self._comparable(value, operand_type, tier.condition.op, operand, tier.span)
        try:
            unreachable = dict(unreachable_tiers(term.tiers))
            empty = empty_tiers(term) or []
        except ArithmeticError:  # business days against calendar days: reported above
            return
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

    def _units(self, left: ast.Expr, op: str, right: ast.Expr, span: ast.Span) -> None:
        one, other = known(left, self.values), known(right, self.values)
        problem = comparison(one, op, other) if one and other else None
        if problem:
            check, severity, message, hint = problem
            self.report(span, check, message, hint, severity)

    def _tier_units(self, term: ast.Term) -> None:
        thresholds: list[ast.Expr] = [
            o for t in term.tiers if t.condition for o in t.condition.operands
        ]
        durations = [d for d in (known(o, self.values) for o in thresholds) if d]
        mixed = tier_mix(durations)
        if mixed:
            hint = "write every tier in the unit the agreement uses"
            self.report(term.span, "mixed-units", mixed, hint, "warning")

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
            self.used_anywhere.add(node.root)
            current = names[node.root]
            where = node.root
        elif self.types is None:
            return ANY
        elif node.root == "agreement":
            current, where = Type("record", schema=self.types.root), "agreement"
        else:
            current, where = Type("record", schema=self.types.root), ""
            current = self._field(current, node.root, where, node.span)
            where = node.root
        for segment in node.segments:
            key = segment.index if isinstance(segment, ast.Index) else None
            if isinstance(key, ast.Literal) and isinstance(key.value, str):
                segment = ast.Field(key.value, key.span)  # record["x-key"] is a field
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

    def _record(self, node: ast.Record, names: dict[str, Type]) -> Type:
        for _, item in node.items:
            self.expr(item, names)
        return Type("record")

    def _conditional(self, node: ast.Conditional, names: dict[str, Type]) -> Type:
        condition = self.expr(node.condition, names)
        self._expect(condition, "boolean", "`if`", node.condition.span)
        then, otherwise = self.expr(node.then, names), self.expr(node.otherwise, names)
        return then if then.kind == otherwise.kind else ANY

    def _binary(self, node: ast.Binary, names: dict[str, Type]) -> Type:
        if node.op == "implies":
            for operand in (node.left, node.right):
                self._expect(self.expr(operand, names), "boolean", "`implies`", operand.span)
            return BOOLEAN
        if node.op in ast.LOGIC:
            for operand in ast.chain(node):
                found = self.expr(operand, names)
                self._expect(found, "boolean", f"`{node.op}`", operand.span)
            return BOOLEAN
        left, right = self.expr(node.left, names), self.expr(node.right, names)
        if node.op in ("==", "!=", "<", "<=", ">", ">="):
            self._comparable(left, right, node.op, node.right, node.span)
            self._units(node.left, node.op, node.right, node.span)
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
