"""The Lark side of parsing: owns the Lark configuration and turns every Lark error into a
:class:`RuleSyntaxError` a compliance officer can act on (location, caret, expected
things in words, a did-you-mean for a misspelt keyword).
"""

from __future__ import annotations

import difflib
import re
from functools import cache
from typing import cast

from lark import Lark, Token, Tree, UnexpectedCharacters, UnexpectedEOF, UnexpectedInput
from lark.exceptions import UnexpectedToken, VisitError

from qrules.errors import QrulesError, RulesetError, RuleSyntaxError, source_context
from qrules.limits import MAX_EXPRESSION_DEPTH
from qrules.resources import grammar_path
from qrules.syntax import ast
from qrules.syntax.transform import ToAst

# What a person calls the grammar's named terminals.
TERMINAL_WORDS = {
    "IDENT": "an id such as ISO9001-8.4.3-f",
    "NAME": "a name",
    "QUOTED_NAME": "a back-quoted field name such as `x-complaints`",
    "STRING": 'a "quoted string"',
    "NUMBER": "a number",
    "PERCENT": "a percentage such as 95%",
    "DATE": "a date such as 2027-01-01",
    "DURATION_UNIT": "a unit (minutes, hours, days, business days, weeks, months, years)",
    "REGEX": "a regular expression such as /^[A-Z]{2}-[0-9]{4}$/",
    "COMPARE": "a comparison (==, !=, <, <=, >, >=)",
    "ADD_OP": "+ or -",
    "MUL_OP": "* or /",
    "$END": "the end of the file",
}
HOLE_HINT = "a message's {…} holds an expression; write {{ or }} for a brace"
SYMBOL_HINTS = {
    "=": "compare with `==`; a single `=` only appears in `let name = ...`",
    "'": 'strings are written in double quotes: "text"',
    "&": "write `and`",
    "&&": "write `and`",
    "|": "write `or`",
    "||": "write `or`",
    "!": "write `not`, or `!=` to compare",
    '"': 'a string ends with " on the same line',
    "unclosed back-quote": "a back-quoted field name ends with ` on the same line: `x-complaints`",
}
WORD_RE = re.compile(r"[A-Za-z_][A-Za-z0-9_.\-]*")


@cache
def _lark() -> Lark:
    return Lark(
        grammar_path().read_text(encoding="utf-8"),
        parser="lalr",
        lexer="contextual",
        propagate_positions=True,
        maybe_placeholders=False,
        start=["start", "expr"],
        cache=True,
    )


def parse_file(text: str, source: str) -> ast.RulesetFile:
    """Parse the text of one ``.qr`` file into its AST, with Lark."""
    tree = _parse(text, source, "start")
    result = _transform(tree, text, source)
    assert isinstance(result, ast.RulesetFile)
    return result


def parse_expression(text: str, source: str = "<string>") -> ast.Expr:
    """Parse one expression (message holes, tests)."""
    result = _transform(_parse(text, source, "expr"), text, source)
    return cast(ast.Expr, result)  # the "expr" start rule makes an expression


def _transform(tree: Tree[Token], text: str, source: str) -> object:
    def parse_hole(hole: str, line: int, column: int) -> ast.Expr:
        # Padded to its place in the file, the hole's nodes and errors get the file's
        # lines and columns from the parser itself.
        padded = "\n" * (line - 1) + " " * (column - 1) + hole
        try:
            return parse_expression(padded, source)
        except QrulesError as error:
            error.context = source_context(text, error.line or line, error.column or column)
            error.message = f"in the {{…}} of a message: {error.message}"
            error.hint = error.hint or HOLE_HINT
            raise

    try:
        return ToAst(source, text, parse_hole).transform(tree)
    except VisitError as error:
        if isinstance(error.orig_exc, QrulesError):
            raise error.orig_exc from None
        raise


def _parse(text: str, source: str, start: str) -> Tree[Token]:
    try:
        tree = _lark().parse(text, start=start)
    except UnexpectedInput as error:
        raise _syntax_error(error, text, source) from None
    _check_depth(tree, text, source)
    return tree


# Nodes of statements and clauses; every other node is a level of an expression.
STATEMENT_NODES = {
    "start",
    "header",
    "version",
    "schema",
    "schema_none",
    "scope_stmt",
    "constant",
    "param",
    "import_stmt",
    "override",
    "disable",
    "replace",
    "rule",
    "term",
    "tier",
    "severity",
    "tier_severity",
    "refs",
    "when",
    "let",
    "require",
    "message",
    "hint",
    "approval",
    "compare_condition",
    "in_condition",
    "not_in_condition",
    "between_condition",
}


def _check_depth(tree: Tree[Token], text: str, source: str) -> None:
    """Refuse an expression nested deeper than the limit before anything walks it: the
    transformer, compiler, linter and formatter recurse, one call per level. (Lark's LALR
    parser itself keeps an explicit stack, so parsing a deep expression is safe.)"""
    stack = [(tree, 0)]
    while stack:
        node, depth = stack.pop()
        depth += node.data not in STATEMENT_NODES
        if depth > MAX_EXPRESSION_DEPTH:
            raise _too_deep(node, text, source)
        stack.extend((child, depth) for child in node.children if isinstance(child, Tree))


def _too_deep(node: Tree[Token], text: str, source: str) -> RulesetError:
    meta = node.meta
    line, column = (1, 1) if meta.empty else (meta.line, meta.column)
    return RulesetError(
        f"expression nested too deeply: more than {MAX_EXPRESSION_DEPTH} levels",
        source=source,
        line=line,
        column=column,
        hint="name inner parts with `let`, or split the condition into several `require`s",
        context=source_context(text, line, column),
    )


def _syntax_error(error: UnexpectedInput, text: str, source: str) -> RuleSyntaxError:
    line, column = error.line, error.column
    if isinstance(error, UnexpectedEOF) or line < 1:
        line, column = _end_position(text)
    expected = _expected(error)
    found = _found(error, text)
    hint = _hint(found, expected, error)
    message = f"unexpected {found}"
    if expected:
        message += f"; expected {_join(expected)}"
    return RuleSyntaxError(
        message,
        source=source,
        line=line,
        column=column,
        hint=hint,
        context=source_context(text, line, column),
    )


def _end_position(text: str) -> tuple[int, int]:
    lines = text.splitlines() or [""]
    return len(lines), len(lines[-1]) + 1


# Where many terminals could follow, name the category instead of listing them all.
EXPRESSION_STARTS = {
    "NAME",
    "QUOTED_NAME",
    "NUMBER",
    "STRING",
    "DATE",
    "PERCENT",
    "LPAR",
    "LSQB",
    "LBRACE",
    "MINUS",
    "NOT",
    "TRUE",
    "FALSE",
    "NULL",
    "COUNT",
    "ALL",
    "ANY",
    "NONE",
    "IF",
}
OPERATORS = {
    "COMPARE",
    "ADD_OP",
    "MUL_OP",
    "AND",
    "OR",
    "IN",
    "NOT",
    "MATCHES",
    "CONTAINS",
    "IMPLIES",
    "DOT",
    "LSQB",
    "DURATION_UNIT",
    "LPAR",
}


def _expected(error: UnexpectedInput) -> list[str]:
    names: set[str] = set()
    if isinstance(error, UnexpectedToken):
        names = set(error.accepts or error.expected)
    elif isinstance(error, UnexpectedCharacters):
        names = set(error.allowed or ())
    elif isinstance(error, UnexpectedEOF):
        names = set(error.expected)
    names = {name for name in names if not name.startswith("__")}
    words = []
    if {"NAME", "NUMBER"} <= names:
        names -= EXPRESSION_STARTS
        words.append("an expression")
    if "COMPARE" in names:
        names -= OPERATORS
        words.append("an operator")
    return words + sorted({_word(name) for name in names})


def _word(terminal: str) -> str:
    if terminal in TERMINAL_WORDS:
        return TERMINAL_WORDS[terminal]
    pattern = _lark().get_terminal(terminal).pattern
    return f"`{pattern.value}`" if pattern.type == "str" else terminal.lower()


def _found(error: UnexpectedInput, text: str) -> str:
    if isinstance(error, UnexpectedEOF):
        return "end of file"
    if isinstance(error, UnexpectedToken):
        token = error.token
        if token.type == "$END":
            return "end of file"
        return f"`{token}`"
    pos = getattr(error, "pos_in_stream", None) or 0
    word = WORD_RE.match(text, pos)
    if text.startswith("`", pos):
        return "unclosed back-quote"
    if word:
        return f"`{word.group()}`"
    return f"character `{text[pos]}`" if pos < len(text) else "end of file"


def _hint(found: str, expected: list[str], error: UnexpectedInput) -> str | None:
    keywords = [e.strip("`") for e in expected if e.startswith("`") and e[1:2].isalpha()]
    word = found.removeprefix("character ").strip("`")
    close = difflib.get_close_matches(word, keywords, n=1, cutoff=0.6)
    if close and word not in keywords:
        return f"did you mean `{close[0]}`?"
    accepted = set(getattr(error, "accepts", None) or getattr(error, "expected", None) or ())
    if "DURATION_UNIT" in accepted and WORD_RE.fullmatch(word):
        return _unit_hint(word)  # `14 dayz`, `7d`, `5 workdays` after a number
    return SYMBOL_HINTS.get(word)


def _unit_hint(word: str) -> str:
    """The duration units of the grammar, and the one ``word`` most likely means."""
    group = re.match(r"\(([^()]*)\)", _lark().get_terminal("DURATION_UNIT").pattern.value)
    written = group[1].split("|") if group else []
    units = [re.sub(r"\[[^\]]*\][+*]", " ", unit).rstrip("?") for unit in written]
    units = [unit if unit.endswith("s") else unit + "s" for unit in units]
    # a unit of two words (`business days`) is also found by its first (`bussiness`)
    forms = {form: u for u in units for form in (u, u.removesuffix("s"), u.split(" ")[0])}
    close = [forms[c] for c in difflib.get_close_matches(word.lower(), forms, n=1, cutoff=0.7)]
    short = [u for u in units if len(word) <= 3 and u.startswith(word.lower())]
    listed = f"a duration is a number and a unit: {', '.join(units)}"
    guess = close[0] if close else short[0] if len(short) == 1 else None
    return f"did you mean `{guess}`? {listed}" if guess else listed


def _join(words: list[str]) -> str:
    if len(words) > 12:
        words = [*words[:12], "…"]
    if len(words) == 1:
        return words[0]
    return ", ".join(words[:-1]) + " or " + words[-1]
