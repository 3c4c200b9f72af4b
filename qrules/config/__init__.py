"""``.qrules.yaml``: a repository's settings for qrules, and which files one run checks.

Precedence, highest first: command-line options, the configuration file, built-in defaults
(ruleset ``iso9001``, ``fail-on: error``, ``schema: auto``). ``discover`` finds the file,
``load`` reads it as strictly as an agreement and checks it against
``qrules/schema/config.schema.json``, ``selection`` picks the files of a run, ``overrides``
applies its rule overrides to a report.
"""

from qrules.config.discover import discover, display, find_config, group_by_config
from qrules.config.load import load_config, nearest_config
from qrules.config.model import (
    CONFIG_NAME,
    DEFAULT_RULESETS,
    FIXED_RULES,
    Config,
    Glob,
    PathOverride,
    RuleOverride,
    Settings,
    compile_glob,
    settings,
)
from qrules.config.overrides import (
    apply_overrides,
    override_document,
    select_document,
    select_rules,
)
from qrules.config.selection import declares_agreement, is_rule_test, select_files

__all__ = [
    "CONFIG_NAME",
    "DEFAULT_RULESETS",
    "FIXED_RULES",
    "Config",
    "Glob",
    "PathOverride",
    "RuleOverride",
    "Settings",
    "apply_overrides",
    "compile_glob",
    "declares_agreement",
    "discover",
    "display",
    "find_config",
    "group_by_config",
    "is_rule_test",
    "load_config",
    "nearest_config",
    "override_document",
    "select_document",
    "select_files",
    "select_rules",
    "settings",
]
