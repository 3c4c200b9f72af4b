"""Reports written as results arrive, so a batch of any size holds one result at a time.

``text`` and ``json`` go to a spool file as each agreement is checked (their summary
comes first or last, and a report is published whole or not at all), ``jsonl`` straight
to its target; the other formats (SARIF, JUnit, the memos, coverage) describe the batch as
a whole and keep the results until the end.
"""

from __future__ import annotations

import contextlib
import json
import shutil
import tempfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass, replace
from typing import Any, Protocol, TextIO

from qrules.fileio import UNENCODABLE, open_atomic
from qrules.model.findings import CheckReport, DocumentResult, Tally
from qrules.report import json as json_report
from qrules.report import json_text, jsonl, statistics, text

STREAMED = ("text", "json", "jsonl")


class Stream(Protocol):
    """Where a report goes: a file being written, or standard output."""

    def write(self, text: str, /) -> int: ...

    def flush(self) -> None: ...


@dataclass(frozen=True)
class Output:
    """One report of a run: its format, where it goes (a file, or None for the stream the
    caller gives), and how a format that needs the whole batch is rendered."""

    format: str
    target: str | None
    render: Callable[[CheckReport], str]
    colour: bool = False
    hints: bool = True
    passes: bool = False  # JSON and JSON Lines: the rules each agreement passed
    statistics: bool = False  # text: the counts per rule in place of the finding lines


class _Writer:
    """One output: ``add`` each document, then ``finish`` with the report's head."""

    def __init__(self, output: Output, head: CheckReport) -> None:
        self.output, self.head = output, head
        self.spool: TextIO | None = None
        self.kept: list[DocumentResult] = []
        if output.format == "json" or (output.format == "text" and not output.statistics):
            # closed by close(): the writer lives across the whole batch
            self.spool = tempfile.TemporaryFile(  # noqa: SIM115
                "w+", encoding="utf-8", errors=UNENCODABLE
            )
        self.first = True

    def add(self, document: DocumentResult, stream: Stream) -> None:
        form = self.output.format
        if form == "jsonl":
            stream.write(jsonl.line(self.head, document, self.output.passes))
            stream.flush()
        elif form == "text" and self.output.statistics:
            pass  # only the counts, which the tally keeps
        elif form == "text" and self.spool is not None:
            lines = text.document_lines(document, self.output.colour, self.output.hints)
            self.spool.writelines(f"{line}\n" for line in lines)
        elif form == "json" and self.spool is not None:
            data = json_report.document_data(self.head, document, self.output.passes)
            self.spool.write(("    " if self.first else ",\n    ") + json_text.dumps(data, 2))
            self.first = False
        else:
            self.kept.append(document)

    def finish(self, report: CheckReport, stream: Stream) -> None:
        form = self.output.format
        if form == "jsonl":
            return
        if form == "text" and self.output.statistics:
            stream.write(statistics.render(report))
            stream.write(text.summary_line(report, self.output.colour) + "\n")
            return
        if self.spool is None:
            stream.write(
                self.output.render(replace(report, documents=tuple(self.kept), tally=None))
            )
            return
        self.spool.seek(0)
        if form == "text":
            shutil.copyfileobj(self.spool, stream)
            stream.write("".join(f"{line}\n" for line in text.fixed_lines(report)))
            stream.write(text.summary_line(report, self.output.colour) + "\n")
            return
        head, tail = _around_documents(report, self.output.passes)
        stream.write(head)
        if not self.first:
            stream.write("[\n")
            shutil.copyfileobj(self.spool, stream)
            stream.write("\n  ]")
        else:
            stream.write("[]")
        stream.write(tail)

    def close(self) -> None:
        if self.spool is not None:
            self.spool.close()


_PLACE = "\0documents\0"


def _around_documents(report: CheckReport, passes: bool) -> tuple[str, str]:
    """The JSON report's text before and after its documents list, as ``json.render``
    writes it (the documents themselves are spooled)."""
    data = json_report.as_data(report, passes=passes)
    data["documents"] = _PLACE
    whole = json_text.dumps(data) + "\n"
    head, tail = whole.split(json.dumps(_PLACE))
    return head, tail


class Reports:
    """The reports of one run being written: ``add`` each document in output order; the
    counts so far are in ``tally``."""

    def __init__(self, head: CheckReport, writers: list[_Writer], streams: list[Stream]):
        self.head, self.tally = head, Tally(head.fail_on)
        self._pairs = list(zip(writers, streams, strict=True))
        self.finished = head  # the report with its counts, once every output is written
        self._changes: dict[str, Any] = {}

    def add(self, document: DocumentResult) -> None:
        self.tally.add(document)
        for writer, stream in self._pairs:
            writer.add(document, stream)

    def complete(self, **changes: Any) -> None:
        """What the report learns only at the end (the findings fixed since a baseline)."""
        self._changes.update(changes)

    def finish(self) -> CheckReport:
        report = replace(self.head, tally=self.tally, **self._changes)
        for writer, stream in self._pairs:
            writer.finish(report, stream)
        return report


@contextlib.contextmanager
def writing(head: CheckReport, outputs: list[Output], stdout: Stream) -> Iterator[Reports]:
    """Write ``outputs`` while the block adds documents. Files are replaced when the block
    ends without an error; after one (Ctrl-C) no file is touched, and nothing but JSON Lines
    already written has reached ``stdout``."""
    writers = [_Writer(output, head) for output in outputs]
    with contextlib.ExitStack() as stack:
        for writer in writers:
            stack.callback(writer.close)
        streams = [_stream_of(w.output, stdout, stack) for w in writers]
        reports = Reports(head, writers, streams)
        yield reports
        reports.finished = reports.finish()


def _stream_of(output: Output, stdout: Stream, stack: contextlib.ExitStack) -> Stream:
    if output.target is None:
        return stdout
    return stack.enter_context(open_atomic(output.target))
