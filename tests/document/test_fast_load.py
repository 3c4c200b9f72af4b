"""The loader's shortcuts give PyYAML's own answers: the tag of every plain scalar, and the
value of every common scalar built without the constructor's dispatch."""

from __future__ import annotations

import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from qrules.document.scalars import _construct
from qrules.document.strict_yaml import _Loader

SAMPLES = [
    "", "~", "null", "Null", "NULL", "true", "True", "yes", "No", "off", "ON", "y", "n", "0",
    "-0", "+1", "0777", "0x1F", "0b101", "1_000", "1:30", "1.5", ".5", "-.inf", ".NaN", "1e3",
    "1.0e+3", "007", "-12", "123456789012345678901234", "0.10", "1.50", "-0.0", "2026-01-31",
    "2026-01-31T10:00:00Z", "<<", "=", "Yuki Kim", "FALSE", "oN", "-", "+", ".", "abc", "Öl",
    "4421", "+7", "-12", "00", "2026-1-31", "2026-01-31 10:00", "Falsey", "Nominal", "offset",
    "TV-3970", "Yes Yes", "nulls", "0.", "1_0", "+0", "123456789012345678901234567890",
]  # fmt: skip
IMPLICIT = [(True, False), (False, True), (False, False), (True, True)]


def pyyaml_tag(value: str, implicit: tuple[bool, bool]) -> str:
    return str(yaml.resolver.Resolver().resolve(yaml.ScalarNode, value, implicit))


def test_every_sample_resolves_as_pyyaml_resolves_it() -> None:
    loader = _Loader("")
    for value in SAMPLES:
        for implicit in IMPLICIT:
            assert loader.resolve(yaml.ScalarNode, value, implicit) == pyyaml_tag(value, implicit)
    assert loader.resolve(yaml.MappingNode, "", (True, True)) == "tag:yaml.org,2002:map"
    assert loader.resolve(yaml.SequenceNode, "", (True, True)) == "tag:yaml.org,2002:seq"


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet="0123456789-+._:eEoxbTtFfNnYyOo~ aZ", max_size=12))
def test_any_short_text_resolves_as_pyyaml_resolves_it(value: str) -> None:
    assert _Loader("").resolve(yaml.ScalarNode, value, (True, False)) == pyyaml_tag(
        value, (True, False)
    )


def test_common_scalars_are_built_as_pyyaml_builds_them() -> None:
    constructor = yaml.SafeLoader("")
    for value in SAMPLES:
        tag = pyyaml_tag(value, (True, False))
        kind = tag.rsplit(":", 1)[1]
        if kind in ("int", "float", "bool", "null"):
            node = yaml.ScalarNode(tag, value)
            expected = getattr(constructor, f"construct_yaml_{kind}")(node)
            got = _construct(tag, value)
            assert (type(got), got) == (type(expected), expected) or got != got  # NaN


@settings(max_examples=300, deadline=None)
@given(
    st.one_of(
        st.integers(-(10**20), 10**20).map(str),
        st.floats(allow_nan=False, allow_infinity=False).map(repr),
    )
)
def test_any_number_is_built_as_pyyaml_builds_it(value: str) -> None:
    tag = pyyaml_tag(value, (True, False))
    kind = tag.rsplit(":", 1)[1]
    node = yaml.ScalarNode(tag, value)
    if kind in ("int", "float"):
        expected = getattr(yaml.SafeLoader(""), f"construct_yaml_{kind}")(node)
        got = _construct(tag, value)
        assert got == expected and type(got) is type(expected)
