"""Two revisions of each agreement → a :class:`DiffReport`: the steps in order.

Each revision is loaded (``sources``) and checked by the engine; the changed fields
(``fields``), each party's term moves on them (``terms``), the findings matched across the
two (``baseline``) and the waivers (``waivers``) make one :class:`AgreementDiff`.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from pathlib import Path

from qrules import __version__
from qrules.diff import baseline, sources
from qrules.diff.fields import changed_fields
from qrules.diff.sources import Revision
from qrules.diff.terms import PartyTerm, party_terms, term_moves
from qrules.diff.waivers import waiver_changes
from qrules.document import Document
from qrules.engine import check
from qrules.engine.catalogue import catalogue
from qrules.errors import UsageError
from qrules.model.diff import AgreementDiff, DiffReport
from qrules.model.evidence import gather
from qrules.model.findings import DocumentResult
from qrules.resources import schema_path
from qrules.ruleset import Params, Rulebook, load_ruleset

OURS = "us"  # the party whose positions are the terms of --ruleset


def compare_revisions(
    pairs: Sequence[tuple[Revision | None, Revision | None]],
    rulesets: Sequence[str | Path],
    parties: Mapping[str, Sequence[str | Path]] | None = None,
    *,
    today: dt.date | None = None,
    schema: str | Path | None = "auto",
    fail_on: str = "none",
    agreements_only: bool = False,
    params: Params | None = None,
    fail_for: Sequence[str] = (),
) -> DiffReport:
    """Compare each (old, new) pair; None for a side where the agreement does not exist.
    ``agreements_only``: skip pairs of which neither side declares ``agreement:`` (other
    YAML of a repository, for ``--git``)."""
    today = today or dt.date.today()

    def load(specs: Sequence[str | Path]) -> Rulebook:
        return load_ruleset(*specs, schema=schema, params=params)

    books = {OURS: load(rulesets), **{name: load(specs) for name, specs in (parties or {}).items()}}
    unknown = [name for name in fail_for if name not in books]
    if unknown:
        raise UsageError(
            f"--for {unknown[0]}: no such party", hint=f"the parties: {', '.join(books)}"
        )
    terms, skipped = party_terms(books)
    shown = _shown([side for pair in pairs for side in pair if side is not None])
    loaded = [
        (old, new, _load(old, schema, shown), _load(new, schema, shown)) for old, new in pairs
    ]
    agreements = tuple(
        _agreement(old, new, before, after, books, terms, skipped, today)
        for old, new, before, after in loaded
        if not agreements_only or _declares(before) or _declares(after)
    )
    judged = {r.path: r.evidence() for book in books.values() for r in book.rulesets}
    return DiffReport(
        version=__version__,
        parties=tuple(name for name in books if any(t.party == name for t in terms)),
        agreements=agreements,
        fail_on=fail_on,
        evidence=gather(__version__, today, judged.values(), schema, schema_path()),
        rules=catalogue(books[OURS]),
        fail_for=tuple(fail_for),
    )


def _shown(revisions: list[Revision]) -> dict[tuple[str, str], bytes | None]:
    """The bytes of every git revision named, one ``git cat-file --batch`` per revision."""
    by_rev: dict[str, list[str]] = {}
    for revision in revisions:
        if revision.rev is not None:
            by_rev.setdefault(revision.rev, []).append(revision.path)
    return {
        (rev, path): raw
        for rev, paths in by_rev.items()
        for path, raw in sources.show_many(rev, paths).items()
    }


def _load(
    revision: Revision | None,
    schema: str | Path | None,
    shown: dict[tuple[str, str], bytes | None],
) -> Document | None:
    if revision is None:
        return None
    if revision.rev is None:
        return sources.load(revision, schema)
    raw = shown[(revision.rev, revision.path)]
    return sources.load(revision, schema, raw) if raw is not None else None


def _declares(document: Document | None) -> bool:
    return document is not None and isinstance(document.data, dict) and "agreement" in document.data


def _agreement(
    old: Revision | None,
    new: Revision | None,
    before: Document | None,
    after: Document | None,
    books: dict[str, Rulebook],
    terms: list[PartyTerm],
    skipped: list[tuple[str, str]],
    today: dt.date,
) -> AgreementDiff:
    # A revision that cannot be read has no fields to compare: its findings say why.
    unread = any(d is not None and not d.readable for d in (before, after))
    fields = [] if unread else changed_fields(before, after)
    checked = {
        name: (_check(book, before, today), _check(book, after, today))
        for name, book in books.items()
    }
    applied = {
        (party, rule)
        for party, results in checked.items()
        for result in results
        for rule in (result.applied or () if result else ())
    }
    moves = list(term_moves(terms, fields, before, after, applied))  # in ruleset order
    was, now = checked[OURS]
    findings = baseline.compare(was.findings if was else (), now.findings if now else ())
    return AgreementDiff(
        old=old.name if old else "(none)",
        new=new.name if new else "(none)",
        old_sha256=before.sha256 if before else None,
        new_sha256=after.sha256 if after else None,
        fields=tuple(fields),
        terms=tuple(moves),
        findings=tuple(findings),
        waivers=tuple(waiver_changes(before, after, today)),
        not_analysed=tuple(skipped) if fields else (),
    )


def _check(rules: Rulebook, document: Document | None, today: dt.date) -> DocumentResult | None:
    return check(rules, document, today=today) if document is not None else None
