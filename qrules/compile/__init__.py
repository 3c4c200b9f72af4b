"""AST → Python closures, once per ruleset; static checks that need no document.

``expressions`` compiles expressions (with ``operators`` for what they compute and
``regex`` for ``matches``), ``rules`` compiles rules and terms, ``env`` is what one
evaluation sees; ``verdict`` (with ``generate``) compiles a rulebook once more, to Python
source that decides the common outcomes fast.
"""

from qrules.compile.adjust import adjust, adjusted_syntax
from qrules.compile.constants import ParamValue, compile_constants, literal_value
from qrules.compile.env import CheckFn, Env, Located, MissingField, ValueFn
from qrules.compile.expressions import MISSING_HOLE, UNKNOWN_HOLE, Compiler
from qrules.compile.operators import BINARY_OPERATORS
from qrules.compile.paths import RESERVED
from qrules.compile.regex import RegexProblem, compile_regex, regex_program
from qrules.compile.rules import (
    TIER_VALUE,
    Compiled,
    CompiledRule,
    CompiledTerm,
    CompiledTier,
    RuleInfo,
    compile_rule,
    compile_term,
)
from qrules.compile.verdict import Verdicts, compile_verdicts
from qrules.model.paths import DocPath, dotted

__all__ = [
    "BINARY_OPERATORS",
    "MISSING_HOLE",
    "RESERVED",
    "TIER_VALUE",
    "UNKNOWN_HOLE",
    "CheckFn",
    "Compiled",
    "CompiledRule",
    "CompiledTerm",
    "CompiledTier",
    "Compiler",
    "DocPath",
    "Env",
    "Located",
    "MissingField",
    "ParamValue",
    "RegexProblem",
    "RuleInfo",
    "ValueFn",
    "Verdicts",
    "adjust",
    "adjusted_syntax",
    "compile_constants",
    "compile_regex",
    "compile_rule",
    "compile_term",
    "compile_verdicts",
    "dotted",
    "literal_value",
    "regex_program",
]
