"""The parser facade: ruleset text in, frozen AST out, every error a RuleSyntaxError or
RulesetError with line, column and caret.

Parsing itself (Lark, the grammar, error translation) is in ``lalr``, imported only when a
ruleset's AST is not cached: a pre-commit hook that meets the same rulesets on every
commit then never imports Lark.
"""

from __future__ import annotations

import hashlib
import pickle
from functools import cache
from pathlib import Path
from typing import cast

from qrules.cache import cached
from qrules.errors import RulesetError
from qrules.limits import MAX_RULESET_BYTES
from qrules.resources import grammar_path
from qrules.syntax import ast


def parse_ruleset(text: str, source: str = "<string>") -> ast.RulesetFile:
    """Parse the text of one ``.qr`` file into its AST (cached per text and source)."""
    if len(text) > MAX_RULESET_BYTES:
        raise too_large(source)
    key = f"{_language_digest()}\0{source}\0{text}"
    parsed = cached("ruleset", key, lambda: _parse(text, source), *_PICKLE)
    return cast(ast.RulesetFile, parsed)


def parse_expression(text: str, source: str = "<string>") -> ast.Expr:
    """Parse one expression (message holes, tests)."""
    from qrules.syntax import lalr

    return lalr.parse_expression(text, source)


@cache
def _language_digest() -> str:
    """What a cached AST depends on besides the text: the grammar and the AST's classes,
    so that a changed language never reads an AST pickled by an older one."""
    digest = hashlib.sha256(grammar_path().read_bytes())
    for module in ("ast.py", "transform.py", "definitions.py", "templates.py"):
        digest.update((Path(__file__).parent / module).read_bytes())
    return digest.hexdigest()


def too_large(source: str) -> RulesetError:
    return RulesetError(
        f"the ruleset is larger than {MAX_RULESET_BYTES:,} bytes",
        source=source,
        line=1,
        column=1,
        hint="split it into several .qr files in one folder",
    )


def _parse(text: str, source: str) -> ast.RulesetFile:
    from qrules.syntax import lalr

    return lalr.parse_file(text, source)


_PICKLE = (pickle.dumps, pickle.loads)
