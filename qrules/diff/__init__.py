"""Between two revisions of agreements (``qrules diff``) and against a baseline (``qrules
check --baseline``), one module per step: ``sources`` (files and git revisions), ``fields``
(what changed, lists by identity), ``terms`` (tier moves, weaker or stronger, from the
region engine), ``baseline`` (findings new, fixed or unchanged), ``waivers``, and
``compare``, which puts them together."""
