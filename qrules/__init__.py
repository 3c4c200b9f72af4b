"""qrules: check quality agreements against ISO 9001 and organisational rules.

The Python API is what the command line uses::

    import qrules
    rules = qrules.load_ruleset("iso9001", "rulesets/custom/automotive")
    result = qrules.check(rules, "agreements/acme.yaml")
    for finding in result.findings:
        print(finding.line, finding.rule, finding.message)

Names are imported on first use, so that ``qrules --help`` and the pre-commit hook start fast.
"""

from __future__ import annotations

from importlib import import_module
from typing import Any

__version__ = "0.1.0"

_API = {
    "check": "qrules.engine",
    "check_files": "qrules.engine.batch",
    "load_document": "qrules.document",
    "Document": "qrules.document",
    "load_ruleset": "qrules.ruleset",
    "Rulebook": "qrules.ruleset",
    "Ruleset": "qrules.ruleset",
    "Finding": "qrules.model.findings",
    "DocumentResult": "qrules.model.findings",
    "CheckReport": "qrules.model.findings",
    "compare_revisions": "qrules.diff.compare",
    "Revision": "qrules.diff.sources",
    "DiffReport": "qrules.model.diff",
    "QrulesError": "qrules.errors",
    "RuleSyntaxError": "qrules.errors",
    "RulesetError": "qrules.errors",
    "UsageError": "qrules.errors",
}
__all__ = ["__version__", *_API]


def __getattr__(name: str) -> Any:
    if name in _API:
        return getattr(import_module(_API[name]), name)
    raise AttributeError(f"module 'qrules' has no attribute {name!r}")
