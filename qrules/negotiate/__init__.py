"""Between parties: each party's terms as regions of values (``regions``, ``positions``),
and where they overlap. The groundwork of ``qrules negotiate`` (issue 12): the region
algebra and positions, tested against the engine's own evaluation of terms."""
