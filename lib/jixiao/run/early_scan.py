"""The personal-data scan of a run's outputs, started while the later notebooks still run.

A notebook runs in its own kernel process, so the runner's process is idle meanwhile. When a
notebook has finished, the files the run has written so far are scanned on a background thread
of the runner, while the next notebook runs. The check before the outputs move into place then
reads again only the files that are new or whose bytes changed since (a file is known by the
BLAKE2 digest of its bytes, taken before and after it was scanned), so its verdict is exactly
that of scanning every file at the end.

Anything that goes wrong in the background (a file still being written, the raw survey not
readable yet) only means that file is scanned at the end, where an error is reported as before.
``JIXIAO_THREADS=1`` scans everything at the end.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from pathlib import Path

from ..concurrency import thread_count
from ..privacy import PersonalDataHit
from .leakcheck import output_files, raise_on_hits, scan_files


def file_digest(path: Path) -> str | None:
    """The BLAKE2b digest of the file's bytes (``None``: it cannot be read now)."""
    try:
        with path.open("rb") as handle:
            return hashlib.file_digest(handle, "blake2b").hexdigest()
    except OSError:
        return None


class EarlyScan:
    """Scans the files under ``folders`` as notebooks finish; :meth:`check` gives the verdict.

    ``names`` gives the respondents' raw names; it is called once, on the background thread
    first (its failure there only postpones the scan to :meth:`check`).
    """

    def __init__(self, folders: list[Path], names: Callable[[], list[str]]):
        self.folders = [Path(f) for f in folders]
        self._names_of = names
        self._names: list[str] | None = None
        self._scanned: dict[Path, tuple[str, list[PersonalDataHit]]] = {}
        self._pool = (
            ThreadPoolExecutor(max_workers=1, thread_name_prefix="jixiao-scan")
            if thread_count() > 1
            else None
        )
        self._pending: list[Future] = []

    def __enter__(self) -> EarlyScan:
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def close(self) -> None:
        if self._pool is not None:
            self._pool.shutdown(wait=True, cancel_futures=True)
            self._pool = None

    def notebook_finished(self) -> None:
        """Scan, in the background, what has been written so far."""
        if self._pool is not None:
            self._pending.append(self._pool.submit(self._scan_written))

    def _scan_written(self) -> None:
        if self._names is None:
            try:
                self._names = list(self._names_of())
            except Exception:  # noqa: BLE001 - reported by check(), where it is called again
                return
        try:
            written = output_files(self.folders)
        except OSError:  # a folder changing while it is listed: everything is scanned at the end
            return
        for _, path in written:
            digest = file_digest(path)
            if digest is None or self._scanned.get(path, ("",))[0] == digest:
                continue
            try:
                hits = scan_files([path], self._names)[0]
            except Exception:  # noqa: BLE001 - e.g. a file half written: scanned again at the end
                continue
            if file_digest(path) == digest:  # the bytes scanned are the bytes digested
                self._scanned[path] = (digest, hits)

    def check(self) -> None:
        """Raise :class:`PersonalDataLeak` naming every hit in the files now under the folders,
        scanning those not scanned already with exactly these bytes."""
        for pending in self._pending:
            pending.result()  # the background catches its own errors
        self.close()
        names = self._names if self._names is not None else list(self._names_of())
        files = output_files(self.folders)
        known = {path: self._scanned.get(path) for _, path in files}
        fresh = [
            path for _, path in files if known[path] is None or file_digest(path) != known[path][0]
        ]
        found = dict(zip(fresh, scan_files(fresh, names), strict=True))
        raise_on_hits(
            [
                (folder, path, found[path] if path in found else known[path][1])
                for folder, path in files
            ]
        )
