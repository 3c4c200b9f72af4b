"""Option types shared by commands: ``--jobs N|auto``, ``--shard I/N``."""

from __future__ import annotations

from typing import Any

import click


class Jobs(click.ParamType):  # type: ignore[type-arg]
    """A number of processes, 1 to 256, or ``auto``."""

    name = "N|auto"

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> Any:
        if isinstance(value, int) or value == "auto":
            return value
        try:
            jobs = int(value)
        except ValueError:
            jobs = 0
        if not 1 <= jobs <= 256:
            self.fail(f"{value!r} is not a number from 1 to 256 or auto", param, ctx)
        return jobs


class Shard(click.ParamType):  # type: ignore[type-arg]
    """``I/N``: shard I (1-based) of N."""

    name = "I/N"

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> Any:
        if isinstance(value, tuple):
            return value
        index, sep, count = str(value).partition("/")
        if sep and index.isdigit() and count.isdigit() and 1 <= int(index) <= int(count):
            return int(index), int(count)
        self.fail(f"{value!r} is not I/N with 1 <= I <= N, e.g. 2/4", param, ctx)
