"""Compiled rules × one document → findings, with tiers and waivers applied."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Iterator
from dataclasses import replace
from pathlib import Path
from typing import Any

from qrules.compile import (
    MISSING_HOLE,
    TIER_VALUE,
    UNKNOWN_HOLE,
    CompiledRule,
    CompiledTerm,
    CompiledTier,
    DocPath,
    Env,
    MissingField,
    RuleInfo,
    Verdicts,
)
from qrules.document import Document, dotted, load_document
from qrules.engine.waivers import apply_waivers
from qrules.model.findings import DocumentResult, Finding, Identity, Party
from qrules.model.paths import identity_path, undotted
from qrules.model.values import show
from qrules.ruleset import Rulebook
from qrules.stdlib.core import EvalError


def check(
    rules: Rulebook,
    document: Document | str | Path,
    *,
    today: dt.date | None = None,
    schema: str | Path | None = "auto",
) -> DocumentResult:
    """Every finding of one agreement, in output order (line, then rule id). ``schema``
    "auto" is the rulebook's (a ruleset's `schema` header, else the built-in one)."""
    if not isinstance(document, Document):
        document = load_document(document, rules.schema if schema == "auto" else schema)
    findings = list(document.problems)
    if not document.readable:
        return DocumentResult(
            document.path,
            tuple(sorted(findings, key=lambda f: f.sort_key)),
            sha256=document.sha256,
        )
    today = today or dt.date.today()
    applied, raw = run_rules(rules, document, today)
    raw = _beside_refused_values(raw, document)
    findings += apply_waivers(raw, document, rules.rule_ids(), today)
    return DocumentResult(
        document.path,
        tuple(sorted(_identified(findings, document), key=lambda f: f.sort_key)),
        identity=_identity(document),
        applied=tuple(applied),
        sha256=document.sha256,
    )


def run_rules(
    rules: Rulebook, document: Document, today: dt.date
) -> tuple[list[str], list[Finding]]:
    """The ids of the rules that applied, and their findings. The fast verdict decides the
    rules that certainly do not apply or hold; the closures run the others, as they would
    run all of them without it."""
    checks = rules.checks
    applied: list[str] = []
    raw: list[Finding] = []

    def unsure(index: int) -> None:
        compiled = checks[index]
        ran, found = _run(compiled, document, today)
        if ran:
            applied.append(compiled.info.id)
        raw.extend(found)

    verdicts = verdicts_for(rules)
    if verdicts is None or not verdicts(document.data, today, applied, unsure):
        for index in range(len(checks)):
            unsure(index)
    return applied, raw


WARM_UP = 16  # agreements a rulebook checks with its closures alone, before the fast verdict


def verdicts_for(rules: Rulebook) -> Verdicts | None:
    """The fast verdict for the next agreement: as ``rules.fast`` says, and by default from
    the agreement after the first WARM_UP (compiling it costs about what checking that many
    does, which a pre-commit check of one agreement would only pay)."""
    if rules.fast is None and rules.checked[0] < WARM_UP:
        rules.checked[0] += 1
        return None
    return rules.verdicts if rules.fast is not False else None


def _identified(findings: list[Finding], document: Document) -> list[Finding]:
    """Findings in list elements carry the element's identity (a product's part number),
    so that a baseline or a redline knows them again after their neighbours moved."""
    return [
        replace(f, identity=identity_path(document.data, undotted(f.path))) if "[" in f.path else f
        for f in findings
    ]


def _identity(document: Document) -> Identity | None:
    """The agreement's own account of what it is, for the reports' identity blocks; a value
    YAML re-typed (`revision: 1.10`, read as 1.1) as the agreement wrote it."""
    data = document.data
    if not isinstance(data, dict):
        return None
    shown = {
        key: document.written_as.get((key,)) or _shown(data.get(key)) for key in _IDENTITY_KEYS
    }
    listed = data.get("parties")
    parties = [p for p in listed if isinstance(p, dict)] if isinstance(listed, list) else []
    return Identity(
        **shown, parties=tuple(Party(_shown(p.get("name")), _shown(p.get("role"))) for p in parties)
    )


_IDENTITY_KEYS = ("id", "title", "revision", "status", "type", "effective", "term")


def _shown(value: Any) -> str | None:
    """A scalar as messages show it; None for what is absent or not a single value."""
    if type(value) is str:  # most of them, shown as they are (`show` would say the same)
        return value
    if value is None or isinstance(value, (dict, list)):
        return None
    return show(value)


def _value_at(data: Any, path: DocPath) -> str | None:
    for key in path:
        try:
            data = data[key]
        except (KeyError, IndexError, TypeError):
            return None
    return _shown(data)


def _beside_refused_values(findings: list[Finding], document: Document) -> list[Finding]:
    """A value the loader refused (a bad tag, a number too long) has its finding already; the
    rules that then miss it would only say the same thing again, less precisely."""
    if not document.dropped:
        return findings
    refused = {dotted(path) for path in document.dropped}
    return [f for f in findings if not any(_within(f.path, r) for r in refused)]


def _within(path: str, top: str) -> bool:
    return path == top or path.startswith((f"{top}.", f"{top}["))


def _run(
    check: CompiledRule | CompiledTerm, document: Document, today: dt.date
) -> tuple[bool, list[Finding]]:
    """Whether the rule applied to the agreement, and its findings."""
    env = Env(document.data, today)
    try:
        if not _applies(check.conditions, env):
            return False, []
        if isinstance(check, CompiledTerm):
            return True, list(_run_term(check, document, env))
    except (MissingField, EvalError) as error:
        return True, [_failure(check, document, error, env)]
    found = list(_run_rule(check, document, env))
    # dict.fromkeys: several requires on one missing section report it once (hashing a
    # finding costs a microsecond: only where there are several)
    return True, list(dict.fromkeys(found)) if len(found) > 1 else found


def _applies(conditions: Iterable[Any], env: Env) -> bool:
    """Scope and `when` guards; a guard on a missing field means the rule does not apply."""
    for condition in conditions:
        try:
            if condition(env) is not True:
                return False
        except MissingField:
            return False
    return True


def _run_rule(rule: CompiledRule, document: Document, env: Env) -> Iterator[Finding]:
    try:
        for name, value in rule.lets:
            mark = len(env.trace)
            env.bindings[name] = (value(env), None)
            del env.trace[mark:]  # what a `let` read is not what a `require` failed on
    except (MissingField, EvalError) as error:
        yield _failure(rule, document, error, env)
        return
    for index, failures in enumerate(rule.requires):
        try:
            for blame in failures(env):
                message = rule.message(env) if rule.message else rule.default_messages[index]
                hint = rule.hint(env) if rule.hint else None
                yield _finding(rule.info, document, blame, message, rule.info.severity, hint=hint)
        except (MissingField, EvalError) as error:
            yield _failure(rule, document, error, env)


def _run_term(term: CompiledTerm, document: Document, env: Env) -> Iterator[Finding]:
    value, path = term.value(env)
    path = path or ()
    hint = term.hint(env) if term.hint else None
    index = _deciding_tier(term, env, value)
    if index is not None:
        tier = term.tiers[index]
        if tier.kind != "prefer":
            if tier.message is not None:
                env.bindings[TIER_VALUE] = (value, path)
            spoken = tier.message(env) if tier.message is not None else None
            yield _tier_finding(term, tier, document, path, value, hint, spoken)
        return
    message = f"{term.info.title} {show(value)} matches no negotiated position"
    yield _finding(term.info, document, path, message, term.info.severity, hint=hint)


def _deciding_tier(term: CompiledTerm, env: Env, value: Any) -> int | None:
    """The index of the first tier that holds: tiers are tried in order."""
    return next((i for i, tier in enumerate(term.tiers) if tier.holds(env, value)), None)


def decided_tiers(rules: Rulebook, document: Document, today: dt.date) -> list[tuple[str, int]]:
    """(term id, tier index) for each term whose value a tier decided in this agreement;
    a ``prefer`` tier reports nothing, so rule tests need this to know it was reached."""
    decided = []
    for term in (c for c in rules.checks if isinstance(c, CompiledTerm)):
        env = Env(document.data, today)
        try:
            if document.readable and _applies(term.conditions, env):
                index = _deciding_tier(term, env, term.value(env)[0])
                decided += [(term.info.id, index)] if index is not None else []
        except (MissingField, EvalError):
            continue
    return decided


def _tier_finding(
    term: CompiledTerm,
    tier: CompiledTier,
    document: Document,
    path: DocPath,
    value: Any,
    hint: str | None,
    spoken: str | None = None,
) -> Finding:
    """A tier's finding: its own message where it has one, else a standard sentence."""
    title = f"{term.info.title} {show(value)}"
    if tier.kind == "accept":
        preferred = f" ({term.preferred})" if term.preferred else ""
        message = f"{title} is outside the preferred position{preferred}; acceptable"
        message += f" with approval by {tier.approval}" if tier.approval else " as a fallback"
        severity = tier.severity or "note"
    else:
        message = f"{title} is rejected"
        severity = tier.severity or term.info.severity
        message += "" if tier.reason or not tier.written else f" ({tier.written})"
    if tier.reason:
        message += f": {tier.reason}"
    if spoken is not None:
        message = spoken
    return _finding(
        term.info,
        document,
        path,
        message,
        severity,
        hint=hint,
        tier=tier.kind,
        approval=tier.approval,
    )


def _failure(
    check: CompiledRule | CompiledTerm, document: Document, error: Exception, env: Env
) -> Finding:
    """A field the rule needs is missing, or a value it cannot work with."""
    hint = None
    if check.hint is not None:
        try:
            hint = check.hint(env)
        except (MissingField, EvalError):
            hint = None
    if isinstance(error, MissingField):
        path = error.path
        message = f"{_explanation(check, env)} — `{dotted(error.path)}` is missing"
    else:
        path, message = (env.trace[-1] if env.trace else ()), f"cannot evaluate: {error}"
    return _finding(
        check.info,
        document,
        path,
        message,
        check.info.severity,
        hint=hint,
        tier="reject" if isinstance(check, CompiledTerm) else None,
    )


def _explanation(check: CompiledRule | CompiledTerm, env: Env) -> str:
    """What the rule says is wrong, for a finding about a missing field: its own message
    when that reads whole without the field, else its title."""
    if isinstance(check, CompiledRule) and check.message is not None:
        text = check.message(env)
        if MISSING_HOLE not in text and UNKNOWN_HOLE not in text:
            return text
    return check.info.title


def _finding(
    info: RuleInfo,
    document: Document,
    path: DocPath,
    message: str,
    severity: str,
    **extra: Any,
) -> Finding:
    _, (line, column) = document.locate(path)
    return Finding(
        rule=info.id,
        ruleset=info.ruleset,
        severity=severity,
        title=info.title,
        message=message,
        refs=info.refs,
        path=dotted(path),
        line=line,
        column=column,
        value=_value_at(document.data, path),
        **extra,
    )
