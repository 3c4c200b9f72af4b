"""``qrules sample``: an ISO 2859-1 sampling plan, or a given plan (n, Ac), and its OC curve.

Thin on purpose: the tables and the probabilities live in :mod:`qrules.stdlib.sampling`,
the chart in :mod:`qrules.report.oc_svg`. Percentages on the command line and in the output
(p, AQL, LQ) are percent nonconforming — or nonconformities per 100 units for AQLs above 10.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import click

from qrules.cli.run import EXIT_OK, exits
from qrules.errors import UsageError
from qrules.fileio import write_atomic
from qrules.report.oc_svg import X_LABEL, render_oc_svg
from qrules.stdlib import sampling
from qrules.stdlib.sampling import SamplingPlan

TABLE_STEPS = 20  # rows of the printed OC table (about)
CHART_STEPS = 100  # points of the drawn curve
MODE_TITLES = {
    "normal": "ISO 2859-1 Table 2-A, normal inspection",
    "tightened": "ISO 2859-1 Table 2-B, tightened inspection",
    "reduced": "reduced inspection, MIL-STD-105E / ANSI Z1.4 Table II-C",
}


@dataclass(frozen=True)
class Options:
    """The command line as typed; nothing is interpreted yet."""

    lot: str | None
    level: str | None
    aql: str | None
    mode: str | None
    n: str | None
    ac: str | None
    at: tuple[str, ...]
    lq: str | None
    model: str | None


@dataclass(frozen=True)
class Analysis:
    """A plan, the model used for it, its OC points and its risks. p values are fractions."""

    plan: SamplingPlan | None
    n: int
    ac: int
    model: str
    lot_size: int | None
    oc: list[tuple[float, float]]
    aql: str | None
    producer_risk: float | None
    lq: float  # fraction
    lq_given: bool
    consumer_risk: float

    @property
    def per_100_units(self) -> bool:
        return self.aql is not None and sampling.oc_model(self.aql) == "poisson"


@click.command("sample")
@click.option("--lot", metavar="N", help="Lot size in units (also for --model hypergeometric).")
@click.option(
    "--level", metavar="[I|II|III|S-1|S-2|S-3|S-4]", help="Inspection level (general or special)."
)
@click.option("--aql", metavar="A", help="AQL in percent, from the ISO 2859-1 series (e.g. 1.0).")
@click.option(
    "--mode",
    metavar="[normal|tightened|reduced]",
    help="Inspection severity (ISO 2859-1 switching). Default: normal.",
)
@click.option("--n", "n", metavar="N", help="Sample size of a plan you already have.")
@click.option("--ac", metavar="C", help="Acceptance number of a plan you already have.")
@click.option("--at", multiple=True, metavar="P", help="p in percent (1.5 or 1.5%); repeatable.")
@click.option("--lq", metavar="P", help="Limiting quality in percent [default: p where Pa = 10%].")
@click.option(
    "--model",
    metavar="[binomial|poisson|hypergeometric]",
    help="OC model. Default: binomial, or poisson for AQLs above 10; hypergeometric needs --lot.",
)
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["text", "json"]),
    default="text",
    show_default=True,
    help="text: the plan, OC table and risks; json: the same for tools.",
)
@click.option(
    "--svg", type=click.Path(dir_okay=False, path_type=Path), help="Write the OC chart (SVG)."
)
@exits
def sample(fmt: str, svg: Path | None, **raw: Any) -> int:
    """Show an ISO 2859-1 single sampling plan and its operating characteristic (OC).

    Either look a plan up (--lot, --level, --aql [--mode]) or give one (--n, --ac).
    p, AQL and LQ are in percent. The OC model is binomial, or Poisson for AQLs above 10
    (nonconformities per 100 units); hypergeometric treats one isolated lot of --lot units.
    """
    analysis = analyse(Options(**raw))
    if svg is not None:
        write_atomic(svg, chart(analysis))
    click.echo(json.dumps(as_json(analysis), indent=2) if fmt == "json" else as_text(analysis))
    return EXIT_OK


# --- from options to an analysis --------------------------------------------------------------


def analyse(options: Options) -> Analysis:
    plan_options = [name for name in ("level", "aql", "mode") if getattr(options, name)]
    given = [name for name in ("n", "ac") if getattr(options, name)]
    if plan_options and given:
        raise UsageError(
            "use either a plan to look up (--lot, --level, --aql, --mode) or a given plan "
            f"(--n, --ac), not both: got {_flags(plan_options + given)}",
            hint="drop --n/--ac to look the plan up, or drop --level/--aql/--mode",
        )
    if given:
        return _given_plan(options)
    if plan_options or options.lot:
        return _looked_up_plan(options)
    raise UsageError(
        "nothing to sample", hint="give --lot, --level and --aql, or --n and --ac (see --help)"
    )


def _looked_up_plan(options: Options) -> Analysis:
    missing = [name for name in ("lot", "level", "aql") if not getattr(options, name)]
    if missing:
        raise UsageError(
            f"looking up a plan needs {_flags(missing)}",
            hint="e.g. qrules sample --lot 1000 --level II --aql 1.0",
        )
    lot, level, aql = (options.lot or "", options.level or "", options.aql or "")
    plan = sampling.sampling_plan(_whole(lot, "--lot"), level, aql, options.mode or "normal")
    model = options.model or sampling.oc_model(plan.aql)
    return _analysis(plan, plan.n, plan.ac, model, plan.lot_size, options)


def _given_plan(options: Options) -> Analysis:
    if not (options.n and options.ac):
        raise UsageError("a given plan needs both --n and --ac", hint="e.g. --n 80 --ac 2")
    lot = _whole(options.lot, "--lot") if options.lot else None
    if lot is None and sampling.check_model(options.model or "binomial") == "hypergeometric":
        raise UsageError("the hypergeometric model needs the lot size", hint="give --lot N")
    n, ac = _whole(options.n, "--n"), _whole(options.ac, "--ac")
    return _analysis(None, n, ac, options.model or "binomial", lot, options)


def _analysis(
    plan: SamplingPlan | None, n: int, ac: int, model: str, lot: int | None, options: Options
) -> Analysis:
    model = sampling.check_model(model)
    points = [_percent(text, "--at", model) for text in options.at]
    grid = points or sampling.default_grid(n, ac, model=model, lot_size=lot, steps=TABLE_STEPS)
    lq, lq_given = _limiting_quality(n, ac, model, lot, options.lq)
    aql = plan.aql if plan else None
    return Analysis(
        plan=plan,
        n=n,
        ac=ac,
        model=model,
        lot_size=lot,
        oc=sampling.oc_curve(n, ac, grid, model, lot),
        aql=aql,
        producer_risk=_producer_risk(n, ac, aql, model, lot),
        lq=lq,
        lq_given=lq_given,
        consumer_risk=sampling.acceptance_probability(n, ac, lq, model, lot),
    )


def _producer_risk(n: int, ac: int, aql: str | None, model: str, lot: int | None) -> float | None:
    if aql is None:
        return None
    return sampling.producer_risk({"n": n, "ac": ac}, aql, model=model, lot_size=lot)


def _limiting_quality(
    n: int, ac: int, model: str, lot: int | None, text: str | None
) -> tuple[float, bool]:
    """The LQ given with --lq, else the p at which the plan accepts 10 % of lots (LQ10)."""
    if text:
        return _percent(text, "--lq", model), True
    pa = sampling.CONSUMER_PA
    return sampling.quality_at_acceptance(n, ac, pa, model=model, lot_size=lot), False


def _whole(text: str, flag: str) -> int:
    try:
        return int(text.strip())
    except ValueError:
        raise UsageError(f"{flag} {text!r} is not a whole number", hint=f"e.g. {flag} 80") from None


def _percent(text: str, flag: str, model: str) -> float:
    """A p given in percent, checked in percent so that messages speak the user's unit."""
    example = f"{flag} 1.5 means 1.5%"
    try:
        p = sampling.percent_to_fraction(text, flag)
    except UsageError as error:
        raise UsageError(error.message, hint=example) from None
    if p < 0 or (p > 1 and model != "poisson"):
        raise UsageError(f"{flag} {text} is not a percentage between 0 and 100", hint=example)
    return p


def _flags(names: list[str]) -> str:
    return ", ".join(f"--{name}" for name in names)


# --- output ----------------------------------------------------------------------------------


def as_json(analysis: Analysis) -> dict[str, Any]:
    """Plan keys as in the rule language; p, AQL and LQ in percent, Pa and risks as fractions."""
    head: dict[str, Any] = {"n": analysis.n, "ac": analysis.ac}
    if analysis.plan is not None:
        plan = analysis.plan
        head = plan.as_record() | {
            "lot_size": plan.lot_size,
            "level": plan.level,
            "aql": float(plan.aql),
            "mode": plan.mode,
        }
    return head | {
        "model": analysis.model,
        "lot_size": analysis.lot_size,
        "p_unit": _p_unit(analysis),
        "oc": [{"p": _pct(p), "pa": pa} for p, pa in analysis.oc],
        "producer_risk": analysis.producer_risk,
        "lq": _pct(analysis.lq),
        "lq_basis": "given" if analysis.lq_given else "pa=0.10",
        "consumer_risk": analysis.consumer_risk,
    }


def as_text(analysis: Analysis) -> str:
    lines = [*_plan_lines(analysis), "", *_oc_lines(analysis), "", *_risk_lines(analysis)]
    return "\n".join(lines)


def _plan_lines(analysis: Analysis) -> list[str]:
    plan = analysis.plan
    if plan is None:
        lot = f", lot size {analysis.lot_size}" if analysis.lot_size else ""
        return [f"Plan: n = {analysis.n}, Ac = {analysis.ac}{lot}"]
    lines = [
        f"Plan: {MODE_TITLES[plan.mode]}",
        f"  lot size {plan.lot_size}, inspection level {plan.level}, "
        f"AQL {plan.aql}{_unit(analysis)}",
        f"  code letter {plan.letter}: sample n = {plan.n}, accept Ac = {plan.ac}, "
        f"reject Re = {plan.re}",
    ]
    if plan.inspect_all:
        lines.append("  the sample is the whole lot: inspect every unit (100 %)")
    if sampling.is_edge_cell(sampling.code_letter(plan.lot_size, plan.level), plan.aql, plan.mode):
        lines.append(
            "  note: the printed arrow for this cell points off the table (unconfirmed cell)"
        )
    if plan.re > plan.ac + 1:
        lines.append(
            f"  between Ac and Re ({plan.ac} < d < {plan.re}): accept the lot, "
            "but return to normal inspection"
        )
    return lines


def _oc_lines(analysis: Analysis) -> list[str]:
    lot = f", lot of {analysis.lot_size}" if analysis.model == "hypergeometric" else ""
    rows = [f"{_pct_text(p):>10}  {pa:.4f}" for p, pa in analysis.oc]
    return [
        f"Operating characteristic ({analysis.model} model{lot}); p in {_p_unit(analysis)}",
        f"{'p (%)' if _unit(analysis) == ' %' else 'per 100':>10}  Pa",
        *rows,
    ]


def _risk_lines(analysis: Analysis) -> list[str]:
    lines = []
    if analysis.producer_risk is not None:
        lines.append(
            f"producer's risk at AQL {analysis.aql}{_unit(analysis)}: "
            f"1 - Pa = {analysis.producer_risk:.4f}"
        )
    basis = "given" if analysis.lq_given else "where Pa falls to 10 %; choose it with --lq"
    lines.append(
        f"consumer's risk at LQ {_pct(analysis.lq):.4g}{_unit(analysis)} ({basis}): "
        f"Pa = {analysis.consumer_risk:.4f}"
    )
    return lines


def _p_unit(analysis: Analysis) -> str:
    return "nonconformities per 100 units" if analysis.per_100_units else "percent nonconforming"


def _unit(analysis: Analysis) -> str:
    return " per 100 units" if analysis.per_100_units else " %"


def _pct(p: float) -> float:
    return round(p * 100, 10)


def _pct_text(p: float) -> str:
    return f"{_pct(p):.6g}"


# --- chart -----------------------------------------------------------------------------------


def chart(analysis: Analysis) -> str:
    """The OC chart on a fine grid, with exact points at the AQL and the LQ."""
    grid = sampling.default_grid(
        analysis.n, analysis.ac, model=analysis.model, lot_size=analysis.lot_size, steps=CHART_STEPS
    )
    aql = float(analysis.aql) if analysis.aql else None
    extra = [analysis.lq] + ([aql / 100] if aql is not None else [])
    points = sampling.oc_curve(
        analysis.n, analysis.ac, sorted(set(grid + extra)), analysis.model, analysis.lot_size
    )
    return render_oc_svg(
        points,
        title=_chart_title(analysis),
        aql=aql,
        lq=_pct(analysis.lq),
        plan_label=_label(analysis),
        x_label="Nonconformities per 100 units" if analysis.per_100_units else X_LABEL,
        unit=" per 100 units" if analysis.per_100_units else "%",
    )


def _chart_title(analysis: Analysis) -> str:
    plan = analysis.plan
    if plan is None:
        return f"OC curve: n = {analysis.n}, Ac = {analysis.ac}"
    return f"OC curve: lot {plan.lot_size}, level {plan.level}, AQL {plan.aql}, {plan.mode}"


def _label(analysis: Analysis) -> str:
    model = f"{analysis.model} model"
    if analysis.model == "hypergeometric":
        model += f", lot of {analysis.lot_size}"
    if analysis.plan is None:
        return model
    plan = analysis.plan
    return f"code letter {plan.letter}: n = {plan.n}, Ac = {plan.ac}, Re = {plan.re} ({model})"
