"""``qrules init --ruleset NAME``: a ruleset folder to start from, wired into ``.qrules.yaml``.

``rulesets/NAME/NAME.qr`` has one rule and one term, each commented; ``tests/`` has annotated
agreements that pass ``qrules test --require-coverage`` as written: one where nothing fires
(the term's preferred tier), one accepted with approval, one failing the rule and rejected by
the term. The configuration gains ``rulesets/NAME``, its comments and layout kept.
"""

from __future__ import annotations

import re
from pathlib import Path

from qrules.config.discover import display
from qrules.config.model import CONFIG_NAME, DEFAULT_RULESETS
from qrules.errors import UsageError

NAME = re.compile(r"^[a-z][a-z0-9]*(-[a-z0-9]+)*$")

RULESET = """\
ruleset {name} "{name}: our quality policy"
  version "0.1"

# A rule says what every agreement must say; `ref` cites where the obligation comes from.
rule {prefix}-AUDIT "We may audit the supplier's site"
  ref "ISO 9001:2015 8.4.3 f)"
  require audits.right_to_audit == true
  message "The agreement does not let us audit the supplier's premises"
  hint "Add `audits: {{{{right_to_audit: true, notice: 10 days}}}}`"

# A term is a negotiation position on one field: its tiers are tried in order and the first
# that holds decides; `prefer` is silent, `accept` needs the approval named, `reject` fails.
term {prefix}-AQL "Major-defect AQL" at quality.aql.major
  ref "ISO 2859-1:1999"
  prefer <= 0.65
  accept <= 1.0 approval "Quality Director"
  reject "Above 1.0 too many lots with major defects pass"
"""

TEST_HEAD = """\
# expect: {expect}
# today: 2026-12-01
# {why}
# Rule tests: `# expect:` lists what must fire (RULE@LINE[tier] ~ "message text"), or none.
"""


def ruleset_files(name: str, example: str) -> dict[str, str]:
    """The files of a new ruleset folder, by path relative to the repository, built from the
    example agreement ``qrules init`` writes (which the new rules pass)."""
    if not NAME.match(name):
        raise UsageError(
            f"`{name}` cannot name a ruleset",
            hint="use lower-case letters, digits and dashes, starting with a letter: our-policy",
        )
    prefix, folder = name.upper(), f"rulesets/{name}"
    body = "\n".join(line for line in example.splitlines() if not line.startswith("#")) + "\n"
    accepted = body.replace("major: 0.65", "major: 1.0")
    failing = body.replace("right_to_audit: true", "right_to_audit: false")
    failing = failing.replace("major: 0.65", "major: 2.5")
    head_lines = TEST_HEAD.count("\n")
    audit, aql = _line(failing, "right_to_audit:"), _line(failing, "major:")
    return {
        f"{folder}/{name}.qr": RULESET.format(name=name, prefix=prefix),
        f"{folder}/tests/pass.yaml": _test("none", "Nothing fires: the AQL is preferred.", body),
        f"{folder}/tests/accept.yaml": _test(
            f"{prefix}-AQL@{head_lines + aql}[accept]",
            "An AQL of 1.0 is acceptable with the Quality Director's approval (a note).",
            accepted,
        ),
        f"{folder}/tests/fail.yaml": _test(
            f"{prefix}-AUDIT@{head_lines + audit}[error], "
            f'{prefix}-AQL@{head_lines + aql}[reject] ~ "too many lots"',
            "No right to audit, and an AQL the policy rejects.",
            failing,
        ),
    }


def _test(expect: str, why: str, body: str) -> str:
    return TEST_HEAD.format(expect=expect, why=why) + body


def _line(text: str, needle: str) -> int:
    return next(n for n, line in enumerate(text.splitlines(), 1) if needle in line)


def with_ruleset(config_text: str, spec: str) -> str:
    """The configuration text with ``spec`` added to ``rulesets``, all else as written."""
    lines = config_text.splitlines(keepends=True)
    for index, line in enumerate(lines):
        if re.match(r"^rulesets\s*:\s*(#.*)?$", line):
            end = index + 1
            while end < len(lines) and re.match(r"^\s+(-|#)|^\s*$", lines[end]):
                end += 1
            while end > index + 1 and not lines[end - 1].strip():
                end -= 1  # after the last item, not after the blank lines that follow it
            lines.insert(end, f"  - {spec}\n")
            return "".join(lines)
        flow = re.match(r"^rulesets\s*:\s*\[(.*)\]\s*(#.*)?$", line)
        if flow:
            items = [item.strip() for item in flow[1].split(",") if item.strip()]
            lines[index] = f"rulesets: [{', '.join([*items, spec])}]\n"
            return "".join(lines)
        if re.match(r"^rulesets\s*:", line):
            raise UsageError(
                f"cannot add {spec} to `rulesets` as written",
                source=CONFIG_NAME,
                line=index + 1,
                hint=f"add `- {spec}` under `rulesets:` yourself",
            )
    listed = "".join(f"  - {name}\n" for name in (*DEFAULT_RULESETS, spec))
    return (
        config_text
        + ("" if config_text.endswith("\n") or not config_text else "\n")
        + (f"rulesets:\n{listed}")
    )


def add_to_config(config: Path, spec: str) -> str:
    """The new text of an existing configuration (written by the caller)."""
    try:
        text = config.read_text(encoding="utf-8")
    except OSError as error:
        raise UsageError(f"cannot read {display(config)}: {error.strerror}") from None
    return with_ruleset(text, spec)
