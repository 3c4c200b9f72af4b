"""The common subset of block YAML → values and marks in one pass over the lines, without
libyaml's node tree: block mappings and lists (``- key: value`` items too), plain scalars
on one line or folded over more, one-line quoted scalars, one-line flow lists and mappings
of plain scalars (``flow_yaml``), literal and folded block scalars (``block_scalar``),
plain or quoted keys, comments, blank lines and a leading ``---``; ``\n`` or ``\r\n``.

Composing with libyaml makes a node and two marks per value, as Python objects, before any
value exists; most agreements are written in this subset, and one compiled line pattern
reads them about twice as fast. Anything outside the subset or doubtful in it (tabs, nested
flow collections, anchors, tags, other block scalar headers, other document markers,
escapes, duplicate keys, odd indentation, a folded line that could be read two ways, a
value the strict path refuses, nesting near its limit) makes :func:`fast_load` give up
(None), and the strict path (``strict_yaml``) loads the text and words every problem.
Where it does not give up, its values, marks and typing notes are the strict path's,
exactly: ``tests/document/test_fast_yaml.py`` compares the two on every YAML file of the
repository, generated workload agreements, and generated and mutated text.
"""

from __future__ import annotations

import re
from typing import Any, NamedTuple

from qrules.document.block_scalar import BlockScalar
from qrules.document.flow_yaml import FLOW, Item, flow_items
from qrules.document.scalars import AMBIGUOUS, SCALAR_TAGS, STARTS, plain_tag, read_scalar
from qrules.limits import MAX_DEPTH, MAX_VALUES
from qrules.model.paths import DocPath, Location


class Loaded(NamedTuple):
    """What the strict path records for a document it loads without problems."""

    data: dict[str, Any]
    locations: dict[DocPath, Location]
    written_as: dict[DocPath, str]
    ambiguous: set[DocPath]


# Characters libyaml rejects, reads as line breaks (\r, NEL, LS, PS), as a byte order mark
# or as indentation (tab). Columns need no care for the rest: libyaml counts them in
# characters, as Python does, and every mark recorded here follows only spaces and `- `.
# (Spelled as the characters refused: the complement of the printable ones takes
# milliseconds to compile.)
_DOUBTFUL = re.compile("[\x00-\x09\x0b-\x1f\x7f-\x9f\u2028\u2029\ud800-\udfff\ufeff\ufffe\uffff]")

# The rest of a plain scalar on one line, as block context reads it: up to `: `, ` #` or
# the end of the line, without trailing spaces. Runs of ordinary characters are matched as
# runs: a loop per character costs more than the rest of the line's work.
_BODY = r"[^\n:\#]*(?:(?::(?=[^\ \n])|(?<!\ )\#)[^\n:\#]*)*(?<!\ )"
# What cannot start a key: an indicator, a space, or `<`, `=` (the merge key and `=` have
# tags the strict path refuses; a test checks this against PyYAML's resolvers).
KEY_NOT_FIRST = "\x00-\x20\\-?:,\\[\\]{}#&*!|>'\"%@`<="
_KEY = rf"[^{KEY_NOT_FIRST}]{_BODY}"
# A plain value may also start with `-` before a non-space, or with `<`, `=`.
_PLAIN = rf"""(?:[^\x00-\x20\-?:,\[\]{{}}\#&*!|>'"%@`]|-(?=[^\ \n])){_BODY}"""
_QUOTED_KEY = r"'[^'\n]*(?:''[^'\n]*)*'|\"[^\"\\\n]*\""
_QUOTED = _QUOTED_KEY

# One line: indentation, `- `, a plain or quoted `key:`, a value on the line, a comment;
# else `bad` (so is a document marker, `---` or `...` at the start of a line; the reader
# takes one `---` before the content, as in most hand-written files).
_LINE = re.compile(
    rf"""(\ *)
    (?:
        (?!\A(?:---|\.\.\.)(?:\ |\Z))
        (-\ +)?
        (?:(?:({_KEY})|({_QUOTED_KEY})):(?=\ |\Z)\ *)?
        (?:({_PLAIN})|({_QUOTED})|({FLOW}|[|>]-?))?  # a flow collection or a block scalar
        \ *(?:(?<![^\ \n])(\#)[^\n]*)?
      | ([^\n]+)
    )""",
    re.VERBOSE,
)
# The commonest line, `  name: Yuki Kim`, matched in half the time: a key of word characters,
# one space, a plain value of letters, digits, spaces and `.+/@-` (a test checks that it
# reads each such line as _LINE does).
SIMPLE_LINE = re.compile(
    r"(\ *)(-\ )?([A-Za-z_][A-Za-z0-9_]*):\ ([A-Za-z0-9+][A-Za-z0-9 .+/@-]*(?<!\ ))"
)
# A line as the reader takes it: its column, `- `, the key (unquoted), a plain value as
# written, the scalar value on the line and its flags (None: no scalar), a collection
# (`{}`, a flow list, a block scalar's header) and its column, a comment, and the line if
# it is outside the subset.
_Line = tuple[int, str, str, str, Any, "int | None", str, int, str, str]
_DOCUMENT_START = re.compile(r"---(?:\ +(?:\#.*)?)?")
# Lines repeat across agreements (`    issuer: BSI`, `  coc: true`): 72% of the workload's
# lines are among its 5,000 most frequent, and a line read before is not matched again. A
# line is kept the second time it is seen (by its hash), so that lines unique to their
# agreement (`  lot: L2508-5385`) do not take the room: 69% of the lines are found.
_lines: dict[str, _Line] = {}
_LINES_KEPT = 5_000  # about 2 MiB
_seen: set[int] = set()
_SEEN_KEPT = 20_000

# A line adds at most two values (`- key: value`), and a flow list one more per comma.
_MAX_LINES = (MAX_VALUES - 1) // 2
_MAX_NESTING = MAX_DEPTH - 2
_MAX_KEY = 128  # libyaml refuses a key of 1,024 characters or more
_REFUSED = (None, -1)  # a plain scalar the strict path refuses


def _parsed(line: str) -> _Line:
    simple = SIMPLE_LINE.fullmatch(line)
    if simple:
        ind, dash, key, plain = simple.groups("")
        qkey = quoted = flow = note = bad = ""
        at = -1
    else:
        match = _LINE.fullmatch(line)
        assert match is not None  # `bad` takes any line the rest does not
        ind, dash, key, qkey, plain, quoted, flow, note, bad = match.groups("")
        at = match.start(7)
    if qkey:
        key = _unquoted(qkey)
    scalar: Any = None
    flags = None
    if plain:
        scalar, flags = (plain, 0) if plain[:1] not in STARTS else _typed(plain)
    elif quoted:
        scalar, flags = _unquoted(quoted), 0
    collection = flow
    parts = (len(ind), dash, key, plain, scalar, flags, collection, at, note, bad)
    if bad or (qkey and not key) or len(key) > _MAX_KEY:  # and the empty or a long key
        parts = (0, "", "", "", None, None, "", -1, "", line)  # nothing else of it is read
    _keep(line, parts)
    return parts


def _keep(line: str, parts: _Line) -> None:
    if len(_lines) < _LINES_KEPT:
        seen = hash(line)
        if seen in _seen:
            _lines[line] = parts
        else:
            if len(_seen) >= _SEEN_KEPT:
                _seen.clear()
            _seen.add(seen)


def _typed(text: str) -> tuple[Any, int]:
    """A plain scalar's value and ``read_scalar``'s flags, or ``_REFUSED``."""
    tag = plain_tag(text)
    if tag not in SCALAR_TAGS:
        return _REFUSED
    value, problem, flags = read_scalar(tag, text, True)
    return _REFUSED if problem else (value, flags)


class _GiveUp(Exception):
    """The text leaves the subset: the strict path loads it."""


def fast_load(text: str) -> Loaded | None:
    """The document's values and marks as the strict path records them, or None where the
    text leaves the subset (or its root is not a mapping)."""
    if "\r" in text:  # libyaml reads CRLF as one line break, as it reads \n (a lone \r too)
        text = text.replace("\r\n", "\n")
    if _DOUBTFUL.search(text) or text.count("\n") + text.count(",") > _MAX_LINES:
        return None
    try:
        return _Reader().read(text)
    except _GiveUp:
        return None


class _Reader:
    """The open collections (the innermost in ``cur``, ``indent``, ``path``; the others
    on ``stack``) and what the lines so far recorded."""

    __slots__ = (
        "block", "cur", "entry", "indent", "loaded", "open", "path", "pending", "stack",
        "started", "text",
    )  # fmt: skip

    def __init__(self) -> None:
        self.loaded = Loaded({}, {}, {}, set())
        self.stack: list[tuple[Any, int, DocPath]] = []
        self.cur: Any = None
        self.indent = 0
        self.path: DocPath = ()
        self.pending: tuple[str, DocPath] | None = None  # a `key:` whose value is below
        self.entry = -1  # the column of a key line adding to ``cur``, else -1
        self.open = -1  # the line whose plain scalar, ``text``, the next line may continue
        self.text = ""
        # a block scalar whose lines are being read, and where its text goes
        self.block: tuple[BlockScalar, Any, Any] | None = None
        self.started = False  # by a `---` line

    def read(self, text: str) -> Loaded | None:
        locations = self.loaded.locations
        lines = _lines
        for number, line in enumerate(text.split("\n"), 1):
            if self.block is not None and self.block_line(line):
                continue
            parts = lines.get(line) or _parsed(line)
            column, dash, key, plain, scalar, flags, collection, at, note, bad = parts
            # The common line first: one more `key: value` of the innermost mapping.
            if key and not dash and column == self.entry:
                pass
            elif key or dash:
                column = self.enter(number, parts)
                if column < 0:
                    continue  # a list item's value, recorded
            elif plain:
                self.fold(number, column, plain, note)
                continue
            elif bad:
                if self.started or self.cur is not None or not _DOCUMENT_START.fullmatch(line):
                    raise _GiveUp  # outside the subset
                self.started = True
                continue
            elif flags is not None or collection:
                raise _GiveUp  # a value alone on a line
            else:
                continue  # a blank or comment line
            cur = self.cur
            if key in cur:
                raise _GiveUp
            child = (*self.path, key)
            locations[child] = (number, column + 1)
            if flags is not None:
                if flags:
                    self.flag(child, plain, flags)
                cur[key] = scalar
                if plain and not note:
                    self.open, self.text = number, plain
            elif collection:
                cur[key] = self.collection(number, at, collection, child)
            else:
                self.pending, self.entry = (key, child), -1
        if self.block is not None:  # up to the text's end: a break follows its last line if
            self.end_block(final_break=self.block[0].lines[-1:] == [""])  # a line follows it
        if self.cur is None:
            return None
        if self.pending:
            self.cur[self.pending[0]] = None
        return self.loaded

    def enter(self, number: int, line: _Line) -> int:
        """Open and close collections for a line that is not one more entry of the
        innermost mapping; record a list item's scalar (-1), or give the column of the
        key that follows."""
        column, dash, key = line[:3]
        if self.cur is None:
            if dash:
                raise _GiveUp  # a list, not a mapping of fields: the strict path says so
            self.cur, self.indent = self.loaded.data, column
            self.loaded.locations[()] = (number, column + 1)
        elif self.pending:
            self.pending_value(column, dash, key)
        while column < self.indent:
            if not self.stack:
                raise _GiveUp  # less indented than the first line
            self.cur, self.indent, self.path = self.stack.pop()
        if dash:
            if type(self.cur) is not list or column != self.indent:
                raise _GiveUp
            column = self.item(number, column + len(dash), line)
        else:
            if type(self.cur) is list and column == self.indent and self.stack:
                self.cur, self.indent, self.path = self.stack.pop()  # a key after its list
            if type(self.cur) is not dict or column != self.indent:
                raise _GiveUp
        self.entry = self.indent if type(self.cur) is dict else -1
        return column

    def item(self, number: int, column: int, line: _Line) -> int:
        """A `- ` line (``column``: after the dash): a scalar or collection item (-1), or a
        mapping item whose first key follows."""
        _, _, key, plain, scalar, flags, collection, at, note, _ = line
        items = self.cur
        path = (*self.path, len(items))
        self.loaded.locations[path] = (number, column + 1)
        if key:
            self.push({}, column, path)
            items.append(self.cur)
            return column
        if flags is not None:
            if flags:
                self.flag(path, plain, flags)
            items.append(scalar)
            if plain and not note:
                self.open, self.text = number, plain
        elif collection:
            items.append(self.collection(number, at, collection, path))
        else:
            raise _GiveUp  # an item without a value (`-`), or one on the lines below
        return -1

    def pending_value(self, column: int, dash: str, key: str) -> None:
        """After a `key:` line: a list (`- ` lines at the key's column or deeper), a
        mapping (keys deeper), or an empty value."""
        assert self.pending is not None
        name, child = self.pending
        self.pending = None
        if dash and column >= self.indent:
            value: Any = []
        elif key and not dash and column > self.indent:
            value = {}
        elif column > self.indent:
            raise _GiveUp  # a scalar on the lines below its key
        else:
            self.cur[name] = None  # an empty value: null, as the strict path reads it
            return
        self.cur[name] = value
        self.push(value, column, child)

    def push(self, collection: Any, column: int, path: DocPath) -> None:
        if len(self.stack) >= _MAX_NESTING:
            raise _GiveUp
        self.stack.append((self.cur, self.indent, self.path))
        self.cur, self.indent, self.path = collection, column, path

    def plain(self, path: DocPath, text: str) -> Any:
        if text[:1] not in STARTS:
            return text
        value, flags = _typed(text)
        if flags:
            self.flag(path, text, flags)
        return value

    def collection(self, number: int, column: int, flow: str, path: DocPath) -> Any:
        """A flow collection at ``column``, its items marked; or a block scalar's header."""
        if flow[0] in "|>":
            self.block = (BlockScalar(flow, self.indent), self.cur, path[-1])
            return ""  # for now: the block's lines follow
        items = flow_items(flow, column)
        if items is None:
            raise _GiveUp
        if flow[0] == "[":
            return [self.flow_item(number, (*path, i), item) for i, item in enumerate(items)]
        mapping: dict[str, Any] = {}
        for item in items:
            key = str(item[0])
            if key in mapping or plain_tag(key) not in SCALAR_TAGS:
                raise _GiveUp  # a duplicate key, `<<` or `=`
            mapping[key] = self.flow_item(number, (*path, key), item)
        return mapping

    def flow_item(self, number: int, path: DocPath, item: Item) -> Any:
        """A flow collection's item, marked where it (or its key) starts."""
        self.loaded.locations[path] = (number, item[2] + 1)
        return self.plain(path, item[1])

    def block_line(self, line: str) -> bool:
        """Whether the line is the open block scalar's; the first that is not ends it."""
        assert self.block is not None
        taken = self.block[0].take(line)
        if taken is None:
            raise _GiveUp
        if not taken:
            self.end_block(final_break=True)
        return taken

    def end_block(self, final_break: bool) -> None:
        assert self.block is not None
        scalar, container, slot = self.block
        text = scalar.text(final_break)
        if text is None:
            raise _GiveUp
        container[slot] = text
        self.block = None

    def flag(self, path: DocPath, text: str, flags: int) -> None:
        """Note a plain scalar YAML re-typed, or give up on one the strict path refuses."""
        if flags < 0:
            raise _GiveUp
        self.loaded.written_as[path] = text
        if flags & AMBIGUOUS:
            self.loaded.ambiguous.add(path)

    def fold(self, number: int, column: int, text: str, note: str) -> None:
        """A line holding only a plain scalar, deeper than its collection, right after a
        line ending in a plain scalar: that scalar's next line, joined with a space."""
        if self.open != number - 1 or column <= self.indent:
            raise _GiveUp
        cur = self.cur
        slot = len(cur) - 1 if type(cur) is list else next(reversed(cur))
        path = (*self.path, slot)
        self.text = text = f"{self.text} {text}"
        self.loaded.written_as.pop(path, None)
        self.loaded.ambiguous.discard(path)
        cur[slot] = self.plain(path, text)
        self.open = -1 if note else number


def _unquoted(quoted: str) -> str:
    if quoted[0] == "'":
        return quoted[1:-1].replace("''", "'")
    return quoted[1:-1]
