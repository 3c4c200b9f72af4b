"""Reports written as results arrive: the same bytes as the whole report, one result held
at a time, and nothing published when the run is interrupted."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from qrules.engine.batch import check_files
from qrules.report import json as json_report
from qrules.report import text
from qrules.report.stream import Output, _Writer, writing
from tests.engine.batch_helpers import POLICY, SOURCES, TODAY, make_batch
from tests.helpers import TODAY as TODAY_DATE
from tests.helpers import run_cli


class Collected:
    def __init__(self) -> None:
        self.text = ""

    def write(self, text: str) -> int:
        self.text += text
        return len(text)

    def flush(self) -> None:
        pass


def streamed(report, output_format: str, **options: bool) -> str:  # type: ignore[no-untyped-def]
    head = report.__class__(**{**report.__dict__, "documents": ()})
    out = Collected()
    output = Output(output_format, None, lambda r: "unused", **options)
    with writing(head, [output], out) as reports:
        for document in report.documents:
            reports.add(document)
    return out.text


@pytest.mark.parametrize("count", [0, 1, 7])
def test_streamed_json_and_text_are_the_whole_reports_bytes(tmp_path: Path, count: int) -> None:
    files = [str(p) for p in sorted(make_batch(tmp_path / "b", count).iterdir())]
    report = check_files([POLICY], files, today=TODAY_DATE)
    assert streamed(report, "json") == json_report.render(report)
    assert streamed(report, "json", passes=True) == json_report.render(report, passes=True)
    assert streamed(report, "text") == text.render(report)
    assert streamed(report, "text", hints=False, colour=True) == text.render(
        report, hints=False, colour=True
    )


def test_streamed_formats_hold_no_results(tmp_path: Path) -> None:
    files = [str(p) for p in sorted(make_batch(tmp_path / "b", 4).iterdir())]
    report = check_files([POLICY], files, today=TODAY_DATE)
    for name in ("text", "json", "jsonl"):
        writer = _Writer(Output(name, None, lambda r: ""), report)
        for document in report.documents:
            writer.add(document, Collected())
        assert writer.kept == []
        writer.close()
    sarif = _Writer(Output("sarif", None, lambda r: ""), report)
    sarif.add(report.documents[0], Collected())
    assert len(sarif.kept) == 1  # a format that describes the batch keeps it


def test_jsonl_is_one_document_entry_per_line_in_path_order(tmp_path: Path) -> None:
    folder = make_batch(tmp_path / "b", 6)
    args = ("check", str(folder), "-r", POLICY, *TODAY)
    lines = run_cli(*args, "-f", "jsonl").output.splitlines()
    whole = json.loads(run_cli(*args, "-f", "json").output)
    assert [json.loads(line) for line in lines] == whole["documents"]
    assert [json.loads(line)["path"] for line in lines] == sorted(str(p) for p in folder.iterdir())


def test_jsonl_to_a_file_with_other_reports(tmp_path: Path) -> None:
    folder = make_batch(tmp_path / "b", len(SOURCES))  # the conflicting draft among them
    out, sarif = tmp_path / "r.jsonl", tmp_path / "r.sarif"
    result = run_cli(
        "check", str(folder), "-r", POLICY, *TODAY, "-f", "jsonl", "-o", str(out),
        "--report", f"sarif={sarif}",
    )  # fmt: skip
    assert result.exit_code == 1
    assert result.output.splitlines()[-1].startswith(f"{len(SOURCES)} agreements checked")
    assert len(out.read_text(encoding="utf-8").splitlines()) == len(SOURCES)
    assert json.loads(sarif.read_text(encoding="utf-8"))["version"] == "2.1.0"


def test_an_interrupted_run_publishes_no_file(tmp_path: Path) -> None:
    files = [str(p) for p in sorted(make_batch(tmp_path / "b", 3).iterdir())]
    report = check_files([POLICY], files, today=TODAY_DATE)
    targets = {name: tmp_path / f"old.{name}" for name in ("json", "jsonl", "text", "sarif")}
    for target in targets.values():
        target.write_text("the previous report\n", encoding="utf-8")
    outputs = [Output(name, str(target), lambda r: "x") for name, target in targets.items()]
    head = report.__class__(**{**report.__dict__, "documents": ()})
    with pytest.raises(KeyboardInterrupt), writing(head, outputs, Collected()) as reports:
        reports.add(report.documents[0])
        raise KeyboardInterrupt
    assert {t.read_text(encoding="utf-8") for t in targets.values()} == {"the previous report\n"}
    assert sorted(p.name for p in tmp_path.iterdir()) == [
        "b",
        *sorted(t.name for t in targets.values()),
    ]
