"""ISO 2859-1 single sampling plans and their operating characteristic (OC).

``plans`` reads the tables (lot size and level → code letter; code letter and AQL → n, Ac,
Re), ``oc`` computes the probability Pa that a plan accepts a lot of quality p, ``curves``
what a plan does over a range of qualities (OC curves, AQL and limiting quality, risks).

Units: ``p`` is a fraction (0.015), AQLs and limiting qualities are percentages (1.5), as
they are printed in the standard and written in agreements.
"""

from qrules.stdlib.sampling.curves import (
    consumer_risk,
    default_grid,
    nice_step,
    oc_curve,
    percent_to_fraction,
    plan_terms,
    producer_risk,
    quality_at_acceptance,
)
from qrules.stdlib.sampling.oc import acceptance_probability, check_model, check_p, check_plan
from qrules.stdlib.sampling.plans import (
    CONSUMER_PA,
    DATA_PATH,
    GRID_END_PA,
    LEVEL_HINT,
    MODELS,
    MODES,
    SamplingPlan,
    TableCell,
    aql_key,
    check_lot_size,
    code_letter,
    is_edge_cell,
    levels,
    normalise_level,
    oc_model,
    sample_size,
    sampling_plan,
    table_cell,
    tables,
    tabulated_aqls,
)

__all__ = [
    "CONSUMER_PA",
    "DATA_PATH",
    "GRID_END_PA",
    "LEVEL_HINT",
    "MODELS",
    "MODES",
    "SamplingPlan",
    "TableCell",
    "acceptance_probability",
    "aql_key",
    "check_lot_size",
    "check_model",
    "check_p",
    "check_plan",
    "code_letter",
    "consumer_risk",
    "default_grid",
    "is_edge_cell",
    "levels",
    "nice_step",
    "normalise_level",
    "oc_curve",
    "oc_model",
    "percent_to_fraction",
    "plan_terms",
    "producer_risk",
    "quality_at_acceptance",
    "sample_size",
    "sampling_plan",
    "table_cell",
    "tables",
    "tabulated_aqls",
]
