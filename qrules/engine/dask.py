"""Checking on a Dask cluster: partitions of files mapped onto the workers, results back in
output order. ``pip install 'qrules[dask]'``.

:func:`check_partition` is the executor-agnostic part: given ruleset specs and paths, it
loads the rulesets once per worker process and returns the results, so Spark's
``mapPartitions`` or Ray's tasks can call it as Dask does. Paths with a scheme
(``s3://``, ``gs://``) are read through fsspec, when it and the store's package
(``s3fs``, ``gcsfs``) are installed; the same bounds and checks apply to their bytes.
"""

from __future__ import annotations

import datetime as dt
import threading
from collections.abc import Iterator, Mapping, Sequence
from pathlib import Path
from typing import Any

from qrules.engine.workers import Loading, check_one, cores
from qrules.errors import UsageError
from qrules.limits import MAX_AGREEMENT_BYTES
from qrules.model.findings import DocumentResult
from qrules.ruleset import Rulebook

PARTITION = 256  # files per task: large enough that scheduling is a small part of a task
_loaded: dict[str, Rulebook] = {}  # per worker process: compiled once
_lock = threading.Lock()


def check_partition(
    specs: Sequence[str | Path],
    paths: Sequence[str],
    *,
    today: dt.date | None = None,
    schema: str | Path | None = "auto",
    params: Mapping[str, Any] | None = None,
) -> list[DocumentResult]:
    """The results of ``paths``, in their order, under the rulesets ``specs`` (built-in
    names, or paths every worker can read), loaded as ``load_ruleset`` loads them."""
    loading = Loading(tuple(str(spec) for spec in specs), schema, dict(params or {}))
    rules = _rules(loading)
    today = today or dt.date.today()
    return [_check(rules, path, today, schema) for path in paths]


def _rules(loading: Loading) -> Rulebook:
    key = repr(loading)
    with _lock:  # threads of one worker share the compiled rules
        if key not in _loaded:
            _loaded[key] = loading.load()
        return _loaded[key]


def _check(rules: Rulebook, path: str, today: dt.date, schema: str | Path | None) -> DocumentResult:
    if not is_remote(path):
        return check_one(rules, path, today, schema)[0]
    from qrules.document import Document, load_document
    from qrules.engine.run import check

    try:
        raw = _read_remote(path)
    except OSError as error:  # missing, no access, no such bucket: a finding, as for files
        document = Document(path)
        document.problem("document-unreadable", f"cannot read the file: {error}")
        return check(rules, document, today=today)
    schema = rules.schema if schema == "auto" else schema
    return check(rules, load_document(path, schema, raw), today=today)


def is_remote(path: str) -> bool:
    scheme, sep, _ = path.partition("://")
    return bool(sep) and scheme.isalnum() and scheme != "file"


def _read_remote(path: str) -> bytes:
    try:
        import fsspec
    except ImportError:
        raise OSError("reading URLs needs fsspec: pip install 'qrules[dask]'") from None
    try:
        with fsspec.open(path, "rb") as stream:
            return bytes(stream.read(MAX_AGREEMENT_BYTES + 1))  # the loader says it is too big
    except (ImportError, ValueError) as error:  # no package for the scheme (s3fs, gcsfs)
        raise OSError(str(error)) from None


def on_dask(
    loading: Loading, files: Sequence[str], *, today: dt.date, scheduler: str | None
) -> Iterator[DocumentResult]:
    """``files`` (in output order) checked on the cluster at ``scheduler``, or on a local
    cluster of one worker process per core; results in the same order."""
    client, cluster = _connect(scheduler)
    try:
        parts = [list(files[i : i + PARTITION]) for i in range(0, len(files), PARTITION)]
        specs = [str(spec) for spec in loading.specs]
        futures = client.map(
            check_partition, [specs] * len(parts), parts,
            today=today, schema=loading.schema, params=loading.params, pure=False,
        )  # fmt: skip
        for future in futures:
            yield from future.result()
            future.release()  # the worker may drop it: memory stays flat
    finally:
        client.close()
        if cluster is not None:
            cluster.close()


def _connect(scheduler: str | None) -> tuple[Any, Any]:
    from importlib import import_module

    try:
        # typed as Any: the extra may be absent where qrules is type-checked
        distributed: Any = import_module("distributed")
    except ImportError:
        raise UsageError(
            "--executor dask needs Dask's distributed scheduler",
            hint="pip install 'qrules[dask]'",
        ) from None
    if scheduler is not None:
        try:
            return distributed.Client(scheduler, timeout="10s"), None
        except Exception as error:  # OSError, TimeoutError, ValueError for a bad address
            raise UsageError(
                f"cannot reach the Dask scheduler at {scheduler}: {error}",
                hint="give its address as tcp://HOST:8786, or leave out --scheduler",
            ) from None
    cluster = distributed.LocalCluster(
        n_workers=cores(), threads_per_worker=1, dashboard_address=None, silence_logs=40
    )
    return distributed.Client(cluster), cluster
