"""``qrules fmt``: one canonical layout for rulesets, with every comment kept.

The formatter prints the AST: two-space clause indentation, one clause per line, a blank
line between statements, spaces around operators, the fewest parentheses that keep the
meaning. Clauses keep the author's order. Comments are attached to the element they stand
before (or after, on the same line) and printed with it.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from collections.abc import Callable, Iterator

from qrules.model.values import Duration, Percent, read_untyped
from qrules.syntax import ast
from qrules.syntax.comments import Comment, scan_comments
from qrules.syntax.elements import INDENT, Element
from qrules.syntax.parser import parse_ruleset


def format_text(text: str, source: str = "<string>") -> str:
    """The canonical layout of a ruleset's text (raises RuleSyntaxError if it does not parse)."""
    return Printer(scan_comments(text)).ruleset(parse_ruleset(text, source))


def format_ast(syntax: ast.RulesetFile) -> str:
    return Printer([]).ruleset(syntax)


# ---------------------------------------------------------------------------- printing


Block = list[tuple[Element, tuple[str, str]]]  # each element with (indent, text)


class Printer:
    def __init__(self, comments: list[Comment]) -> None:
        self.comments = comments

    def ruleset(self, syntax: ast.RulesetFile) -> str:
        blocks = [self._header(syntax)]
        if syntax.definitions:
            blocks.append([self._definition(d) for d in syntax.definitions])
        blocks += [self._statement(s) for s in syntax.statements]
        elements = [element for block in blocks for element, _ in block]
        leftover = self._attach(elements)
        lines: list[str] = []
        for index, block in enumerate(blocks):
            if index:
                lines.append("")
            for element, (indent, text) in block:
                lines += element.lines(indent, text)
        if leftover:
            lines += ["", *leftover]
        return "\n".join(lines) + "\n"

    def _attach(self, elements: list[Element]) -> list[str]:
        """Give each comment to an element; return the comments after the last one."""
        leftover = []
        for comment in self.comments:
            if comment.standalone:
                target = next((e for e in elements if e.start > comment.line), None)
                if target is None:
                    leftover.append(comment.text)
                else:
                    target.leading.append(comment)
            else:
                target = _trailing_target(elements, comment.line)
                target.trailing.append(comment)
        return leftover

    # ------------------------------------------------------------------ statements
    def _header(self, syntax: ast.RulesetFile) -> Block:
        span = syntax.header_span
        first = f"ruleset {syntax.name}" + (f" {quote(syntax.title)}" if syntax.title else "")
        lines = [("", first)]
        if syntax.version is not None:
            lines.append((INDENT, f"version {quote(syntax.version)}"))
        if syntax.schema is not None:
            schema = "none" if syntax.schema == "none" else quote(syntax.schema)
            lines.append((INDENT, f"schema {schema}"))
        return [(Element(span.line, span.line), line) for line in lines]

    def _definition(self, node: ast.Definition) -> tuple[Element, tuple[str, str]]:
        span = node.span
        return Element(span.line, span.end_line), ("", definition(node))

    def _statement(self, statement: ast.Statement) -> Block:
        span = statement.span
        if isinstance(statement, ast.ScopeStatement):
            text = f"scope {expr(statement.condition)}"
            return [(Element(span.line, span.end_line), ("", text))]
        if isinstance(statement, ast.Rule):
            head = f"rule {statement.id} {quote(statement.title)}"
            clauses = list(rule_clauses(statement))
        else:
            head = f"term {statement.id} {quote(statement.title)} at {_at(statement.at, SUM)}"
            clauses = list(term_clauses(statement))
        block = [(Element(span.line, span.line), ("", head))]
        for clause_span, text in clauses:
            element = Element(clause_span.line or span.line, clause_span.end_line or span.line)
            element.parts = _wrappable(statement, text)
            block.append((element, (INDENT, text)))
        return block


def _wrappable(statement: ast.Rule | ast.Term, text: str) -> list[tuple[str, int]]:
    """A require's or when's text as parts of its top-level chain (empty if none)."""
    keyword = text.split(" ", 1)[0]
    conditions = [r.condition for r in getattr(statement, "requires", ())]
    candidates = conditions if keyword == "require" else list(statement.when) * (keyword == "when")
    for node in candidates:
        parts = chain_parts(node)
        if parts and text == f"{keyword} " + " ".join(p for p, _ in parts):
            first, line = parts[0]
            return [(f"{keyword} {first}", line), *parts[1:]]
    return []


def definition(node: ast.Definition) -> str:
    if isinstance(node, ast.Import):
        return f"import {quote(node.ruleset) if node.is_path else node.ruleset}"
    if isinstance(node, ast.Adjustment):
        return adjustment(node)
    if not node.param:
        return f"let {node.name} = {expr(node.value)}"
    text = f" {quote(node.description)}" if node.description is not None else ""
    return f"param {node.name} = {expr(node.value)}{text}"


def adjustment(node: ast.Adjustment) -> str:
    change = {
        "override": f" severity {node.severity}",
        "disable": "",
        "replace": f" with {node.replacement}",
    }[node.kind]
    return f"{node.kind} {node.rule}{change} reason {quote(node.reason)}"


def _trailing_target(elements: list[Element], line: int) -> Element:
    """The element a same-line comment follows: the first that starts on the latest line."""
    starts = [e.start for e in elements if e.start <= line]
    if not starts:
        return elements[0]
    return next(e for e in elements if e.start == max(starts))


def rule_clauses(rule: ast.Rule) -> Iterator[tuple[ast.Span, str]]:
    """(span, text) of each clause, in the author's order (canonical order if unknown)."""
    layout = rule.layout or tuple((name, ast.NO_SPAN) for name in _canonical(rule))
    return _in_layout(layout, lambda name, index: _rule_clause(rule, name, index))


def _in_layout(
    layout: ast.Layout, render: Callable[[str, int], str | None]
) -> Iterator[tuple[ast.Span, str]]:
    """Render each clause of a layout; ``index`` counts the clauses of the same kind."""
    counters: dict[str, int] = {}
    for name, span in layout:
        index = counters.get(name, 0)
        counters[name] = index + 1
        text = render(name, index)
        if text is not None:
            yield span, text


def _canonical(rule: ast.Rule) -> list[str]:
    names = ["severity"] if rule.severity_given else []
    names += ["refs"] if rule.refs else []
    names += ["when"] * len(rule.when) + ["let"] * len(rule.lets)
    names += ["require"] * len(rule.requires)
    names += ["message"] if rule.message else []
    return names + (["hint"] if rule.hint else [])


def _rule_clause(rule: ast.Rule, name: str, index: int) -> str | None:
    if name == "let":
        let = rule.lets[index]
        return f"let {let.name} = {expr(let.value)}"
    if name == "require":
        return f"require {expr(rule.requires[index].condition)}"
    if name == "message":
        return f"message {quote(rule.message.text)}" if rule.message else None
    return _shared_clause(rule, name, index)


def _shared_clause(node: ast.Rule | ast.Term, name: str, index: int) -> str | None:
    """The clauses rules and terms both have: severity, ref, when, hint."""
    if name == "severity":
        return f"severity {node.severity}"
    if name == "refs":
        return f"ref {', '.join(quote(r) for r in node.refs)}" if index == 0 else None
    if name == "when":
        return f"when {expr(node.when[index])}"
    return f"hint {quote(node.hint.text)}" if node.hint else None


def term_clauses(term: ast.Term) -> Iterator[tuple[ast.Span, str]]:
    layout = term.layout or tuple(
        [("severity", ast.NO_SPAN)] * term.severity_given
        + [("refs", ast.NO_SPAN)] * bool(term.refs)
        + [("when", ast.NO_SPAN)] * len(term.when)
        + [("hint", ast.NO_SPAN)] * bool(term.hint)
        + [("tier", ast.NO_SPAN)] * len(term.tiers)
    )
    return _in_layout(layout, lambda name, index: _term_clause(term, name, index))


def _term_clause(term: ast.Term, name: str, index: int) -> str | None:
    return tier(term.tiers[index]) if name == "tier" else _shared_clause(term, name, index)


def tier(node: ast.Tier) -> str:
    parts = [node.kind]
    if node.condition is not None:
        parts.append(condition(node.condition))
    if node.approval is not None:
        parts.append(f"approval {quote(node.approval)}")
    if node.severity is not None:
        parts.append(f"severity {node.severity}")
    if node.reason is not None:
        parts.append(quote(node.reason))
    return " ".join(parts)


def condition(node: ast.Condition) -> str:
    operands = [_at(o, SUM) for o in node.operands]
    if node.op == "between":
        return f"between {operands[0]} and {operands[1]}"
    return f"{node.op} {operands[0]}"


# ---------------------------------------------------------------------------- expressions

# Binding strength, weakest first; a child printed where a stronger one is needed gets
# parentheses.
OPEN, IMPLIES, OR, AND, NOT, COMPARISON, SUM, PRODUCT, UNARY, ATOM = range(10)
COMPARISONS = {"==", "!=", "<", "<=", ">", ">=", "in", "not in", "contains"}


def expr(node: ast.Expr) -> str:
    return _print(node)[0]


def _at(node: ast.Expr, level: int, also: int | None = None) -> str:
    """``node`` printed where ``level`` binds; parenthesised if weaker, or exactly ``also``."""
    text, own = _print(node)
    return f"({text})" if own < level or own == also else text


def _print(node: ast.Expr) -> tuple[str, int]:
    if isinstance(node, ast.Literal):
        return literal(node.value), ATOM
    if isinstance(node, ast.ListExpr):
        return "[" + ", ".join(expr(item) for item in node.items) + "]", ATOM
    if isinstance(node, ast.Record):
        items = ", ".join(f"{_key(key)}: {expr(item)}" for key, item in node.items)
        return "{" + items + "}", ATOM
    if isinstance(node, ast.Conditional):
        parts = (expr(node.condition), expr(node.then), expr(node.otherwise))
        return "if {} then {} else {}".format(*parts), OPEN
    if isinstance(node, ast.Path):
        return path(node), ATOM
    if isinstance(node, ast.Call):
        return f"{node.name}(" + ", ".join(expr(a) for a in node.args) + ")", ATOM
    if isinstance(node, ast.Count):
        iterable = _at(node.iterable, SUM)
        return f"count({node.var} in {iterable} where {expr(node.condition)})", ATOM
    if isinstance(node, ast.Quantifier):
        iterable = _at(node.iterable, SUM)
        return f"{node.kind} {node.var} in {iterable}: {expr(node.body)}", OPEN
    if isinstance(node, ast.Matches):
        return f"{_at(node.operand, SUM)} matches /{node.pattern}/{node.flags}", COMPARISON
    if isinstance(node, ast.Unary):
        if node.op == "not":
            return f"not {_at(node.operand, NOT)}", NOT
        return f"-{_at(node.operand, UNARY)}", UNARY
    return _binary(node)


def _binary(node: ast.Binary) -> tuple[str, int]:
    if node.op in ast.LOGIC:
        return _logic(node)
    if node.op == "implies":
        right, level = _print(node.right)
        return f"{_at(node.left, OR)} implies {right}", OPEN if level == OPEN else IMPLIES
    if node.op in COMPARISONS:
        return f"{_at(node.left, SUM)} {node.op} {_at(node.right, SUM)}", COMPARISON
    if node.op in "+-":
        return f"{_at(node.left, SUM)} {node.op} {_at(node.right, PRODUCT)}", SUM
    return f"{_at(node.left, PRODUCT)} {node.op} {_at(node.right, UNARY)}", PRODUCT


def _logic(node: ast.Binary) -> tuple[str, int]:
    parts = chain_parts(node)
    return " ".join(part for part, _ in parts), OR if node.op == "or" else AND


def chain_parts(node: ast.Expr) -> list[tuple[str, int]]:
    """A chain of `and`s or `or`s as printed, one part per operand (`and x`, from the
    second on) with the line it starts on; empty for any other expression."""
    if not isinstance(node, ast.Binary) or node.op not in ast.LOGIC:
        return []
    first, *rest = ast.chain(node)
    # `and` inside `or` keeps its parentheses: readers should not need precedence rules.
    level, also = (OR, AND) if node.op == "or" else (AND, None)
    # A quantifier ending the chain may be written bare; printed, it keeps its parentheses,
    # which show where its body ends.
    parts = [(_at(first, level, also), first.span.line)]
    return parts + [(f"{node.op} {_at(operand, NOT)}", operand.span.line) for operand in rest]


def _key(key: str) -> str:
    """A record key: a name, back-quoted where it is not one, or a string."""
    return name(key, root=True) if "`" not in key else quote(key)


def path(node: ast.Path) -> str:
    text = name(node.root, root=True)
    for segment in node.segments:
        if isinstance(segment, ast.Field):
            text += f".{name(segment.name)}"
        else:
            text += f"[{expr(segment.index)}]"
    return text


PLAIN_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
# Words that start or join expressions: a path cannot start with one unquoted.
EXPRESSION_WORDS = frozenset(
    {"and", "or", "not", "in", "contains", "matches", "where", "true", "false", "null"}
    | {"all", "any", "none", "count", "if", "then", "else", "implies"}
)


def name(text: str, root: bool = False) -> str:
    """A field name as written in a rule: plain, or back-quoted (`x-complaints`)."""
    plain = PLAIN_NAME.fullmatch(text) and not (root and text in EXPRESSION_WORDS)
    return text if plain else f"`{text}`"


def literal(value: ast.LiteralValue) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str):
        return _text(value)
    if isinstance(value, (int, float, Duration, Percent)):
        return str(value) if not isinstance(value, float) else repr(value)
    assert isinstance(value, dt.date)
    return value.isoformat()


def quote(text: str) -> str:
    return json.dumps(text, ensure_ascii=False)


def _text(value: str) -> str:
    """A string literal that parses back to text: where the text would read as a duration,
    percentage or date, an escaped first character keeps it text."""
    if isinstance(read_untyped(value), str):
        return quote(value)
    return f'"\\u{ord(value[0]):04x}' + quote(value[1:])[1:]
