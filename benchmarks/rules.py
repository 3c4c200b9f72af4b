"""Rule evaluation alone, qrules against the hand-written functions, on the same documents.

    python benchmarks/rules.py [--documents 10000] [--repeat 3]

Generates the shared workload (``../shared/bench/gen_agreements.py``), runs the baseline
(``peers/py_baseline.py``: it times its 25 Python functions apart from loading, ``check_s``),
then loads every document with qrules once and times ``qrules.engine.check`` over the loaded
documents: the 25 rules of ``benchmarks/workload/rules.qr`` with their findings, waivers
and the result, no reading or parsing. Prints both per document and the ratio (the issue's
target: within 3x). Timings are never asserted in tests; wait for a quiet machine.
"""

from __future__ import annotations

import argparse
import datetime as dt
import re
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))
SHARED = REPO.parent / "shared" / "bench"
RULES = REPO / "benchmarks" / "workload" / "rules.qr"
SCHEMA = REPO / "benchmarks" / "workload" / "bench.schema.json"


def baseline_seconds(folder: Path) -> float:
    """The baseline's own time for its 25 functions over every document (``check_s``)."""
    done = subprocess.run(
        [sys.executable, str(SHARED / "peers" / "py_baseline.py"), str(folder)],
        capture_output=True,
        text=True,
        check=True,
    )
    found = re.search(r"check_s=([0-9.]+)", done.stdout + done.stderr)
    if found is None:
        raise SystemExit(f"the baseline printed no check_s:\n{done.stdout}{done.stderr}")
    return float(found.group(1))


def qrules_seconds(folder: Path, repeat: int) -> tuple[float, int]:
    """The median time of checking every loaded document, and the findings of a round."""
    from qrules.document import load_document
    from qrules.engine import check
    from qrules.engine.workers import batch_collection
    from qrules.ruleset import load_ruleset

    rules = load_ruleset(str(RULES), schema=str(SCHEMA))
    documents = [load_document(path, rules.schema) for path in sorted(folder.glob("*.yaml"))]
    batch_collection()  # as a batch run does
    today = dt.date(2026, 12, 1)
    rounds, findings = [], 0
    for _ in range(repeat):
        started = time.perf_counter()
        results = [check(rules, document, today=today) for document in documents]
        rounds.append(time.perf_counter() - started)
        findings = sum(len(r.findings) for r in results)
    return statistics.median(rounds), findings


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--documents", type=int, default=10_000)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="qrules-rules-") as scratch:
        folder = Path(scratch) / "agreements"
        subprocess.run(
            [sys.executable, str(SHARED / "gen_agreements.py"), str(args.documents), str(folder)],
            check=True,
            capture_output=True,
        )
        base = statistics.median(baseline_seconds(folder) for _ in range(args.repeat))
        ours, findings = qrules_seconds(folder, args.repeat)
    per = 1000 / args.documents
    print(f"N={args.documents:,}, median of {args.repeat}, rule evaluation only")
    print(f"hand-written functions  {base * per:.4f} ms/doc")
    print(
        f"qrules check()          {ours * per:.4f} ms/doc ({ours / base:.1f}x), {findings} findings"
    )


if __name__ == "__main__":
    main()
