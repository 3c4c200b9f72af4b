"""Compiled rules × documents → findings: ``run`` checks one document (tiers, blame,
missing fields), ``waivers`` applies an agreement's waivers, ``batch`` checks many, in this
process or in worker processes."""

from qrules.engine.run import check, decided_tiers
from qrules.engine.waivers import WAIVER_TITLE, apply_waivers

__all__ = ["WAIVER_TITLE", "apply_waivers", "check", "decided_tiers"]
