"""Rule overrides of a configuration, applied to a finished report."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import replace
from fnmatch import fnmatchcase

from qrules.config.discover import display
from qrules.config.model import FIXED_RULES, Config, RuleOverride
from qrules.errors import UsageError, did_you_mean, source_context
from qrules.model.findings import CheckReport, DocumentResult, Finding, RuleEntry


def apply_overrides(report: CheckReport, config: Config | None) -> CheckReport:
    """The report with the configuration's severities applied and disabled rules removed.

    A new severity applies to every finding of the rule (for a term, every tier's finding);
    an ``overrides`` entry only to the agreements its ``files`` match. Rules disabled for
    every file stay in the report's rule list, marked disabled with the reason, so SARIF
    and JUnit can say so.
    """
    if config is None or not config.all_rule_overrides():
        return report
    known = [entry.id for entry in report.rule_entries()]
    for override in config.all_rule_overrides():
        if override.rule not in known:
            rulesets = [str(r["name"]) for r in report.rulesets]
            raise _unknown_rule(config, override, known, rulesets)
    documents = tuple(override_document(document, config) for document in report.documents)
    by_rule = {override.rule: override for override in config.rules}
    rules = tuple(_overridden_entry(entry, by_rule.get(entry.id)) for entry in report.rules)
    return replace(report, documents=documents, rules=rules)


def select_rules(report: CheckReport, select: Sequence[str], ignore: Sequence[str]) -> CheckReport:
    """Only the findings of rules ``select`` matches (all when empty), less those ``ignore``
    matches: ids or ``fnmatch`` patterns (``ISO9001-8.4.*``). qrules' checks that an
    agreement could be read at all are never left out."""
    if not select and not ignore:
        return report
    documents = tuple(select_document(document, select, ignore) for document in report.documents)
    rules = tuple(
        entry
        if _kept(entry.id, select, ignore) or not entry.enabled
        else replace(entry, enabled=False, override="left out by --select/--ignore")
        for entry in report.rules
    )
    return replace(report, documents=documents, rules=rules)


def select_document(
    document: DocumentResult, select: Sequence[str], ignore: Sequence[str]
) -> DocumentResult:
    """One agreement's result with only the findings :func:`select_rules` keeps (a streamed
    run applies it to each result, and :func:`select_rules` to the report's head)."""
    if not select and not ignore:
        return document
    kept = tuple(f for f in document.findings if _kept(f.rule, select, ignore))
    return replace(document, findings=kept)


def _kept(rule: str, select: Sequence[str], ignore: Sequence[str]) -> bool:
    if rule in FIXED_RULES:
        return True
    chosen = not select or any(fnmatchcase(rule, pattern) for pattern in select)
    return chosen and not any(fnmatchcase(rule, pattern) for pattern in ignore)


def override_document(document: DocumentResult, config: Config | None) -> DocumentResult:
    """One agreement's result with the configuration's overrides for its path applied (a
    streamed run checks them once, on the report's head, with :func:`apply_overrides`)."""
    if config is None or not config.all_rule_overrides():
        return document
    return replace(
        document, findings=_overridden(document.findings, config.rules_for(document.path))
    )


def _overridden(
    findings: Iterable[Finding], by_rule: dict[str, RuleOverride]
) -> tuple[Finding, ...]:
    result = []
    for finding in findings:
        override = by_rule.get(finding.rule)
        if override is None:
            result.append(finding)
        elif not override.disabled:
            result.append(replace(finding, severity=override.severity or finding.severity))
    return tuple(result)


def _overridden_entry(entry: RuleEntry, override: RuleOverride | None) -> RuleEntry:
    if override is None:
        return entry
    return replace(
        entry,
        severity=override.severity or entry.severity,
        enabled=not override.disabled,
        override=override.reason,
    )


def _unknown_rule(
    config: Config, override: RuleOverride, known: list[str], rulesets: list[str]
) -> UsageError:
    return UsageError(
        f"rules: no rule `{override.rule}` in the rulesets of this check",
        source=display(config.path),
        line=override.line,
        column=override.column,
        hint=did_you_mean(override.rule, known, list_them=False)
        or f"the rules come from {', '.join(rulesets)}; `qrules explain ID` shows a rule",
        context=source_context(config.text, override.line, override.column),
    )
