"""Every limit qrules enforces on its inputs, in one place.

Hostile or broken files must end in a finding or a located error, never a crash, a hang or
memory exhaustion. Each limit below is checked where its input is read; ``docs/limits.md``
is generated from :data:`LIMITS` (a test keeps the two in step).
"""

from __future__ import annotations

from dataclasses import dataclass

# Agreements
MAX_AGREEMENT_BYTES = 5 * 1024 * 1024
MAX_VALUES = 200_000  # bounds alias expansion ("billion laughs") and huge lists
MAX_DEPTH = 64  # nesting of mappings and lists
MAX_NUMBER_DIGITS = 4_000  # below Python's int-string limit (4,300 digits)
# libyaml composes recursively in C and overflows the stack past ~30,000 levels; text that
# could nest deeper than this is first measured on the (iterative) event stream.
COMPOSE_UNCHECKED_NESTING = 10_000

# Earlier JSON reports read as a baseline (a batch of 10,000 agreements is about 40 MB)
MAX_BASELINE_BYTES = 256 * 1024 * 1024

# Evaluation
MAX_EVALUATION_STEPS = 1_000_000  # list elements one rule may visit in one agreement

# Rulesets
MAX_RULESET_BYTES = 512 * 1024  # 40 times the largest built-in; a dense one lints in ~12 s
MAX_EXPRESSION_DEPTH = 100  # nesting of operators, brackets and calls in one expression
MAX_LITERAL_DIGITS = 100  # digits of a number written in a rule
MAX_REGEX_BYTES = 1_000  # length of one regular expression in a rule
REGEX_PROGRAM_SIZE = 10_000  # RE2's own bound on the compiled automaton
MAX_SCHEMA_FILES = 20  # schema files one organisation schema pulls in by $ref


@dataclass(frozen=True)
class Limit:
    what: str
    value: int
    unit: str
    applies_to: str
    when_exceeded: str


LIMITS = (
    Limit("file size", MAX_AGREEMENT_BYTES, "bytes", "agreement", "finding `yaml-limits`"),
    Limit(
        "values (after aliases)",
        MAX_VALUES,
        "values",
        "agreement",
        "finding `yaml-limits`",
    ),
    Limit("nesting depth", MAX_DEPTH, "levels", "agreement", "finding `yaml-limits`"),
    Limit("digits in a number", MAX_NUMBER_DIGITS, "digits", "agreement", "finding `yaml-limits`"),
    Limit("file size", MAX_RULESET_BYTES, "bytes", "ruleset", "error, exit 2"),
    Limit("expression depth", MAX_EXPRESSION_DEPTH, "levels", "ruleset", "error, exit 2"),
    Limit("digits in a number literal", MAX_LITERAL_DIGITS, "digits", "ruleset", "error, exit 2"),
    Limit("regular expression length", MAX_REGEX_BYTES, "characters", "ruleset", "error, exit 2"),
    Limit(
        "regular expression program (RE2)",
        REGEX_PROGRAM_SIZE,
        "instructions",
        "ruleset",
        "error, exit 2",
    ),
    Limit(
        "schema files referenced by $ref",
        MAX_SCHEMA_FILES,
        "files",
        "agreement schema",
        "error, exit 2",
    ),
    Limit("file size", MAX_BASELINE_BYTES, "bytes", "baseline report", "error, exit 2"),
    Limit(
        "list elements one rule visits",
        MAX_EVALUATION_STEPS,
        "elements",
        "rule on an agreement",
        "finding of the rule: cannot evaluate",
    ),
)


def limits_markdown() -> str:
    """The table of docs/limits.md."""
    rows = [
        f"| {limit.applies_to} | {limit.what} | {limit.value:,} {limit.unit} | "
        f"{limit.when_exceeded} |"
        for limit in LIMITS
    ]
    return "\n".join(["| input | limit | at most | beyond it |", "|---|---|---|---|", *rows])
