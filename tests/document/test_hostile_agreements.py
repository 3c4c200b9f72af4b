"""Hostile agreements: one batch through the real CLI, every file reported, no traceback.

``tests/corpus/bad-agreements/`` holds one file per hostile case (``EXPECTED.json`` lists what
qrules must report for each, rule and line). Cases that cannot live in git (a FIFO, a link to
``/dev/zero``, megabytes of nesting or list items) are made in a temporary folder and join the
same batch. Property tests then generate hostile agreements of their own.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from qrules.document import load_document
from tests.helpers import REPO

CORPUS = REPO / "tests" / "corpus" / "bad-agreements"
EXPECTED: dict[str, list[list[Any]]] = json.loads((CORPUS / "EXPECTED.json").read_text())
POLICIES = [
    str(REPO / "tests" / "corpus" / "hostile-agreements.qr"),
    str(REPO / "examples" / "quickstart" / "policy.qr"),
    "automotive-supplier",  # its OC-curve terms meet the huge sampling plan
]
CLEAN = (REPO / "examples" / "quickstart" / "clean.yaml").read_text(encoding="utf-8")


def generated_cases(folder: Path) -> dict[str, str]:
    """Files made here, each with the rule qrules must report for it."""
    (folder / "fifo.yaml").unlink(missing_ok=True)
    os.mkfifo(folder / "fifo.yaml")
    (folder / "dev-zero.yaml").symlink_to("/dev/zero")
    (folder / "deep-flow.yaml").write_text("a: " + "[" * 100_000 + "]" * 100_000 + "\n")
    (folder / "deep-dashes.yaml").write_text("a:\n" + "- " * 100_000 + "x\n")
    (folder / "many-items.yaml").write_text(CLEAN + "x-items:\n" + "  - 1\n" * 250_000)
    (folder / "too-large.yaml").write_text(CLEAN + "x-pad: " + "a" * 6_000_000 + "\n")
    (folder / "a-folder.yaml").mkdir()
    return {
        "fifo.yaml": "document-unreadable",
        "dev-zero.yaml": "document-unreadable",
        "deep-flow.yaml": "yaml-limits",
        "deep-dashes.yaml": "yaml-limits",
        "many-items.yaml": "yaml-limits",
        "too-large.yaml": "yaml-limits",
    }


@pytest.fixture(scope="module")
def batch(tmp_path_factory: pytest.TempPathFactory) -> tuple[dict[str, Any], dict[str, str], str]:
    folder = tmp_path_factory.mktemp("hostile")
    for path in CORPUS.iterdir():
        if path.name != "EXPECTED.json":
            shutil.copy(path, folder / path.name)
    made = generated_cases(folder)
    files = sorted([*EXPECTED, *made])
    args = [*files, "--today", "2026-11-26", "-f", "json"]
    for policy in POLICIES:
        args += ["-r", policy]
    result = subprocess.run(
        [sys.executable, "-m", "qrules", "check", *args],
        capture_output=True,
        text=True,
        cwd=folder,
        timeout=180,  # the whole batch: a hang fails here rather than blocking the suite
    )
    assert "Traceback" not in result.stdout + result.stderr, result.stderr
    assert result.returncode == 1, result.stderr
    return json.loads(result.stdout), made, result.stderr


def own_findings(document: dict[str, Any]) -> list[list[Any]]:
    """qrules' own findings and the hostile policy's (errors and warnings), as [rule, line]."""
    return sorted(
        [f["rule"], f["line"]]
        for f in document["findings"]
        if f["ruleset"] in ("qrules", "hostile") and f["severity"] != "note"
    )


def test_every_file_of_the_batch_is_reported(batch: tuple[dict[str, Any], dict[str, str], str]):
    report, made, _ = batch
    reported = {d["path"] for d in report["documents"]}
    assert reported == {*EXPECTED, *made}
    assert report["summary"]["documents"] == len(EXPECTED) + len(made)


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_each_corpus_file_gets_its_located_findings(
    batch: tuple[dict[str, Any], dict[str, str], str], name: str
) -> None:
    report, _, _ = batch
    [document] = [d for d in report["documents"] if d["path"] == name]
    assert own_findings(document) == sorted(EXPECTED[name])


def test_generated_cases_get_their_finding(
    batch: tuple[dict[str, Any], dict[str, str], str],
) -> None:
    report, made, _ = batch
    got = {
        d["path"]: {f["rule"] for f in d["findings"] if f["ruleset"] == "qrules"}
        for d in report["documents"]
        if d["path"] in made
    }
    assert got == {name: {rule} for name, rule in made.items()}


def test_a_huge_sampling_plan_is_computed_not_refused(
    batch: tuple[dict[str, Any], dict[str, str], str],
) -> None:
    """n = 100,000 and Ac = 50,000: the OC-curve terms answer (log-space maths), no finding
    says it cannot be computed."""
    report, _, _ = batch
    [document] = [d for d in report["documents"] if d["path"] == "sampling-huge.yaml"]
    risks = [
        f for f in document["findings"] if f["rule"].startswith("AUTO-") and "RISK" in f["rule"]
    ]
    assert risks, "the risk terms did not run"
    assert not any("cannot" in f["message"] for f in risks)


# ---------------------------------------------------------------------------- generated


def _tagged(value: st.SearchStrategy[str]) -> st.SearchStrategy[str]:
    tags = [
        "",
        "!!int ",
        "!!float ",
        "!!bool ",
        "!!str ",
        "!!null ",
        "!!map ",
        "!!seq ",
        "!!timestamp ",
        "!!binary ",
        "!!python/object:os.system ",
        "!x ",
        "&a ",
        "*a ",
    ]
    return st.tuples(st.sampled_from(tags), value).map("".join)


scalars = st.one_of(
    st.sampled_from(
        [
            "abc",
            "",
            '""',
            "maybe",
            ".nan",
            ".inf",
            "-.inf",
            "1.0e+999",
            "0777",
            "1:30",
            "yes",
            "NO",
            "0.10",
            "2027-02-30",
            "2027-W01-1",
            "~",
            "null",
        ]
    ),
    st.integers(1, 6_000).map(lambda digits: "9" * digits),  # past Python's int-string limit
    st.text(alphabet=st.characters(blacklist_categories=["Cs"]), max_size=20).map(json.dumps),
)


def _yaml_value(depth: int) -> st.SearchStrategy[str]:
    leaf = _tagged(scalars)
    if depth == 0:
        return leaf
    inner = _yaml_value(depth - 1)
    return st.one_of(
        leaf,
        st.lists(inner, max_size=4).map(lambda items: "[" + ", ".join(items) + "]"),
        st.lists(
            st.tuples(_tagged(st.sampled_from(["k", "x-a", "1", "<<", "?"])), inner), max_size=4
        ).map(lambda pairs: "{" + ", ".join(f"{k}: {v}" for k, v in pairs) + "}"),
    )


hostile_yaml = st.one_of(
    _yaml_value(4).map(lambda value: CLEAN + f"x-fuzz: {value}\n"),
    st.integers(1, 60_000).map(lambda depth: "a: " + "[" * depth + "]" * depth),
    st.integers(1, 60_000).map(lambda depth: "a: " + "{a: " * depth + "}" * depth),
)


def _json_value(depth: int) -> st.SearchStrategy[Any]:
    leaf = st.one_of(
        st.integers(),
        st.floats(allow_nan=True, allow_infinity=True),
        st.text(max_size=20),
        st.booleans(),
        st.none(),
    )
    if depth == 0:
        return leaf
    inner = _json_value(depth - 1)
    return st.one_of(
        leaf, st.lists(inner, max_size=4), st.dictionaries(st.text(max_size=5), inner, max_size=4)
    )


BOUNDED = settings(
    max_examples=150,
    deadline=dt.timedelta(seconds=20),  # a hang, not a speed check
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)


def _loads_or_finds(text: str | bytes, suffix: str) -> None:
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / f"fuzz{suffix}"
        if isinstance(text, bytes):
            path.write_bytes(text)
        else:
            path.write_text(text, encoding="utf-8")
        document = load_document(path)
    assert document.readable or document.problems
    for problem in document.problems:
        assert problem.line >= 1 and problem.column >= 1 and problem.message


@BOUNDED
@given(hostile_yaml)
def test_generated_hostile_yaml_gives_findings(text: str) -> None:
    _loads_or_finds(text, ".yaml")


@BOUNDED
@given(_json_value(4), st.integers(0, 3_000), st.integers(1, 6_000))
def test_generated_hostile_json_gives_findings(value: Any, depth: int, digits: int) -> None:
    text = json.dumps({"agreement": "qrules/v1", "x-v": value, "x-deep": [value]})
    extra = f', "x-d": {"[" * depth}{"]" * depth}, "x-n": {"9" * digits}}}'
    _loads_or_finds(text[:-1] + extra, ".json")


@BOUNDED
@given(st.binary(max_size=400), st.sampled_from([".yaml", ".json", ".md"]))
def test_random_bytes_give_findings(raw: bytes, suffix: str) -> None:
    _loads_or_finds(raw, suffix)
