"""What lint says about the types of what a rule compares or combines: values of
different types, orders of unordered values, enum values the schema does not allow, quoted
literals that are not text; and the finding every check reports."""

from __future__ import annotations

import difflib
from dataclasses import dataclass, field
from typing import Any

from qrules.authoring.lint.types import (
    ANY,
    ARITHMETIC,
    ORDERED_KINDS,
    SchemaTypes,
    Type,
    literal_type,
)
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
    context: str | None = field(default=None, compare=False)  # the source line and a caret

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


class TypeRules:
    """The findings of one ruleset file, and the rules about types the linter applies."""

    def __init__(self, source: str, text: str, types: SchemaTypes | None) -> None:
        self.source, self.text, self.types = source, text, types
        self.findings: list[LintFinding] = []
        self.used: set[str] = set()
        self.used_anywhere: set[str] = set()  # names used by any statement
        self.constants: dict[str, Type] = {}  # the ruleset's top-level lets and params
        self.values: dict[str, Any] = {}  # ... and the values of those written out

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
