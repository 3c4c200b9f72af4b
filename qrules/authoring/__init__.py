"""Tools for ruleset authors: ``lint`` (mistakes before anything runs), ``testing``
(``qrules test``: annotated example agreements), ``docs`` (``qrules doc`` and ``explain``)."""
