"""Speed of qrules, as ratios against baselines measured in the same run.

    python benchmarks/bench.py [--documents 2000] [--jobs 2]

It writes N agreements (variants of examples/agreements, 3-6 KB each) to a temporary folder,
then times, on the same files and machine:

  baseline   yaml.load with libyaml's CSafeLoader: parsing alone, no line numbers
  compose    yaml.compose with CSafeLoader: what qrules' loader starts from
  load       qrules.load_document: values + source map + schema validation
  check      qrules.check_files with the iso9001 ruleset, in this process
  cli        `qrules check DIR --ruleset iso9001 --format json` as a whole command (+ --jobs N)

and prints each as seconds and as a ratio to the baseline. Timings are never asserted in tests.
"""

from __future__ import annotations

import argparse
import random
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import yaml

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from qrules.document import load_document  # noqa: E402
from qrules.engine.batch import check_files  # noqa: E402

Loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def generate(folder: Path, count: int) -> list[Path]:
    """Deterministic variants of the shipped example agreements."""
    sources = sorted((REPO / "examples" / "agreements").glob("*.yaml"))
    texts = [p.read_text(encoding="utf-8") for p in sources]
    rng = random.Random(2859)
    files = []
    for i in range(count):
        text = texts[i % len(texts)].replace("id: ", f"id: BENCH-{i:05d}-", 1)
        notice = rng.choice([14, 30, 90, 120])
        text = text.replace("notification: 90 days", f"notification: {notice} days")
        path = folder / f"agreement-{i:05d}.yaml"
        path.write_text(text, encoding="utf-8")
        files.append(path)
    return files


def each(function: Callable[[Path], object], files: list[Path]) -> Callable[[], None]:
    """Run ``function`` on every file, keeping no result alive (large node graphs kept in a
    list would make the garbage collector, not the parser, dominate the timing)."""

    def run() -> None:
        for path in files:
            function(path)

    return run


def timed(action: Callable[[], object], repeat: int = 3) -> float:
    best = float("inf")
    for _ in range(repeat):
        start = time.perf_counter()
        action()
        best = min(best, time.perf_counter() - start)
    return best


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--documents", type=int, default=2000)
    parser.add_argument("--jobs", type=int, default=2)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        files = generate(Path(folder), args.documents)
        names = [str(f) for f in files]
        size = sum(f.stat().st_size for f in files) / len(files) / 1024
        results = {
            "baseline (yaml.load, CSafeLoader)": timed(
                each(lambda f: yaml.load(f.read_text(encoding="utf-8"), Loader), files)
            ),
            "compose (yaml.compose, CSafeLoader)": timed(
                each(lambda f: yaml.compose(f.read_text(encoding="utf-8"), Loader), files)
            ),
            "qrules load_document (values, lines, schema)": timed(each(load_document, files)),
            "qrules check_files, iso9001, in process": timed(
                lambda: check_files(["iso9001"], names)
            ),
        }
        command = [sys.executable, "-m", "qrules", "check", folder, "-r", "iso9001", "-f", "json"]
        results["qrules check CLI, whole command"] = timed(
            lambda: subprocess.run(command, capture_output=True, cwd=REPO), repeat=1
        )
        results[f"qrules check CLI, --jobs {args.jobs}"] = timed(
            lambda: subprocess.run(
                [*command, "--jobs", str(args.jobs)], capture_output=True, cwd=REPO
            ),
            repeat=1,
        )
    baseline = next(iter(results.values()))
    print(
        f"{args.documents} agreements, {size:.1f} KB each on average, libyaml: "
        f"{Loader is not yaml.SafeLoader}"
    )
    for name, seconds in results.items():
        per_doc = seconds / args.documents * 1000
        print(f"  {name:<46} {seconds:7.2f} s  {per_doc:6.2f} ms/doc  {seconds / baseline:5.2f}x")


if __name__ == "__main__":
    main()
