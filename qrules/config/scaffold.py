"""``qrules init``: the files a repository needs to check its agreements on every commit.

A commented ``.qrules.yaml``, a ``.pre-commit-config.yaml`` that runs the qrules hook, and an
example agreement that passes the built-in ISO 9001 ruleset. Nothing is overwritten unless
asked, and every file is written atomically.
"""

from __future__ import annotations

from pathlib import Path

from qrules import __version__
from qrules.config import CONFIG_NAME, display
from qrules.errors import UsageError
from qrules.fileio import cannot_write, check_writable, write_atomic
from qrules.resources import schema_path
from qrules.schema import extension_skeleton

PROJECT_URL = "https://github.com/qrules/qrules"
EXAMPLE = "agreements/example.yaml"
# A copy of the schema in the repository: editors read it offline, and it is pinned to the
# qrules that wrote it (refresh with `qrules schema -o .qrules/agreement.schema.json`).
SCHEMA_COPY = ".qrules/agreement.schema.json"
# The organisation's own schema: the copy above by $ref, plus fields of its own.
ORGANISATION_SCHEMA = ".qrules/organisation.schema.json"

CONFIG_TEMPLATE = """\
# qrules configuration ({url}#use-in-a-repository).
# qrules uses the .qrules.yaml nearest above the files it checks (not above the repository
# root); options given on the command line win over this file.

# Rulesets to check against: built-in names (iso9001, automotive-supplier,
# gmp-contract-manufacturing, software-delivery, eu-mdr-authorised-representative)
# or .qr files and folders, relative to this file.
rulesets:
  - iso9001

# The lowest severity that fails the check, and so the commit: error, warning or note.
fail-on: error

# The agreement schema: auto (the rulesets' own `schema`, else the built-in one for
# `agreement: qrules/v1` files), none, or a JSON Schema file. Fields of your own go in
# .qrules/organisation.schema.json, which extends the built-in schema: to use it, set
# `schema: .qrules/organisation.schema.json` here.
schema: auto

# Which files are agreements. Without `include`, the pre-commit hook and `qrules check`
# without paths check the files that declare `agreement:`; with it, the files it matches.
# Patterns are relative to this file: `*` stays within a folder, `**` crosses folders.
# include:
#   - "agreements/**"
exclude:
  - "**/archive/**"

# Per-rule changes: a new severity or `disabled: true`, always with the reason (reviewed
# like a waiver).
# rules:
#   ISO9001-8.2.4:
#     severity: note
#     reason: Change categories are settled in the purchasing frame contract
#   ISO9001-8.4.2-sampling:
#     disabled: true
#     reason: Deliveries are 100% inspected at goods receipt
"""

# The hooks, as .pre-commit-hooks.yaml publishes them (a test keeps the two the same): the
# file types each is handed and the command it runs.
HOOKS: dict[str, dict[str, str | bool]] = {
    "qrules-check": {
        "name": "qrules check (quality agreements)",
        "entry": "qrules check --agreements-only --quiet",
        "files": r"(\.(ya?ml|json|md|qr)$)",
        "exclude": r"(^|/)\.(pre-commit-config|pre-commit-hooks)\.yaml$",
    },
    "qrules-lint": {"name": "qrules lint (rulesets)", "entry": "qrules lint", "files": r"\.qr$"},
    "qrules-fmt": {
        "name": "qrules fmt --check (rulesets)",
        "entry": "qrules fmt --check",
        "files": r"\.qr$",
    },
    "qrules-test": {
        "name": "qrules test (rule tests)",
        "entry": "qrules test",
        "files": r"(\.qr$|(^|/)tests/|(^|/)\.qrules\.yaml$)",
        "pass_filenames": False,
    },
}

PRE_COMMIT_HEAD = """\
# pre-commit (https://pre-commit.com) runs qrules on every commit: `pre-commit install` once;
# `pre-commit run --all-files` checks everything.
#
# These hooks run the qrules installed where you commit (`language: system`: install qrules
# in the environment you commit from, e.g. `pip install qrules`), so they work offline.
# qrules-check checks the staged agreements, and every agreement when a ruleset or
# .qrules.yaml changes; qrules-lint and qrules-fmt look at staged rulesets; qrules-test runs
# the rule tests of the rulesets .qrules.yaml names. Remove the hooks you do not want.
repos:
  - repo: local
    hooks:
"""

PRE_COMMIT_REMOTE = """\
# Or, once qrules is published, the same hooks from its repository (pre-commit then installs
# qrules into an environment of its own):
#  - repo: {url}
#    rev: v{version}
#    hooks:
#      - id: qrules-check
#        # args: [--fail-on, warning]   # anything `qrules check` accepts
#      - id: qrules-lint
#      - id: qrules-fmt
#      - id: qrules-test
"""


def pre_commit_config() -> str:
    """The ``.pre-commit-config.yaml`` ``qrules init`` writes: local hooks, remote form in
    comments."""
    lines = [PRE_COMMIT_HEAD]
    for hook_id, hook in HOOKS.items():
        lines.append(f"      - id: {hook_id}\n")
        for key, value in hook.items():
            shown = str(value).lower() if isinstance(value, bool) else _quoted(str(value))
            lines.append(f"        {key}: {shown}\n")
        lines.append("        language: system\n        require_serial: true\n")
        if hook_id == "qrules-check":
            lines.append(
                "        # args: [--fail-on, warning]   # anything `qrules check` accepts\n"
            )
    lines.append(PRE_COMMIT_REMOTE.format(url=PROJECT_URL, version=__version__))
    return "".join(lines)


def _quoted(text: str) -> str:
    """A YAML scalar: single-quoted where plain style could be misread (patterns)."""
    if not any(char in text for char in "\\$^|[]{}#:'\""):
        return text
    return "'" + text.replace("'", "''") + "'"


def init_files() -> dict[str, str]:
    """The files ``qrules init`` writes, by path relative to the target folder."""
    return {
        CONFIG_NAME: CONFIG_TEMPLATE.format(url=PROJECT_URL),
        ".pre-commit-config.yaml": pre_commit_config(),
        SCHEMA_COPY: schema_path().read_text(encoding="utf-8"),
        ORGANISATION_SCHEMA: extension_skeleton("agreement.schema.json"),
        EXAMPLE: f"# yaml-language-server: $schema=../{SCHEMA_COPY}\n" + EXAMPLE_AGREEMENT,
        # the result cache of `qrules check` (.qrules/cache) is never committed
        ".qrules/.gitignore": "cache/\n",
    }


def write_init(directory: Path, *, force: bool = False, ruleset: str | None = None) -> list[Path]:
    """Write the files; refuse (writing none) if any exists, unless ``force``.

    With ``ruleset``, also a new ruleset folder, listed in ``rulesets``; in a folder that
    already has a ``.qrules.yaml``, only the ruleset, added to that configuration.
    """
    from qrules.config.new_ruleset import add_to_config, ruleset_files, with_ruleset

    config = directory / CONFIG_NAME
    update = ruleset is not None and config.is_file() and not force
    files = {} if update else init_files()
    if ruleset is not None:
        files |= ruleset_files(ruleset, EXAMPLE_AGREEMENT)
        if not update:
            files[CONFIG_NAME] = with_ruleset(files[CONFIG_NAME], f"rulesets/{ruleset}")
    targets = {directory / name: text for name, text in files.items()}
    _refuse_existing([path for path in targets if path.exists()], force)
    if update and ruleset is not None:
        targets[config] = add_to_config(config, f"rulesets/{ruleset}")
    for path in targets:
        _make_folder(path.parent)
        check_writable(path)  # all or nothing: no half-initialised repository
    for path, text in targets.items():
        write_atomic(path, text)
    return list(targets)


def _refuse_existing(existing: list[Path], force: bool) -> None:
    if existing and not force:
        others = ", ".join(display(path) for path in existing[1:])
        raise UsageError(
            "already exists" + (f", as do {others}" if others else "") + "; nothing was written",
            source=display(existing[0]),
            hint="remove it, or run `qrules init --force` to overwrite",
        )


def _make_folder(folder: Path) -> None:
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as error:
        raise cannot_write(display(folder), error.strerror or str(error)) from None


EXAMPLE_AGREEMENT = """\
# An example agreement: it passes the built-in iso9001 ruleset. Copy it for a new agreement.
agreement: qrules/v1
id: SQA-EXAMPLE-001
title: Supplier Quality Agreement — machined aluminium housings (example)
type: supplier-quality
status: draft
revision: "1.0"
effective: 2027-01-01
term: 3 years

parties:
  - role: customer
    name: Example Customer GmbH
    country: DE
    certifications:
      - standard: ISO 9001:2015
        certificate: "EX-QMS-0001"
        expires: 2030-06-30
  - role: supplier
    name: Example Supplier s.r.o.
    country: CZ
    certifications:
      - standard: ISO 9001:2015
        certificate: "EX-QMS-0002"
        expires: 2030-03-31

scope:
  products:
    - part_number: HX-1001
      name: Housing, EN AW-6082 T6, machined and anodised
      revision: "A"
      specification: Drawing HX-1001 rev A

quality:
  aql:
    critical: 0
    major: 0.65
    minor: 2.5
  ppm_target: 100
  objectives:
    - name: Delivered quality
      target: 100
      measure: Rejected parts per million delivered, rolling 12 months
      owner: Supplier Quality Manager
      due: 2027-12-31

inspection:
  standard: ISO 2859-1:1999
  level: II
  mode: normal
  lot_size: 500       # code letter H; AQL 0.65 leads to J: n=80, Ac 1, Re 2
  sample_size: 80
  accept: 1
  reject: 2

change_control:
  notification: 90 days
  approval_required: true
  covers: [material, process, site, sub-supplier]

nonconformance:
  notification: 24 hours
  containment: 24 hours
  root_cause: 10 days
  corrective_action: 30 days
  method: 8D

audits:
  right_to_audit: true
  notice: 10 days
  regulator_access: true

records:
  retention: 10 years
  access: true

calibration:
  traceable_to: National measurement standards via ISO/IEC 17025 accredited laboratories

subcontracting:
  allowed: true
  approval_required: true
  flow_down: true

requirements:
  reviewed: true
  review_date: 2026-12-01
  differences_resolved: true

supplier_evaluation:
  criteria: [delivered ppm, on-time delivery, 8D closure time]
  reevaluation_interval: 12 months

first_article:
  required: true
  approval: First article inspection report approved by the customer
"""
