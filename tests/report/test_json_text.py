"""qrules' indented JSON writer gives exactly the text of ``json.dumps(value, indent=2,
ensure_ascii=False)``: reports are compared byte for byte with their goldens and with
what other tools wrote."""

from __future__ import annotations

import json
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from qrules.report import json_text

scalars = (
    st.none()
    | st.booleans()
    | st.integers()
    | st.floats(allow_nan=True, allow_infinity=True)
    | st.text()
)
values = st.recursive(
    scalars,
    lambda inner: (
        st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner, max_size=4)
    ),
    max_leaves=30,
)


def expected(value: Any) -> str:
    return json.dumps(value, indent=2, ensure_ascii=False)


@given(values)
def test_the_text_is_json_dumps_text(value: Any) -> None:
    assert json_text.dumps(value) == expected(value)


@given(values, st.integers(min_value=0, max_value=3))
def test_an_entry_written_at_a_depth_is_indented_as_within_its_list(value: Any, level: int) -> None:
    inside = json.dumps([value], indent=2, ensure_ascii=False).split("\n")[1:-1]
    text = "\n".join(line[2:] for line in inside)  # the entry as the list holds it
    assert json_text.dumps(value, level) == text.replace("\n", "\n" + "  " * level)


@pytest.mark.parametrize(
    "value",
    [
        {1: "a", 2.5: "b", False: "c", None: "d"},  # keys json writes as strings
        ("tuple", ["nested", ()], {}),
        {"s": 'quote " backslash \\ newline \n tab \t nul \0 é \u2028 😀'},
        [-0.0, 1e300, 10**40, float("-inf")],
    ],
)
def test_edge_values(value: Any) -> None:
    assert json_text.dumps(value) == expected(value)


def test_what_json_cannot_write_is_refused_alike() -> None:
    with pytest.raises(TypeError):
        json.dumps({"when": object()})
    with pytest.raises(TypeError):
        json_text.dumps({"when": object()})


def test_a_lone_surrogate_is_written_as_an_escape_utf_8_can_hold() -> None:
    value = {"title": "\ud83d Müller", "\udc00": 1}
    text = json_text.dumps(value)
    assert text == json.dumps(value, indent=2) and json.loads(text) == value
    text.encode("utf-8")
