"""``qrules lint``: what is wrong with a ruleset before anything runs.

Beyond syntax and compile errors it checks the rules against the agreement schema: field
paths the schema does not have (with the schema's nearest name), values of incompatible
types compared or combined, enum values the schema does not allow, tiers that can never be
reached, `let`s never used, and rules without a `ref`.
"""

from __future__ import annotations

import difflib
import json
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

from qrules.compile import compile_regex
from qrules.errors import QrulesError
from qrules.resources import schema_path
from qrules.ruleset import compile_text
from qrules.syntax import ast
from qrules.values import Duration, Percent, show


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


# ---------------------------------------------------------------------------- static types


@dataclass(frozen=True)
class Type:
    """What the linter knows of a value: its kind, and for records and lists, more."""

    kind: str  # number string boolean date duration percentage list record null any
    item: Type | None = None
    schema: dict[str, Any] | None = field(default=None, compare=False, hash=False)
    enum: tuple[Any, ...] | None = None

    def __str__(self) -> str:
        return {"list": "list", "record": "record"}.get(self.kind, self.kind)


ANY, NUMBER, STRING, BOOLEAN = Type("any"), Type("number"), Type("string"), Type("boolean")
DATE, DURATION, PERCENT = Type("date"), Type("duration"), Type("percentage")
PLAN = Type(
    "record",
    schema={
        "properties": {
            "letter": {"type": "string"},
            "n": {"type": "integer"},
            "ac": {"type": "integer"},
            "re": {"type": "integer"},
            "inspect_all": {"type": "boolean"},
        },
        "additionalProperties": False,
    },
)
FUNCTION_RESULTS = {
    "exists": BOOLEAN,
    "len": NUMBER,
    "lower": STRING,
    "upper": STRING,
    "round": NUMBER,
    "days": NUMBER,
    "duration": DURATION,
    "date": DATE,
    "today": DATE,
    "sampling_plan": PLAN,
    "acceptance_probability": NUMBER,
    "producer_risk": NUMBER,
    "consumer_risk": NUMBER,
}
ORDERED_KINDS = {"number", "string", "date", "duration", "percentage"}


def literal_type(value: Any) -> Type:
    if value is None:
        return Type("null")
    if isinstance(value, bool):
        return BOOLEAN
    if isinstance(value, (int, float)):
        return NUMBER
    if isinstance(value, str):
        return STRING
    if isinstance(value, Duration):
        return DURATION
    if isinstance(value, Percent):
        return PERCENT
    return DATE


X_TYPES = {"duration": DURATION, "percent": PERCENT, "date": DATE}


class SchemaTypes:
    """Types of agreement fields, read from a JSON Schema (``$ref``s into ``$defs``)."""

    def __init__(self, schema: dict[str, Any]) -> None:
        self.root = schema
        self.defs = schema.get("$defs", schema.get("definitions", {}))

    def resolve(self, node: dict[str, Any]) -> dict[str, Any]:
        for _ in range(10):
            if "$ref" not in node:
                break
            node = self.defs.get(node["$ref"].rsplit("/", 1)[-1], {})
        return node

    def type_of(self, node: dict[str, Any]) -> Type:
        node = self.resolve(node)
        if node.get("x-qrules-type") in X_TYPES:
            return X_TYPES[node["x-qrules-type"]]
        kinds = node.get("type")
        kind = next((k for k in kinds if k != "null"), None) if isinstance(kinds, list) else kinds
        if kind == "string":
            return (
                DATE
                if node.get("format") == "date"
                else Type("string", enum=tuple(node["enum"]) if "enum" in node else None)
            )
        if kind in ("integer", "number"):
            return NUMBER
        if kind == "boolean":
            return BOOLEAN
        if kind == "array":
            items = node.get("items")
            return Type("list", item=self.type_of(items) if isinstance(items, dict) else ANY)
        if kind == "object" or "properties" in node:
            return Type("record", schema=node)
        return self._union(node)

    def _union(self, node: dict[str, Any]) -> Type:
        branches = node.get("oneOf") or node.get("anyOf")
        if not branches:
            return ANY
        kinds = {self.type_of(b).kind for b in branches}
        return self.type_of(branches[0]) if len(kinds) == 1 else ANY

    def field(self, record: Type, name: str) -> Type | None:
        """The field's type; None when the schema forbids the field."""
        node = record.schema or {}
        properties = node.get("properties", {})
        if name in properties:
            return self.type_of(properties[name])
        if any(re.search(p, name) for p in node.get("patternProperties", {})):
            return ANY
        return None if node.get("additionalProperties") is False else ANY

    def names(self, record: Type) -> list[str]:
        return sorted((record.schema or {}).get("properties", {}))


@cache
def _schema(path: str) -> dict[str, Any]:
    data = json.loads(Path(path).read_text(encoding="utf-8"))
    return data if isinstance(data, dict) else {}


# ---------------------------------------------------------------------------- the checker


class Linter:
    """Walks one ruleset's AST with types from the schema; collects findings."""

    def __init__(self, source: str, text: str, types: SchemaTypes | None) -> None:
        self.source, self.text, self.types = source, text, types
        self.findings: list[LintFinding] = []
        self.used: set[str] = set()

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
        for statement in syntax.statements:
            if isinstance(statement, ast.ScopeStatement):
                self.expr(statement.condition, {})
            elif isinstance(statement, ast.Rule):
                self.rule(statement)
            else:
                self.term(statement)

    def rule(self, rule: ast.Rule) -> None:
        self._missing_ref(rule)
        names: dict[str, Type] = {}
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
            self.expr(guard, {})
        value = self.expr(term.at, {})
        for tier in term.tiers:
            if tier.condition is None:
                continue
            for operand in tier.condition.operands:
                operand_type = self.expr(operand, {})
                self._comparable(value, operand_type, tier.condition.op, operand, tier.span)
        for position, message in unreachable_tiers(term.tiers):
            self.report(
                position,
                "unreachable-tier",
                message,
                "reorder the tiers or remove this one",
                "warning",
            )
        if term.hint is not None:
            self._template(term.hint, {})

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
        method = getattr(self, f"_{type(node).__name__.lower()}")
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
        return FUNCTION_RESULTS.get(node.name, ANY)

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


ARITHMETIC: dict[tuple[str, str, str], Type] = {
    **{("number", op, "number"): NUMBER for op in "+-*/"},
    ("duration", "+", "duration"): DURATION,
    ("duration", "-", "duration"): DURATION,
    ("duration", "*", "number"): DURATION,
    ("number", "*", "duration"): DURATION,
    ("duration", "/", "number"): DURATION,
    ("duration", "/", "duration"): NUMBER,
    ("percentage", "+", "percentage"): PERCENT,
    ("percentage", "-", "percentage"): PERCENT,
    ("percentage", "*", "number"): PERCENT,
    ("number", "*", "percentage"): PERCENT,
    ("date", "+", "duration"): DATE,
    ("date", "-", "duration"): DATE,
    ("date", "-", "date"): DURATION,
}


# ---------------------------------------------------------------------------- tiers


def unreachable_tiers(tiers: tuple[ast.Tier, ...]) -> Iterator[tuple[ast.Span, str]]:
    """Tiers that an earlier tier always decides first."""
    covered: list[tuple[str, Any]] = []  # ("<=", 1.0), (">", 3 years), ("all", None)
    for tier in tiers:
        bounds = _bounds(tier.condition)
        if any(_covers(earlier, bounds) for earlier in covered):
            yield (
                tier.span,
                f"this `{tier.kind}` tier is never reached: an earlier tier always decides first",
            )
        if bounds is not None:
            covered.append(bounds)


def _bounds(condition: ast.Condition | None) -> tuple[str, Any] | None:
    if condition is None:
        return ("all", None)
    literals = [o.value for o in condition.operands if isinstance(o, ast.Literal)]
    if len(literals) != len(condition.operands):
        return None
    if condition.op in ("<", "<=", ">", ">="):
        return (condition.op, literals[0])
    if condition.op == "between":
        return ("between", tuple(literals))
    return None


def _covers(earlier: tuple[str, Any], later: tuple[str, Any] | None) -> bool:
    op, bound = earlier
    if op == "all":
        return True
    if later is None:
        return False
    try:
        low, high = _interval(later)
        return _inside(op, bound, low, high)
    except TypeError:
        return False


def _interval(bounds: tuple[str, Any]) -> tuple[tuple[Any, bool] | None, tuple[Any, bool] | None]:
    """((low, inclusive) or None, (high, inclusive) or None)."""
    op, bound = bounds
    if op == "between":
        return (bound[0], True), (bound[1], True)
    if op in ("<", "<="):
        return None, (bound, op == "<=")
    if op in (">", ">="):
        return (bound, op == ">="), None
    raise TypeError(op)


def _inside(op: str, bound: Any, low: Any, high: Any) -> bool:
    if op in ("<", "<="):
        if high is None:
            return False
        value, inclusive = high
        return bool(value < bound or (value == bound and (op == "<=" or not inclusive)))
    if op in (">", ">="):
        if low is None:
            return False
        value, inclusive = low
        return bool(value > bound or (value == bound and (op == ">=" or not inclusive)))
    if op == "between":
        return low is not None and high is not None and low[0] >= bound[0] and high[0] <= bound[1]
    return False


# ---------------------------------------------------------------------------- entry point


def lint_text(text: str, source: str, folder: Path | None = None) -> list[LintFinding]:
    """Every lint finding of one ruleset file's text (``folder``: where it lives)."""
    try:
        compiled = compile_text(text, source, folder)
    except QrulesError as error:
        check = "syntax" if error.kind == "syntax error" else "compile"
        return [
            LintFinding(
                source,
                error.line or 1,
                error.column or 1,
                check,
                "error",
                error.message,
                error.hint,
            )
        ]
    syntax = compiled.syntax
    linter = Linter(source, text, _types(syntax.schema, folder or Path(source).parent))
    linter.ruleset(syntax)
    return sorted(set(linter.findings))


def _types(schema: str | None, folder: Path) -> SchemaTypes | None:
    if schema == "none":
        return None
    path = schema_path() if schema is None else folder / schema
    return SchemaTypes(_schema(str(path)))


def duplicate_ids(files: dict[str, str]) -> list[LintFinding]:
    """Rule ids defined in more than one of the files linted together."""
    from qrules.syntax.parser import parse_ruleset

    seen: dict[str, str] = {}
    findings = []
    for source, text in files.items():
        try:
            syntax = parse_ruleset(text, source)
        except QrulesError:
            continue
        for statement in syntax.rules:
            if statement.id in seen and seen[statement.id] != source:
                findings.append(
                    LintFinding(
                        source,
                        statement.span.line,
                        statement.span.column,
                        "duplicate-id",
                        "error",
                        f"rule id {statement.id} is also defined in {seen[statement.id]}",
                        "rule ids must be unique across rulesets checked together",
                    )
                )
            seen.setdefault(statement.id, source)
    return findings
