"""The fast path reads what libyaml reads: wherever ``fast_load`` gives a result, it is the
strict path's (values with their types and key order, every mark, the re-typed and the
ambiguous scalars), and the strict path finds no problem in that text. Checked on every
YAML file of the repository, on generated workload agreements, and on generated and
mutated text; elsewhere the fast path must give up, and the strict path words the problem."""

from __future__ import annotations

import re
import subprocess
import sys
from typing import Any

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from qrules.document.fast_yaml import _DOUBTFUL, _LINE, KEY_NOT_FIRST, SIMPLE_LINE, fast_load
from qrules.document.load import _strict_load
from qrules.document.model import Document
from qrules.document.read import front_matter
from qrules.document.scalars import SCALAR_TAGS
from qrules.fileio import Unreadable, decode_source
from tests.helpers import REPO

GENERATOR = REPO.parent / "shared" / "bench" / "gen_agreements.py"


def canonical(value: Any) -> Any:
    """A value with its types spelled out (``True`` is not ``1``, ``1.0`` is not ``1``, nor
    ``-0.0`` ``0.0``) and its keys in order."""
    if isinstance(value, dict):
        return ("dict", [(key, canonical(item)) for key, item in value.items()])
    if isinstance(value, list):
        return ("list", [canonical(item) for item in value])
    return (type(value).__name__, repr(value))


def strict(text: str) -> Document:
    document = Document("agreement.yaml")
    _strict_load(text, document)
    return document


def same_as_strict(text: str) -> bool:
    """Whether the fast path took the text; where it did, it read what libyaml reads."""
    fast = fast_load(text)
    if fast is None:
        return False
    document = strict(text)
    assert [(p.rule, p.line, p.message) for p in document.problems] == []
    assert canonical(fast.data) == canonical(document.data)
    assert list(fast.locations.items()) == list(document.locations.items())
    assert list(fast.written_as.items()) == list(document.written_as.items())
    assert fast.ambiguous == document.ambiguous
    return True


def repository_texts() -> dict[str, str]:
    """Every YAML text of the repository, decoded as qrules decodes it: agreements,
    configurations, rule tests, the corpora, goldens' inputs, Markdown front matter."""
    texts = {}
    for path in sorted(REPO.glob("**/*")):
        parts = set(path.relative_to(REPO).parts)
        if not path.is_file() or parts & {".git", ".venv", "node_modules", "build"}:
            continue
        if path.suffix not in (".yaml", ".yml", ".md"):
            continue
        try:
            text = decode_source(path.read_bytes(), "file")
        except Unreadable:  # hostile corpus files that are not text
            continue
        if path.suffix == ".md":
            text = front_matter(text, Document(str(path))) if text.startswith("---") else None
        if text is not None:
            texts[str(path.relative_to(REPO))] = text
    return texts


REPOSITORY = repository_texts()


def test_every_repository_text_is_read_as_libyaml_reads_it() -> None:
    taken = {name for name, text in REPOSITORY.items() if same_as_strict(text)}
    # ... the same with Windows line breaks, which libyaml reads as \n
    crlf = {name for name, text in REPOSITORY.items() if same_as_strict(text.replace("\n", "\r\n"))}
    assert crlf == taken
    # The subset covers how agreements are written (the examples, the rule tests) ...
    examples = {name for name in REPOSITORY if name.startswith("examples/agreements/")}
    assert len(examples) >= 10 and examples <= taken
    assert len(taken) >= 150
    # ... and gives up on every hostile text, which libyaml reads and reports.
    hostile = {name for name in REPOSITORY if name.startswith("tests/corpus/bad-agreements/")}
    assert len(hostile) >= 20
    for name in hostile - taken:
        assert strict(REPOSITORY[name]).problems, name
    assert not any(strict(REPOSITORY[name]).problems for name in hostile & taken)


@pytest.fixture(scope="module")
def workload(tmp_path_factory: pytest.TempPathFactory) -> list[str]:
    if not GENERATOR.is_file():
        pytest.skip(f"{GENERATOR} is absent: the shared workload lives next to the checkout")
    folder = tmp_path_factory.mktemp("workload")
    subprocess.run([sys.executable, str(GENERATOR), "300", str(folder)], check=True)
    return [path.read_text(encoding="utf-8") for path in sorted(folder.glob("*.yaml"))]


def test_the_fast_path_takes_every_workload_agreement(workload: list[str]) -> None:
    assert len(workload) == 300
    assert all(same_as_strict(text) for text in workload)
    assert all(same_as_strict(text.replace("\n", "\r\n")) for text in workload[:50])


# Cases at the subset's edges: each is either read exactly as libyaml reads it, or left to
# libyaml, and these are the ones that must be taken.
TAKEN = [
    "a: 1\n",
    "# note\n\n  a: 1\n  b:\n  - x: 1\n    y: 2\n  -   z\n",
    "a:\n- b\n- c\nd: 1\n",
    "a:\n  - b\n  - c: 1\n    d:\n    - e\n",
    "d: Packaging shall protect\n  the parts, and\n    more words\ne: 2\n",
    "a:\n- one\n  two\n",
    "a:\n  - one\n    two\n  - three\n",
    "a: 'it''s'\nb: \"x # y\"\nc: ''\nd: []\ne: {}\nf: [ ]\n",
    "a: [1, yes, ~, 2026-01-31, -x, b c]\nb:\n- [x, y]\n- []\n",
    "a: b # note\nc: d#e\nf: g:h\ni:   spaced   \n",
    "yes: no\n1: on\n0777: 1.50\nn: 0.10\nnull: ~\nempty:\n",
    "name: Müller — 検査 🙂\nstadt: Zürich\n",
    "Müller: [ä, ö, 検査 x]\nk: '''a'''\n",
    "a: |\n  x\n    y #z\n\n  w\nb: >-\n  p\n  q\n\n  r\nc:\n- |-\n   s\n- >\n  t\n",
    "a: |\n  x\n  ",
    "a: {b: 1, c d: -x, yes: 2.50}\nl:\n- {x: ü,  y:  z }\n- { }\n",
    "---\na: 1\n",
    "# c\n--- # d\n\na: 1\n",
    "---   \n  a: 1\n",
    "a: b\r\nc: d\n",
    "k: |\r\n  a\r\n  b\r\nj: >\r\n  c\r\n  d\r\n",
    "a:\n  b:\n    c:\n      d: -1\n",
    "a: http://example.com/x?y=1#z\n",
    "a: b\n\n\n",
    "a: b",
    "'0.5': a\n\"yes\": [b]   # c\n'it''s':\n- 1\n",
    'a: ---\nb: ...\n...: x\nc: -1\nd: "it\'s"\ne: <x\n',
]
REFUSED = [
    "a:\tb\n", "a: b\rc: d\n", "a: &x 1\nb: *x\n", "a: !!str 1\n", "a: |2\n  x\n",
    "a: |+\n  x\n", "a: |\n\n  x\n", "a: >\n  x\n   y\n", "a: |\nb: 1\n", "a: |\n  x\n   \n",
    "a: >\n", "- |\n  x\n", "---\n---\na: 1\n", "a: 1\n---\n", "--- a: 1\n", "---\n", "a: 1\n...\n", "... b: 1\n", "a: 1\n... {b: 1}\n", "--- a: 1\n", "%YAML 1.1\n---\na: 1\n", "? a\n: b\n",
    "'': 1\n", "'a' : 1\n", 'a: "x\\ty"\n', "a: 1\na: 2\n", "<<: {a: 1}\n", "=: 1\n",
    "a: =\n", "a: .inf\n", "a: .nan\n", "a: b: c\n", "a: b:\n", "a:\n  b\n", "a: b\n  c: d\n",
    "a: 1\n b: 2\n", "  a: 1\nb: 2\n", "- a\n", "a\n", "a: [b, [c]]\n", "a: [b,]\n",
    "a: [b, , c]\n", "a: [b: c]\n", "a: {b: c, b: d}\n", "a: {b}\n", "a: {b: }\n",
    "a: {b: c,}\n", "a: {b : c}\n", "a: {<<: c}\n", "a: {b: [c]}\n", "a: {b: {c: d}}\n", "a: 'b\n  c'\n", "a: b\n\n  c\n",
    "a: b # c\n  d\n", "a:\n-\n", "a:\n- # c\n", "a: - b\n", "- - a\n", "a:\n  - b\n  c: 1\n",
    "a: x\n  - y\n", "d: Packaging\n  the parts\n    more: words\n", "\ufeffa: 1\n", "a: b\u2028c\n", "a: \x85\n", "", "# only\n", "a: 'x'#c\n",
    "a: 1" + "0" * 5000 + "\n", " a b\nc: d\n", "k" * 200 + ": 1\n",
]  # fmt: skip


@pytest.mark.parametrize("text", TAKEN)
def test_the_subset_is_taken(text: str) -> None:
    assert same_as_strict(text)


@pytest.mark.parametrize("text", REFUSED)
def test_outside_the_subset_libyaml_reads(text: str) -> None:
    assert fast_load(text) is None


def test_no_key_the_fast_path_takes_has_a_tag_the_strict_path_refuses() -> None:
    for first, resolvers in yaml.resolver.Resolver.yaml_implicit_resolvers.items():
        if any(tag not in SCALAR_TAGS for tag, _ in resolvers):
            assert first and first in KEY_NOT_FIRST, first


def test_the_characters_left_to_libyaml_are_all_but_the_printable_ones_on_a_line() -> None:
    every = "".join(map(chr, range(0x110000)))
    # YAML 1.1's printable characters (libyaml's reader refuses the others), less tabs, the
    # line breaks other than \n, and the byte order mark
    not_printable = "[^\t\n\r\x85\x20-\x7e\xa0-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]"
    refused = re.compile(f"{not_printable}|[\t\r\x85\u2028\u2029\ufeff]")
    assert "".join(_DOUBTFUL.findall(every)) == "".join(refused.findall(every))


def assert_simple_line_agrees(line: str) -> None:
    simple = SIMPLE_LINE.fullmatch(line)
    if simple:
        full = _LINE.fullmatch(line)
        assert full is not None
        ind, dash, key, plain = simple.groups("")
        assert full.groups("") == (ind, dash, key, "", plain, "", "", "", ""), line


def test_the_commonest_lines_are_read_alike_by_both_patterns(workload: list[str]) -> None:
    lines = {line for text in [*workload, *REPOSITORY.values()] for line in text.split("\n")}
    assert sum(bool(SIMPLE_LINE.fullmatch(line)) for line in lines) > len(lines) // 3
    for line in lines:
        assert_simple_line_agrees(line)


@settings(max_examples=300, deadline=None)
@given(
    st.text(alphabet=" -", max_size=4),
    st.text(alphabet="aZ_09-: #'\".+/@ü", max_size=8),
    st.text(alphabet="aZ09 .+/@-:#'\"[]{}ü,", max_size=12),
)
def test_any_line_is_read_alike_by_both_patterns(start: str, key: str, value: str) -> None:
    assert_simple_line_agrees(f"{start}{key}: {value}")
    assert_simple_line_agrees(f"{start}{key}{value}")


def test_nesting_near_the_limit_is_left_to_libyaml() -> None:
    deep = "".join(f"{' ' * level}k{level}:\n" for level in range(80)) + " " * 80 + "v: 1\n"
    assert fast_load(deep) is None
    assert strict(deep).problems[0].rule == "yaml-limits"


# Keys and text from an alphabet that keeps most dumped documents in the subset while
# reaching its edges (indicators, `: `, ` #`, quotes, non-ASCII), and any text at times.
EDGY = st.text(alphabet="abz09 -_.:#'\"[],Öü検", min_size=1, max_size=12)
ANY_TEXT = st.text(st.characters(codec="utf-8", exclude_categories=("Cs",)), max_size=30)
KEYS = st.one_of(
    st.sampled_from(["id", "name", "yes", "no", "1", "0.5", "null", "~", "a b", "x-y", "Öl"]),
    EDGY,
)
SCALARS = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(-(10**6), 10**20),
    st.floats(allow_nan=False, allow_infinity=False),
    st.sampled_from(["yes", "No", "0777", "1:30", "2026-01-31", "1.50", "- x", "a: b", "#"]),
    EDGY,
    st.text(alphabet="ab :#-'\"[]{},.09\n", max_size=60),
    ANY_TEXT,
)
# As agreements nest: lists of values or of mappings (rarely of lists: the subset has no
# `- - x`), mappings of anything.
VALUES = st.recursive(
    SCALARS,
    lambda inner: st.one_of(
        st.lists(st.one_of(SCALARS, st.dictionaries(KEYS, inner, max_size=4)), max_size=4),
        st.dictionaries(KEYS, inner, min_size=1, max_size=4),
        st.lists(inner, max_size=2),
    ),
    max_leaves=25,
)
DOCUMENTS = st.dictionaries(KEYS, VALUES, min_size=1, max_size=6)
DUMP_STYLES = st.fixed_dictionaries(
    {
        "default_flow_style": st.sampled_from([False, False, None]),
        "width": st.sampled_from([20, 40, 80, 1000]),
        "indent": st.sampled_from([2, 3, 4]),
        "allow_unicode": st.sampled_from([True, True, False]),
        "sort_keys": st.booleans(),
    }
)


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(DOCUMENTS, DUMP_STYLES)
def test_dumped_documents_are_read_as_libyaml_reads_them(
    document: dict[str, Any], style: dict[str, Any]
) -> None:
    same_as_strict(yaml.safe_dump(document, **style))


class Layout:
    """Writes a document as a person might: any indentation per level, lists indented or
    not, `- key:` items, flow lists, plain, quoted or block scalars, comments, folded lines; each
    choice drawn, so that every layout the subset takes is compared with libyaml."""

    def __init__(self, data: st.DataObject) -> None:
        self.draw = data.draw
        self.lines: list[str] = []

    def scalar(self, value: Any) -> str:
        if isinstance(value, str) and self.draw(st.integers(0, 3)) == 0:
            return value  # as plain text, whatever it holds
        text = yaml.safe_dump(value, width=10**6, allow_unicode=True)
        return text.removesuffix("\n").removesuffix("\n...")

    def emit(self, line: str) -> None:
        choice = self.draw(st.integers(0, 19))
        if choice == 0:
            self.lines.append(" " * self.draw(st.integers(0, 6)) + "# a note")
        elif choice == 1:
            self.lines.append("")
        if choice == 2 and not line.rstrip().endswith(":"):
            line += "  # a note"
        if choice == 3 and " " in line.strip():  # fold a plain value over two lines
            head, _, tail = line.rpartition(" ")
            line = f"{head}\n{' ' * (len(line) - len(line.lstrip()) + 2)}{tail}"
        self.lines.append(line)

    def value(self, head: str, value: Any, indent: int) -> None:
        if isinstance(value, str) and self.draw(st.integers(0, 4)) == 0:
            self.emit(f"{head} {self.draw(st.sampled_from(['|', '>', '|-', '>-']))}")
            deeper = " " * (indent + self.draw(st.sampled_from([1, 2, 4])))
            for line in value.split("\n"):
                self.emit(deeper + line if line else "")
        elif isinstance(value, dict) and value:
            if self.draw(st.integers(0, 3)) == 0:
                pairs = ", ".join(f"{self.scalar(k)}: {self.scalar(v)}" for k, v in value.items())
                self.emit(f"{head} {{{pairs}}}")
                return
            self.emit(head)
            self.mapping(value, indent + self.draw(st.sampled_from([1, 2, 4])))
        elif isinstance(value, list) and value:
            scalars = all(not isinstance(item, (dict, list)) for item in value)
            if scalars and self.draw(st.booleans()):
                self.emit(f"{head} [{', '.join(self.scalar(item) for item in value)}]")
                return
            self.emit(head)
            self.sequence(value, indent + self.draw(st.sampled_from([0, 2, 3])))
        else:
            text = "{}" if value == {} else "[]" if value == [] else self.scalar(value)
            self.emit(f"{head} {text}" if text else head)

    def mapping(self, value: dict[str, Any], indent: int, first: str = "") -> None:
        for key, item in value.items():
            prefix, first = first or " " * indent, ""
            self.value(f"{prefix}{self.scalar(key)}:", item, indent)

    def sequence(self, value: list[Any], indent: int) -> None:
        for item in value:
            if isinstance(item, dict) and item:
                self.mapping(item, indent + 2, first=" " * indent + "- ")
            else:
                self.value(" " * indent + "-", item, indent)


@settings(max_examples=250, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(DOCUMENTS, st.data())
def test_documents_written_in_any_layout_are_read_as_libyaml_reads_them(
    document: dict[str, Any], data: st.DataObject
) -> None:
    layout = Layout(data)
    layout.mapping(document, data.draw(st.sampled_from([0, 0, 2])))
    start = data.draw(st.sampled_from(["", "", "---\n", "--- # a note\n"]))
    same_as_strict(start + "\n".join(layout.lines) + "\n")


# Lines of keys and values that start with indicators, markers or look like other types:
# whatever the fast path takes of them, it reads as libyaml does.
EDGE_KEYS = st.sampled_from(
    ["a", "b", "k y", "...", "---", "... a", "--- a", "1", "yes", "~", "'q'", '"d"', "x:y", "x#y", "<<", "=",
     "-a", "?a", ".5", "ü", "a ", "[a]", "{a}", "&a", "!a", "%a", "@a", "", "a'b"]
)  # fmt: skip
EDGE_VALUES = st.sampled_from(
    ["", "a", "b c", "...", "---", "- a", "-a", "? a", ": a", "1", "-1", "0777", "1:30", "yes",
     "~", ".inf", "<<", "=", "'q'", "'it''s'", '"d"', "'a", "[]", "[a, b]", "[a,]", "{}",
     "{a: 1}", "{a}", "|", ">-", "|+", "#c", "a #c", "a#c", "&a x", "*a", "!!str a", "%a",
     "@a", "`a", "a: b", "a:", "ü 検", "http://x/#y"]
)  # fmt: skip


@settings(max_examples=400, deadline=None)
@given(st.lists(st.tuples(EDGE_KEYS, EDGE_VALUES), min_size=1, max_size=3), st.data())
def test_keys_and_values_at_the_edges_are_read_as_libyaml_reads_them(
    entries: list[tuple[str, str]], data: st.DataObject
) -> None:
    lines = [f"{key}: {value}".rstrip() for key, value in entries]
    if data.draw(st.booleans()):  # the same entries as a list item's mapping
        lines = ["items:"] + [("- " if n == 0 else "  ") + line for n, line in enumerate(lines)]
    same_as_strict("\n".join(lines) + "\n")


MUTATIONS = st.sampled_from(
    [" ", "  ", "-", "- ", "#", " #", ": ", ":", "'", '"', "\t", "  \n", "ü", "[", "]", ",",
     "\r", "\r\n", "|", ">", "---", "...", "{", "}"]
)  # fmt: skip


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    st.one_of(
        st.sampled_from(sorted(REPOSITORY.values())),
        st.builds(lambda d: yaml.safe_dump(d, width=30), DOCUMENTS),
    ),
    st.lists(st.tuples(st.integers(0, 10_000), st.integers(0, 200), MUTATIONS), max_size=4),
    st.sampled_from(["insert", "indent", "dedent", "duplicate", "delete", "replace"]),
)
def test_mutated_texts_are_read_as_libyaml_reads_them(
    text: str, edits: list[tuple[int, int, str]], how: str
) -> None:
    lines = text.split("\n")
    for line_index, offset, piece in edits:
        number = line_index % len(lines)
        line = lines[number]
        at = min(offset, len(line))
        if how == "insert":
            lines[number] = line[:at] + piece + line[at:]
        elif how == "indent":
            lines[number] = " " * (1 + offset % 3) + line
        elif how == "dedent":
            lines[number] = line[1 + offset % 2 :]
        elif how == "duplicate":
            lines.insert(number, line)
        elif how == "delete":
            del lines[number]
            lines = lines or [""]
        else:
            lines[number] = line[:at] + piece + line[at + 1 :]
    same_as_strict("\n".join(lines))
