"""``qrules negotiate``: where the parties' positions meet, field by field."""

from __future__ import annotations

from typing import Any

import click

from qrules.cli.choices import format_option, rulesets_option, run_choices, run_options
from qrules.cli.output import emit
from qrules.cli.run import EXIT_FINDINGS, EXIT_OK, exits
from qrules.compile import CompiledTerm
from qrules.errors import UsageError


def parties_option(
    ctx: click.Context, param: click.Parameter, values: tuple[str, ...]
) -> dict[str, list[str]]:
    parties: dict[str, list[str]] = {}
    for value in values:
        name, sep, spec = value.partition("=")
        if not sep or not name or not spec:
            raise click.BadParameter(f"{value!r} is not NAME=RULESET, e.g. customer=iso9001")
        if name in parties:
            raise click.BadParameter(f"two parties are named {name!r}; name each party once")
        parties[name] = [spec]
    return parties


@click.command()
@click.argument("draft", required=False, type=click.Path(dir_okay=False))
@click.option(
    "--party",
    "parties",
    multiple=True,
    required=True,
    metavar="NAME=RULESET",
    callback=parties_option,
    help="A party and the ruleset (file, folder or built-in name) of its positions: its "
    "terms. Repeat for each party.",
)
@rulesets_option(
    "Hard constraints every party must meet (e.g. iso9001, a regulator's rules).", "shared"
)
@format_option(
    ["text", "json", "markdown", "html"],
    "text for the terminal; json for tools; markdown a memo per field; html one page "
    "with a band chart per ordered field.",
)
@click.option(
    "--audience",
    type=click.Choice(["internal", "mediator"]),
    default="internal",
    show_default=True,
    help="mediator: zones, deadlocks and suggestions only, without any party's tiers, "
    "approvers, reasons, or the bounds a gap would reveal.",
)
@click.option("--output", "-o", type=click.Path(dir_okay=False), help="Write it to this file.")
@click.option(
    "--weights",
    "weight_files",
    multiple=True,
    metavar="NAME=FILE",
    help="A party's weights: YAML, term id or field path → importance, summing to 100. "
    "With weights for every party: Pareto-efficient packages, the Nash package, trades.",
)
@click.option(
    "--write-proposal",
    "proposal",
    type=click.Path(dir_okay=False),
    help="With DRAFT: write a copy of it with the suggested value at each field whose value "
    "lies outside the zone (comments and layout kept); DRAFT itself is never changed.",
)
@run_options
@exits
def negotiate(
    draft: str | None,
    parties: dict[str, list[str]],
    shared: tuple[str, ...],
    output_format: str,
    audience: str,
    output: str | None,
    weight_files: tuple[str, ...],
    proposal: str | None,
    schema: str | None,
    params: tuple[Any, ...],
) -> int:
    """Where the parties' positions overlap, where they deadlock, and what closes the gap.

    Each party's terms (prefer / accept with approval / reject) become regions of values;
    terms of different parties meet on the same field. For each field: the zone every party
    accepts, the zone every party prefers, the approvals a value needs, a suggested value,
    and for a deadlock the gap and each party's concession. With DRAFT, where the draft
    stands on each field. Exit 1 when a field deadlocks.
    """
    from qrules.negotiate.analysis import analyse
    from qrules.report.negotiation import mediator_view, render_json, render_text
    from qrules.ruleset import load_ruleset

    if proposal and not draft:
        raise UsageError("--write-proposal needs the DRAFT to start from")
    if len(parties) < 2:
        raise UsageError(
            "negotiating needs two parties or more", hint="repeat --party NAME=RULESET"
        )
    every = [spec for specs in parties.values() for spec in specs] + list(shared)
    chosen = run_choices(schema, params, [*every, *([draft] if draft else [])])
    options: dict[str, Any] = {"schema": chosen.schema, "params": chosen.params}
    books = {name: load_ruleset(*specs, **options) for name, specs in parties.items()}
    for name, book in books.items():
        if not any(isinstance(c, CompiledTerm) for c in book.checks):
            raise UsageError(
                f"party {name} has no terms: its positions are the terms of its ruleset",
                source=", ".join(parties[name]),
                hint='write its positions as `term ID "title" at PATH` with prefer/accept/reject',
            )
    constraints = load_ruleset(*shared, **options) if shared else None
    analysis = analyse(books, constraints)
    weights = _weights(weight_files, analysis) if weight_files else {}
    declared = [b.schema for b in books.values() if b.schema != "auto"]
    drafts = _draft_values(analysis, draft, declared[0] if declared else "auto") if draft else {}
    if proposal and draft:
        _write_proposal(draft, proposal, analysis, drafts, weights)
    if audience == "mediator":
        analysis, drafts = mediator_view(analysis, drafts)
    declared_schema = declared[0] if declared else "auto"
    evidence = _evidence(
        [*books.values(), *([constraints] if constraints else [])], draft, declared_schema
    )
    if output_format == "json":
        rendered = render_json(analysis, parties, drafts, weights, evidence[0])
    elif output_format in ("markdown", "html"):
        from qrules.report import negotiation_page

        page = negotiation_page.render_html if output_format == "html" else None
        rendered = (
            page(analysis, drafts, weights, evidence)
            if page
            else negotiation_page.render_markdown(analysis, drafts, weights, evidence)
        )
    else:
        rendered = render_text(analysis, drafts, weights)
    emit(rendered, output)
    return EXIT_OK if analysis.feasible else EXIT_FINDINGS


def _evidence(books: list[Any], draft: str | None, schema: Any) -> tuple[Any, list[Any]]:
    """Which rulesets (and their sha256) negotiated, over which draft's bytes."""
    from pathlib import Path

    from qrules import __version__
    from qrules.model.evidence import file_sha256, gather
    from qrules.resources import schema_path

    rulesets = {r.path: r.evidence() for book in books for r in book.rulesets}
    run = gather(__version__, None, rulesets.values(), schema if draft else None, schema_path())
    return run, [(draft, file_sha256(Path(draft)))] if draft else []


def _weights(specs: tuple[str, ...], analysis: Any) -> dict[str, dict[str, float]]:
    """Each party's weights, read as strictly as an agreement; every key a term id of that
    party or a compared field, every value a number, the total 100."""
    from pathlib import Path

    from qrules.document.load import parse_document
    from qrules.document.model import Document
    from qrules.document.read import read_text

    weights: dict[str, dict[str, float]] = {}
    for spec in specs:
        name, sep, file = spec.partition("=")
        if not sep or name not in analysis.parties:
            known = ", ".join(analysis.parties)
            raise UsageError(f"--weights {spec!r}: not NAME=FILE for a party ({known})")
        document = Document(file, kind="weights file")
        text = read_text(Path(file), document)
        if text is not None:
            parse_document(text, document, None)
        if document.problems or not isinstance(document.data, dict):
            problem = document.problems[0] if document.problems else None
            where = (problem.line, problem.column) if problem else (1, 1)
            message = problem.message if problem else "a weights file maps terms to numbers"
            raise UsageError(message, source=file, line=where[0], column=where[1])
        weights[name] = _checked_weights(document, name, analysis)
    missing = [p for p in analysis.parties if p not in weights]
    if missing:
        raise UsageError(
            f"weights for {', '.join(missing)} are missing", hint="give --weights for every party"
        )
    return weights


def _checked_weights(document: Any, party: str, analysis: Any) -> dict[str, float]:
    known = {t.path for t in analysis.terms} | {
        t.positions[party].term for t in analysis.terms if party in t.positions
    }
    weights = {}
    for key, value in document.data.items():
        line, column = document.locations.get((key,), (1, 1))
        if key not in known:
            raise UsageError(
                f"`{key}` is neither a term of {party} nor a compared field",
                source=document.path,
                line=line,
                column=column,
                hint=f"known: {', '.join(sorted(known))}",
            )
        if isinstance(value, bool) or not isinstance(value, (int, float)) or value < 0:
            raise UsageError(
                f"the weight of `{key}` must be a number of 0 or more",
                source=document.path,
                line=line,
                column=column,
            )
        weights[str(key)] = float(value)
    if abs(sum(weights.values()) - 100) > 0.01:
        raise UsageError(
            f"the weights of {party} add up to {sum(weights.values()):g}, not 100",
            source=document.path,
            hint="give each field a share of 100",
        )
    return weights


def _write_proposal(
    draft: str,
    target: str,
    analysis: Any,
    drafts: dict[str, Any],
    weights: dict[str, dict[str, float]],
) -> None:
    """The draft with each suggestion written in where the draft lies outside the zone,
    and, on a deadlocked field, the value of the cheapest concession: the proposal then
    holds what the parties would sign once that party concedes."""
    import os
    from pathlib import Path

    from qrules.fileio import cannot_write, check_writable, write_atomic
    from qrules.model.values import show
    from qrules.negotiate.analysis import cheapest
    from qrules.negotiate.proposal import write_in

    if os.path.realpath(target) == os.path.realpath(draft):
        raise cannot_write(target, "it is the DRAFT", hint="write the proposal to another file")
    check_writable(target)
    changes, pending = {}, []
    for term in analysis.terms:
        value = drafts.get(term.path)
        concession = cheapest(term, weights or None) if term.deadlock else None
        proposed = concession.to if concession else term.suggestion
        if concession:
            pending.append(
                f"{term.path} holds {show(proposed)}, agreed once {concession.party} moves "
                f"{show(concession.bound)} to {show(concession.to)}"
            )
        if value is None or value.inside or proposed is None or not value.line:
            continue
        if value.value != proposed:
            changes[value.line] = proposed
    text = Path(draft).read_text(encoding="utf-8")
    write_atomic(target, write_in(text, changes))
    still = "".join(f"; {line}" for line in pending)
    click.echo(f"wrote {target}: {len(changes)} values changed{still}", err=True)


def _draft_values(analysis: Any, draft: str, schema: Any) -> dict[str, Any]:
    """Each compared field's value in the draft, read as ``check`` reads agreements."""
    from qrules.document import load_document
    from qrules.negotiate.analysis import draft_value

    document = load_document(draft, schema)
    if not document.readable:
        problem = document.problems[0]
        raise UsageError(problem.message, source=draft, line=problem.line, column=problem.column)
    found = {}
    for term in analysis.terms:
        path = tuple(term.path.split("."))
        value: Any = document.data
        for key in path:
            value = value.get(key) if isinstance(value, dict) else None
        line = document.locations.get(path, (None, None))[0]
        found[term.path] = draft_value(term, value, line)
    return found
