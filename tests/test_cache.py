"""The per-user cache: built once, loaded after; a bad entry or folder costs only time."""

from __future__ import annotations

import pickle
from pathlib import Path

import pytest

from qrules.cache import cached


def build_counter() -> tuple[list[int], object]:
    calls: list[int] = []

    def build() -> dict[str, int]:
        calls.append(1)
        return {"value": 42}

    return calls, build


def use(key: str = "k") -> tuple[dict[str, int], int]:
    calls, build = build_counter()
    value = cached("test", key, build, pickle.dumps, pickle.loads)  # type: ignore[arg-type]
    return value, len(calls)


def test_an_entry_is_built_once_then_loaded(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setenv("QRULES_CACHE_DIR", str(tmp_path / "cache"))
    assert use() == ({"value": 42}, 1)
    assert use() == ({"value": 42}, 0)
    assert use("other key") == ({"value": 42}, 1)
    assert (tmp_path / "cache").stat().st_mode & 0o077 == 0  # the user's alone


def test_a_corrupt_entry_is_built_again(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("QRULES_CACHE_DIR", str(tmp_path))
    use()
    for entry in tmp_path.iterdir():
        entry.write_bytes(b"not a pickle")
    assert use() == ({"value": 42}, 1)
    assert use() == ({"value": 42}, 0)


def test_a_folder_others_may_write_is_never_used(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    shared = tmp_path / "shared"
    shared.mkdir()
    shared.chmod(0o777)
    monkeypatch.setenv("QRULES_CACHE_DIR", str(shared))
    assert use() == ({"value": 42}, 1)
    assert use() == ({"value": 42}, 1)
    assert list(shared.iterdir()) == []


def test_the_cache_can_be_turned_off(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("QRULES_CACHE_DIR", "off")
    assert use() == ({"value": 42}, 1)
    assert use() == ({"value": 42}, 1)


def test_a_cached_ruleset_reads_the_same_as_a_parsed_one(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from qrules.syntax.parser import parse_ruleset

    text = 'ruleset x\nrule A "t"\n  require audits.notice <= 10 days\n  message "m {id}"\n'
    monkeypatch.setenv("QRULES_CACHE_DIR", "off")
    parsed = parse_ruleset(text, "x.qr")
    monkeypatch.setenv("QRULES_CACHE_DIR", str(tmp_path))
    assert parse_ruleset(text, "x.qr") == parsed  # built and stored
    assert parse_ruleset(text, "x.qr") == parsed  # loaded
    assert len(list(tmp_path.iterdir())) == 1
