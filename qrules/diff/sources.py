"""Revisions of an agreement: a file, or ``REV:path`` read from git with ``git show`` (never
checking anything out, so the working tree is never touched); and the agreements changed
since a revision.

A revision's bytes go through the same decoding and strict loading as a file's
(``fileio.decode_source``, ``document.parse_document``), so an old revision that cannot be
read is a finding of that revision, like any unreadable file.
"""

from __future__ import annotations

import hashlib
import subprocess
from dataclasses import dataclass
from pathlib import Path

from qrules.document import SUFFIXES, Document, agreement_files, load_document, parse_document
from qrules.document.read import front_matter
from qrules.errors import UsageError
from qrules.fileio import Unreadable, decode_source
from qrules.limits import MAX_AGREEMENT_BYTES


@dataclass(frozen=True)
class Revision:
    """One side of a diff: ``rev`` None for the file as it is on disk."""

    path: str
    rev: str | None = None

    @property
    def name(self) -> str:
        return self.path if self.rev is None else f"{self.rev}:{self.path}"


def parse(spec: str) -> Revision:
    """``FILE`` (when it exists, or has no ``:``) or ``REV:path``."""
    if Path(spec).exists() or ":" not in spec:
        return Revision(spec)
    rev, _, path = spec.partition(":")
    if not rev or not path:
        raise UsageError(f"{spec!r} is neither a file nor REV:path", hint="e.g. HEAD~1:a.yaml")
    return Revision(path, rev)


def load(
    revision: Revision, schema: str | Path | None = "auto", raw: bytes | None = None
) -> Document | None:
    """The revision's document; None where the file does not exist at that revision.
    ``raw``: its bytes, when already read (``show_many``)."""
    if revision.rev is None:
        return load_document(revision.path, schema)
    raw = raw if raw is not None else show(revision.rev, revision.path)
    if raw is None:
        return None
    document = Document(revision.name, sha256=hashlib.sha256(raw).hexdigest())
    text = _decoded(raw, document)
    if text is not None and revision.path.endswith(".md"):
        text = front_matter(text, document)
    return parse_document(text, document, schema) if text is not None else document


def _decoded(raw: bytes, document: Document) -> str | None:
    if len(raw) > MAX_AGREEMENT_BYTES:
        document.problem(
            "yaml-limits", f"the file is {len(raw):,} bytes; the limit is {MAX_AGREEMENT_BYTES:,}"
        )
        return None
    try:
        return decode_source(raw, "file")
    except Unreadable as error:
        document.problem("document-unreadable", error.message, at=error.at, hint=error.hint)
        return None


# ---------------------------------------------------------------------------- git


def show(rev: str, path: str) -> bytes | None:
    """The bytes of ``path`` (relative to the current folder) at ``rev``; None when the
    revision has no such file. A revision git does not know is exit 2."""
    return show_many(rev, [path])[path]


def show_many(rev: str, paths: list[str]) -> dict[str, bytes | None]:
    """``show`` for many files in one ``git cat-file --batch``: a baseline of thousands of
    agreements is one process, not thousands."""
    if rev == "HEAD" and _unborn():
        return dict.fromkeys(paths)
    _revision_exists(rev)
    if any("\n" in path for path in paths):  # the batch protocol is one name a line
        return {path: _show_one(rev, path) for path in paths}
    names = "".join(f"{rev}:{_relative(path)}\n" for path in paths).encode()
    done = _git("cat-file", "--batch", input=names)
    return dict(zip(paths, _blobs(done.stdout, len(paths)), strict=True))


def _show_one(rev: str, path: str) -> bytes | None:
    done = _git("show", f"{rev}:{_relative(path)}", check=False)
    return done.stdout if done.returncode == 0 else None


def _relative(path: str) -> str:
    return path if path.startswith(("./", "../", "/")) else f"./{path}"


def _blobs(output: bytes, count: int) -> list[bytes | None]:
    """``git cat-file --batch`` output: per name ``<oid> <type> <size>\\n<bytes>\\n``, or a
    line ending in ``missing`` (or ``ambiguous``); only blobs are files."""
    found: list[bytes | None] = []
    at = 0
    for _ in range(count):
        end = output.index(b"\n", at)
        header = output[at:end].split()
        at = end + 1
        if len(header) == 3 and header[2].isdigit():
            size = int(header[2])
            found.append(output[at : at + size] if header[1] == b"blob" else None)
            at += size + 1
        else:
            found.append(None)
    return found


def changed_since(rev: str, paths: list[str]) -> list[str]:
    """Agreement files (by suffix) changed between ``rev`` and the working tree, relative
    to the current folder: modified, added, deleted, renamed; untracked files are not."""
    if rev == "HEAD" and _unborn():  # the first commit: every file named or below is new
        found = agreement_files(paths or ["."])
        return [p for p in found if p.endswith(SUFFIXES) and Path(p).is_file()]
    _revision_exists(rev)
    done = _git("diff", "--name-only", "--relative", "--no-renames", "-z", rev, "--", *paths)
    names = [name for name in done.stdout.decode("utf-8", "replace").split("\0") if name]
    return sorted(name for name in names if name.endswith(SUFFIXES))


def _unborn() -> bool:
    """A repository without a commit yet: HEAD names a branch that does not exist."""
    if _git("rev-parse", "--verify", "--quiet", "HEAD", check=False).returncode == 0:
        return False
    return _git("symbolic-ref", "--quiet", "HEAD", check=False).returncode == 0


def _revision_exists(rev: str) -> None:
    if rev.startswith("-") or "\0" in rev:  # git would read `--output=FILE` as an option
        raise UsageError(f"{rev!r} is not a revision", hint="name a commit, branch or tag")
    done = _git("rev-parse", "--verify", "--quiet", f"{rev}^{{commit}}", check=False)
    if done.returncode != 0:
        raise UsageError(
            f"git knows no revision {rev!r} here",
            hint="name a commit, branch or tag of this repository (git log --oneline)",
        )


def _git(
    *args: str, check: bool = True, input: bytes | None = None
) -> subprocess.CompletedProcess[bytes]:
    try:
        done = subprocess.run(
            ["git", *args], input=input, capture_output=True, check=False, timeout=120
        )
    except FileNotFoundError:
        raise UsageError("git is not installed", hint="install git, or compare two files") from None
    except subprocess.TimeoutExpired:
        raise UsageError(f"git {args[0]} did not answer in 120 s") from None
    if check and done.returncode != 0:
        message = done.stderr.decode("utf-8", "replace").strip().splitlines()
        raise UsageError(
            f"git {args[0]} failed: {message[-1] if message else done.returncode}",
            hint="run qrules diff inside a git repository",
        )
    return done
