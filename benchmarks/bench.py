"""qrules on the shared batch workload, as ratios to the hand-written baseline of the same run.

    python benchmarks/bench.py [--documents 1000 10000] [--repeat 3] [--memory 100000]

For each N it generates the workload with ``../shared/bench/gen_agreements.py`` (25 rules,
R01-R25, about 30% of the files break 1-4 of them) in a temporary folder, then times whole
commands, each in its own process, on the same files and machine:

  baseline       peers/py_baseline.py: yaml.load (CSafeLoader) + 25 Python functions, no lines
  compose floor  peers/parse_floor.py --mode compose-csafe: libyaml nodes and marks, no values
  load floor     peers/parse_floor.py --mode load-csafe: yaml.load alone
  qrules         qrules check DIR -r benchmarks/workload/rules.qr --format json -o FILE
                 with --jobs 1, --jobs 2, and on a warm result cache (--jobs 1, and the
                 default --jobs auto: one worker per core for 200 files or more)

It checks that every run of qrules finds exactly the (document, rule) pairs the generator
broke on purpose (``_expected.tsv``) and the baseline finds, records each command's peak
memory (max RSS), and prints a Markdown table: the median of ``--repeat`` runs, in seconds and
as a ratio to the baseline. ``--memory N`` also checks N agreements once, for peak memory.
Timings are never asserted in tests; wait for a quiet machine before believing one.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
SHARED = REPO.parent / "shared" / "bench"
RULES = REPO / "benchmarks" / "workload" / "rules.qr"
QRULES = [sys.executable, "-m", "qrules", "check"]


def generate(count: int, folder: Path) -> Path:
    target = folder / f"n{count}"
    subprocess.run(
        [sys.executable, str(SHARED / "gen_agreements.py"), str(count), str(target)],
        check=True,
        capture_output=True,
    )
    return target


def run(command: list[str], cwd: Path = REPO) -> tuple[float, float, str]:
    """Wall seconds, peak memory (max RSS, MiB) and standard error of one whole command.

    The peak is measured by GNU time, run from here: a child's own max RSS (``wait4``)
    starts from its parent's, and this script holds whole reports in memory."""
    with tempfile.TemporaryFile() as err, tempfile.NamedTemporaryFile("r") as peak:
        wrapped = [TIME, "-f", "%M", "-o", peak.name, *command] if TIME else command
        started = time.perf_counter()
        process = subprocess.run(wrapped, cwd=cwd, stdout=subprocess.DEVNULL, stderr=err,
                                 env=_environment(), check=False)  # fmt: skip
        seconds = time.perf_counter() - started
        err.seek(0)
        text = err.read().decode(errors="replace")
        kib = peak.read().split()[-1] if TIME else "0"
    if process.returncode not in (0, 1):
        raise SystemExit(f"{' '.join(command)} failed ({process.returncode}):\n{text}")
    return seconds, int(kib) / 1024, text


TIME = "/usr/bin/time" if Path("/usr/bin/time").exists() else None  # GNU time, for %M


def _environment() -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    env["QRULES_CACHE_DIR"] = env.get("QRULES_CACHE_DIR", tempfile.gettempdir() + "/qrules-bench")
    return env


def expected(folder: Path) -> set[tuple[str, str]]:
    pairs = set()
    for line in (folder / "_expected.tsv").read_text(encoding="utf-8").splitlines():
        name, _, rules = line.partition("\t")
        pairs |= {(name, rule) for rule in rules.split(",") if rule}
    return pairs


def found(report: Path) -> set[tuple[str, str]]:
    """(document, rule) pairs of a qrules JSON report: a rule counts once per document."""
    data = json.loads(report.read_text(encoding="utf-8"))
    return {
        (Path(d["path"]).name, f["rule"])
        for d in data["documents"]
        for f in d["findings"]
        if re.fullmatch(r"R\d\d", f["rule"])
    }


def measure(folder: Path, repeat: int) -> dict[str, tuple[float, float]]:
    """name → (median seconds, peak MiB) over ``repeat`` rounds, each round every command."""
    report, detail = folder.parent / "report.json", folder.parent / "baseline.tsv"
    peers = SHARED / "peers"
    plain = [*QRULES, str(folder), "-r", str(RULES), "-f", "json", "-o", str(report)]
    cached_root = folder.parent / f"{folder.name}-repo"
    commands = {
        "hand-written baseline (yaml.load CSafeLoader + Python)": [
            sys.executable, str(peers / "py_baseline.py"), str(folder), "--detail", str(detail)
        ],
        "libyaml compose floor (nodes + marks, no values)": [
            sys.executable, str(peers / "parse_floor.py"), str(folder), "--mode", "compose-csafe"
        ],
        "libyaml load floor (yaml.load, no rules)": [
            sys.executable, str(peers / "parse_floor.py"), str(folder), "--mode", "load-csafe"
        ],
        "qrules, one process": [*plain, "--no-cache", "--jobs", "1"],
        "qrules --jobs 2": [*plain, "--no-cache", "--jobs", "2"],
        "qrules, re-check with a warm result cache, --jobs 1": [*plain, "--jobs", "1"],
        "qrules, re-check with a warm result cache (default --jobs auto)": plain,
    }  # fmt: skip
    _repository(folder, cached_root)
    times: dict[str, list[float]] = {name: [] for name in commands}
    peaks: dict[str, float] = {}
    want = expected(folder)
    for _ in range(repeat):
        for name, command in commands.items():
            where = cached_root if "cache" in name else REPO
            target = [*command[:4], "agreements", *command[5:]] if "cache" in name else command
            seconds, peak, _ = run(target, cwd=where)
            times[name].append(seconds)
            peaks[name] = max(peaks.get(name, 0.0), peak)
            if name.startswith("qrules"):
                got = found(report)
                assert got == want, f"{name}: {len(got ^ want)} pairs differ from _expected.tsv"
            elif name.startswith("hand-written"):
                base = {tuple(x.split("\t")) for x in detail.read_text().splitlines()}
                assert base == want, "the baseline disagrees with _expected.tsv"
    return {name: (statistics.median(times[name]), peaks[name]) for name in commands}


def _repository(folder: Path, root: Path) -> None:
    """The same files in a repository (a .qrules.yaml), where the result cache is on; one
    run fills the cache."""
    import shutil

    if root.exists():
        shutil.rmtree(root)
    shutil.copytree(folder, root / "agreements")
    (root / ".qrules.yaml").write_text(f"rulesets: [{RULES}]\n", encoding="utf-8")
    report = root / "report.json"
    run([*QRULES, "agreements", "-f", "json", "-o", str(report), "--jobs", "1"], cwd=root)


def memory(count: int, folder: Path) -> float:
    path = generate(count, folder)
    command = [*QRULES, str(path), "-r", str(RULES), "-f", "json", "-o", str(folder / "m.json")]
    return run([*command, "--no-cache", "--jobs", "1"])[1]


def table(results: dict[int, dict[str, tuple[float, float]]]) -> str:
    sizes = sorted(results)
    names = list(results[sizes[0]])
    head = "| | " + " | ".join(f"N={n:,}" for n in sizes) + " | peak MiB |"
    lines = [head, "|---|" + "---:|" * (len(sizes) + 1)]
    for name in names:
        cells = []
        for n in sizes:
            seconds, _ = results[n][name]
            base = results[n][names[0]][0]
            cells.append(f"{seconds:.2f} s ({seconds / base:.2f}×)")
        peak = " / ".join(f"{results[n][name][1]:.0f}" for n in sizes)
        lines.append(f"| {name} | " + " | ".join(cells) + f" | {peak} |")
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--documents", type=int, nargs="+", default=[1000, 10000])
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--memory", type=int, nargs="*", default=[])
    args = parser.parse_args()
    results = {}
    with tempfile.TemporaryDirectory(prefix="qrules-bench-") as scratch:
        for count in args.documents:
            folder = generate(count, Path(scratch) / str(count))
            results[count] = measure(folder, args.repeat)
        peaks = {count: memory(count, Path(scratch) / f"m{count}") for count in args.memory}
    print(f"{os.cpu_count()} cores, median of {args.repeat}, whole commands, same run\n")
    print(table(results))
    for count, peak in peaks.items():
        print(f"\nqrules --format json, N={count:,}, one process: peak {peak:.0f} MiB")


if __name__ == "__main__":
    main()
