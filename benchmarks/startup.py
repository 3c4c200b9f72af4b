"""Start-up cost of one small check, the pre-commit hook's case, against bare Python.

    python benchmarks/startup.py [--runs 15]

Times, in the same run and on the same machine, the median wall time of

  python     `python -c pass`: the interpreter's own start-up, the floor
  help       `qrules --help`: the command group and its imports
  check      `qrules check examples/quickstart/clean.yaml -r iso9001`: one agreement

and lists the ten slowest imports of the check (`python -X importtime`). Timings are never
asserted in tests.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
AGREEMENT = REPO / "examples" / "quickstart" / "clean.yaml"
COMMANDS = {
    "python": [sys.executable, "-c", "pass"],
    "help": [sys.executable, "-m", "qrules", "--help"],
    "check": [sys.executable, "-m", "qrules", "check", str(AGREEMENT), "-r", "iso9001"],
}


# As installed (pip writes bytecode): without .pyc files every run compiles qrules' source.
ENV = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}


def median_seconds(command: list[str], runs: int) -> float:
    subprocess.run(command, cwd=REPO, capture_output=True, check=False, env=ENV)  # warm up
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        subprocess.run(command, cwd=REPO, capture_output=True, check=False, env=ENV)
        times.append(time.perf_counter() - started)
    return statistics.median(times)


def slowest_imports(command: list[str], count: int = 10) -> list[tuple[int, str]]:
    """``(cumulative microseconds, module)`` of the slowest top-level imports."""
    result = subprocess.run(
        [command[0], "-X", "importtime", *command[1:]],
        cwd=REPO,
        capture_output=True,
        text=True,
        env=ENV,
    )
    rows = []
    for line in result.stderr.splitlines():
        if not line.startswith("import time:") or "cumulative" in line:
            continue
        _, cumulative, name = line.split("|", 2)
        name = name[1:]  # the separator's space; nested imports are indented further
        if not name.startswith(" "):  # top-level imports only: nested ones are inside these
            rows.append((int(cumulative), name))
    return sorted(rows, reverse=True)[:count]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=15)
    args = parser.parse_args()
    floor = median_seconds(COMMANDS["python"], args.runs)
    for name, command in COMMANDS.items():
        seconds = floor if name == "python" else median_seconds(command, args.runs)
        print(f"{name:8} {seconds * 1000:7.1f} ms  {seconds / floor:5.2f}x python")
    print("\nslowest imports of the check (cumulative ms):")
    for micros, module in slowest_imports(COMMANDS["check"]):
        print(f"  {micros / 1000:7.1f}  {module}")


if __name__ == "__main__":
    main()
