"""The result cache: an unchanged agreement is not checked again; anything its result
depends on (its bytes, the rules, the schema, the date where it matters) is; a damaged
entry or file is never trusted; the store stays bounded."""

from __future__ import annotations

import json
import os
import sqlite3
from pathlib import Path

import pytest

import qrules.document
from qrules.cache import ResultStore
from tests.engine.batch_helpers import POLICY, SOURCES, TODAY, make_batch
from tests.helpers import run_cli


@pytest.fixture
def loads(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The agreements actually read and checked (not taken from the cache)."""
    seen: list[str] = []
    real = qrules.document.load_document

    def counting(path, *args, **kwargs):  # type: ignore[no-untyped-def]
        seen.append(Path(path).name)
        return real(path, *args, **kwargs)

    monkeypatch.setattr(qrules.document, "load_document", counting)
    return seen


def repository(tmp_path: Path, count: int = 4, rules: str = POLICY) -> Path:
    (tmp_path / ".qrules.yaml").write_text(f"rulesets: [{rules}]\n", encoding="utf-8")
    make_batch(tmp_path / "agreements", count)
    return tmp_path


def check(root: Path, *more: str) -> str:
    result = run_cli("check", str(root / "agreements"), *TODAY, "-f", "json", "-j", "1", *more)
    assert result.exit_code in (0, 1), result.output
    return result.output


def test_an_unchanged_agreement_is_taken_from_the_cache(tmp_path: Path, loads: list[str]) -> None:
    root = repository(tmp_path, len(SOURCES))
    first = check(root)
    assert len(loads) == len(SOURCES)
    assert (root / ".qrules" / "cache" / ".gitignore").read_text(encoding="utf-8").endswith("*\n")
    loads.clear()
    assert check(root) == first  # the same report, byte for byte
    assert loads == []
    changed = sorted((root / "agreements").iterdir())[1]
    changed.write_text(changed.read_text(encoding="utf-8") + "# edited\n", encoding="utf-8")
    assert findings(check(root)) == findings(first)  # only its bytes' sha256 is new
    assert loads == [changed.name]


def findings(report: str) -> list[tuple[str, list[object]]]:
    return [(d["path"], d["findings"]) for d in json.loads(report)["documents"]]


def test_no_cache_neither_reads_nor_writes(tmp_path: Path, loads: list[str]) -> None:
    root = repository(tmp_path)
    check(root, "--no-cache")
    assert not (root / ".qrules").exists()
    check(root)
    loads.clear()
    check(root, "--no-cache")
    assert len(loads) == 4


def test_other_rules_or_schema_check_again(tmp_path: Path, loads: list[str]) -> None:
    root = repository(tmp_path, 2)
    check(root)
    other = tmp_path / "other.qr"
    other.write_text(Path(POLICY).read_text(encoding="utf-8").replace("90 days", "60 days"))
    loads.clear()
    check(root, "-r", str(other))
    assert len(loads) == 2
    loads.clear()
    check(root, "--schema", "none")
    assert len(loads) == 2


def test_the_date_counts_where_rules_read_today(tmp_path: Path, loads: list[str]) -> None:
    rules = tmp_path / "dated.qr"
    rules.write_text(
        'ruleset dated\nrule D "Effective by now" when exists(effective)\n'
        "  require effective <= today()\n",
        encoding="utf-8",
    )
    root = repository(tmp_path, 2, str(rules))
    check(root)
    loads.clear()
    check(root)
    assert loads == []
    run_cli("check", str(root / "agreements"), "--today", "2030-01-01", "-j", "1")
    assert len(loads) == 2


def test_waivers_are_judged_on_the_check_date(tmp_path: Path, loads: list[str]) -> None:
    root = repository(tmp_path, 0)
    waived = Path(POLICY).parent / "conflicting.yaml"
    text = waived.read_text(encoding="utf-8") + (
        "waivers:\n  - rule: QS-AUDIT\n    reason: audited by our notified body\n"
        "    approved_by: Quality Director\n    expires: 2027-01-31\n"
    )
    (root / "agreements" / "w.yaml").write_text(text, encoding="utf-8")
    check(root)
    loads.clear()
    check(root)
    assert loads == []
    later = run_cli("check", str(root / "agreements"), "--today", "2027-06-01", "-j", "1")
    assert loads == ["w.yaml"]
    assert "waiver" in later.output and "expired" in later.output


def test_a_damaged_entry_or_store_is_never_trusted(tmp_path: Path, loads: list[str]) -> None:
    root = repository(tmp_path, 3)
    first = check(root)
    store = root / ".qrules" / "cache" / "results.sqlite"
    with sqlite3.connect(store) as db:
        # still JSON, still a result, but not what was stored: a flipped bit, a forgery
        db.execute("UPDATE results SET value = replace(value, 'findings\":[', 'findings\": [')")
    db.close()
    loads.clear()
    assert check(root) == first
    assert len(loads) == 3
    store.write_bytes(b"this is not a database" * 100)
    assert check(root) == first
    loads.clear()
    assert check(root) == first
    assert loads == []  # the store was made anew


def test_the_store_is_bounded(tmp_path: Path) -> None:
    store = ResultStore(tmp_path / "r.sqlite", max_entries=5)
    for i in range(12):
        store.put(f"k{i}", json.dumps(i))
    store.close()
    store = ResultStore(tmp_path / "r.sqlite", max_entries=5)
    kept = [i for i in range(12) if store.get(f"k{i}") is not None]
    assert kept == [7, 8, 9, 10, 11]  # the newest


def test_two_runs_at_once_share_the_store(tmp_path: Path) -> None:
    one, two = ResultStore(tmp_path / "r.sqlite"), ResultStore(tmp_path / "r.sqlite")
    one.put("a", "1")
    two.put("b", "2")
    one.flush()
    two.flush()
    assert (one.get("b"), two.get("a")) == ("2", "1")


def test_params_and_schema_are_part_of_the_key(tmp_path: Path) -> None:
    import datetime as dt

    from qrules.engine.cached import cache_spec
    from qrules.engine.workers import Loading
    from qrules.ruleset import load_ruleset

    rules, day = load_ruleset(POLICY), dt.date(2026, 11, 26)
    runs = {
        cache_spec(tmp_path, rules, Loading((POLICY,), schema, params), day).run  # type: ignore[union-attr]
        for schema, params in (
            ("auto", {}),
            ("auto", {"days": 30}),
            ("auto", {"days": 60}),
            (None, {}),
        )
    }
    assert len(runs) == 4


def test_which_rules_applied_comes_back_from_the_cache(tmp_path: Path, loads: list[str]) -> None:
    """The cache keeps only the positions of the rules that did not apply; the rules each
    agreement passed (``--show-passes``) read back the same, whichever applied."""
    rules = tmp_path / "guarded.qr"
    rules.write_text(
        'ruleset guarded "Guarded rules"\n'
        'rule G1 "Major AQL stated"\n  require exists(quality.aql.major)\n'
        'rule G2 "Suppliers state a containment time"\n'
        "  when exists(parties)\n  require exists(nonconformance.containment)\n"
        'rule G3 "Critical AQL is zero where stated"\n'
        "  when exists(quality.aql.critical)\n  require quality.aql.critical == 0\n",
        encoding="utf-8",
    )
    root = repository(tmp_path, len(SOURCES), rules=str(rules))
    first = check(root, "--show-passes")
    passed = {tuple(d.get("passed", ())) for d in json.loads(first)["documents"]}
    assert len(passed) > 1  # the guards left different rules applied in different files
    loads.clear()
    assert check(root, "--show-passes") == first
    assert loads == []


def test_other_qrules_code_checks_again(
    tmp_path: Path, loads: list[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """A checkout or an editable install changes its code under one version number: the
    code itself is part of the key."""
    from qrules.engine import cached

    root = repository(tmp_path, 2)
    check(root)
    loads.clear()
    check(root)
    assert loads == []
    monkeypatch.setattr(cached, "code_digest", lambda: "other code")
    check(root)
    assert len(loads) == 2


def test_the_code_digest_follows_the_package_files(tmp_path: Path) -> None:
    from qrules.engine import cached

    digest = cached.code_digest()
    assert digest == cached.code_digest() and len(digest) == 64
    module = Path(cached.__file__)
    stamp = module.stat()
    try:
        os.utime(module, ns=(stamp.st_atime_ns, stamp.st_mtime_ns + 1_000_000))
        cached.code_digest.cache_clear()
        assert cached.code_digest() != digest
    finally:
        os.utime(module, ns=(stamp.st_atime_ns, stamp.st_mtime_ns))
        cached.code_digest.cache_clear()
    assert cached.code_digest() == digest
