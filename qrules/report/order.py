"""The order people read lists in: agreement-2 before agreement-10, clause 8.4 before 8.10."""

from __future__ import annotations

import re

_NUMBER = re.compile(r"(\d+)")
OTHER = "Other"  # the group of findings that cite no clause


def natural_key(text: str) -> tuple[object, ...]:
    """Digits compare as numbers. Splitting on a capturing group alternates text and digits,
    so the two never meet at one position; the text itself breaks the remaining ties."""
    pieces = _NUMBER.split(text)
    return (
        tuple(int(piece) if index % 2 else piece.casefold() for index, piece in enumerate(pieces)),
        text,
    )


def clause_key(clause: str) -> tuple[bool, tuple[object, ...]]:
    """Clauses in natural order, "Other" last."""
    return (clause == OTHER, natural_key(clause))
