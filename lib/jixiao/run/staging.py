"""One year's run folders and its lock: staged outputs move into place only when every notebook passed.

:class:`YearStaging` owns, for ``reports/<year>`` and ``data/processed/<year>`` alike, the
staging folder of this run (``.<year>.running-<pid>-<token>``, unique per run), the failed copy
kept for review (``<year>.failed``) and the previous outputs set aside during the swap
(``.<year>.previous-<pid>-<token>``). A lock file (``reports/.<year>.lock``, created atomically)
makes a second run of the same year refuse at once; a lock left by a killed run is reported and
taken over. The last good outputs always survive: a run killed in the middle of the swap leaves
them in its ``.previous`` folder, and the next run puts them back before it starts.
"""

from __future__ import annotations

import json
import os
import secrets
import shutil
import socket
import time
from datetime import datetime
from pathlib import Path

STALE_AFTER_SECONDS = 12 * 3600  # no year's run takes this long: an older lock is a dead run's


class RunLocked(RuntimeError):
    """Another run of the same year holds the lock."""


def pid_alive(pid: int) -> bool:
    """Whether a process with this id runs on this machine (Windows and POSIX)."""
    try:
        import psutil
    except ImportError:
        psutil = None
    if psutil is not None:
        return psutil.pid_exists(pid)
    if os.name == "nt":
        import ctypes

        handle = ctypes.windll.kernel32.OpenProcess(0x1000, False, pid)  # QUERY_LIMITED_INFORMATION
        if not handle:
            return False
        ctypes.windll.kernel32.CloseHandle(handle)
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def _holder_text(holder: dict) -> str:
    return (
        f"进程 {holder.get('pid')}（主机 {holder.get('host')}），"
        f"自 {holder.get('started', '未知时间')} 起运行"
    )


def lock_is_stale(holder: dict, *, now: float | None = None) -> bool:
    """A lock from a dead process on this host, or older than any run takes."""
    now = time.time() if now is None else now
    if now - float(holder.get("started_at", 0)) > STALE_AFTER_SECONDS:
        return True
    if holder.get("host") == socket.gethostname():
        pid = holder.get("pid")
        return not isinstance(pid, int) or not pid_alive(pid)
    return False


class RunLock:
    """``reports/.<year>.lock``: created with O_CREAT | O_EXCL, so only one run can make it."""

    def __init__(self, file: Path, year: int, token: str):
        self.file = Path(file)
        self.year = year
        self.holder = {
            "pid": os.getpid(),
            "host": socket.gethostname(),
            "started": datetime.now().isoformat(timespec="seconds"),
            "started_at": time.time(),
            "token": token,
        }

    def acquire(self, log=print) -> None:
        self.file.parent.mkdir(parents=True, exist_ok=True)
        for _attempt in range(2):
            try:
                # "x": created only if absent (O_EXCL), so two runs cannot both take the lock
                handle = open(self.file, "x", encoding="utf-8")
            except FileExistsError:
                holder = self._read_holder()
                if holder is not None and not lock_is_stale(holder):
                    raise RunLocked(
                        f"{self.year} 年的评价正在运行，本次不启动 / year {self.year} is already running: "
                        f"{_holder_text(holder)}；锁文件 / lock file: {self.file}"
                    ) from None
                log(
                    f"  接管遗留的运行锁 / taking over a stale lock: "
                    f"{_holder_text(holder or {})}，该运行已中止 / that run is gone"
                )
                self.file.unlink(missing_ok=True)
                continue
            with handle:
                handle.write(json.dumps(self.holder, ensure_ascii=False))
            return
        raise RunLocked(f"无法取得运行锁 / could not take the lock: {self.file}")

    def _read_holder(self) -> dict | None:
        try:
            return json.loads(self.file.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return None  # half-written by a run killed at that instant

    def release(self) -> None:
        holder = self._read_holder()
        if holder is not None and holder.get("token") == self.holder["token"]:
            self.file.unlink(missing_ok=True)


def _swap_into_place(work: Path, final: Path, backup: Path) -> None:
    """Put a finished folder where the previous one was; the previous one goes only once the new one is in."""
    final.parent.mkdir(parents=True, exist_ok=True)
    if final.exists():
        os.replace(final, backup)
        os.replace(work, final)
        shutil.rmtree(backup)
    else:
        os.replace(work, final)


def _keep(work: Path, failed: Path) -> None:
    if failed.exists():
        shutil.rmtree(failed)
    if work.exists():
        os.replace(work, failed)


def recover_leftovers(root: Path, year: int) -> None:
    """Clear what killed runs of ``year`` left in ``root`` (called while holding the lock).

    A ``.previous`` folder whose final folder is missing holds the last good outputs (the run
    died between its two renames): it goes back into place. Staging folders are removed.
    """
    final = root / str(year)
    for backup in sorted(root.glob(f".{year}.previous-*")):
        if not final.exists():
            os.replace(backup, final)
        else:
            shutil.rmtree(backup)
    for running in root.glob(f".{year}.running-*"):
        shutil.rmtree(running)


class YearStaging:
    """Context manager for one run of a year: lock, staging folders, then swap or keep as failed."""

    def __init__(self, year: int, reports_root: Path, processed_root: Path, *, log=print):
        self.year = year
        self.reports_root = Path(reports_root)
        self.processed_root = Path(processed_root)
        self.token = f"{os.getpid()}-{secrets.token_hex(4)}"
        self.log = log
        self.lock = RunLock(self.reports_root / f".{year}.lock", year, self.token)
        self.work_dir = self.reports_root / f".{year}.running-{self.token}"
        self.staging_root = self.processed_root / f".{year}.running-{self.token}"
        self.staged = self.staging_root / str(year)
        self.final_dir = self.reports_root / str(year)
        self.final_processed = self.processed_root / str(year)
        self.failed_dir = self.reports_root / f"{year}.failed"
        self.failed_processed = self.processed_root / f"{year}.failed"

    def __enter__(self) -> YearStaging:
        self.lock.acquire(self.log)
        try:
            for root in (self.reports_root, self.processed_root):
                recover_leftovers(root, self.year)
            self.work_dir.mkdir(parents=True)
            # The kernels find what earlier steps (or, for steps not in this run, the last good
            # run) wrote, exactly as in place, while data/processed/<year> is left alone.
            if self.final_processed.is_dir():
                shutil.copytree(self.final_processed, self.staged)
            else:
                self.staged.mkdir(parents=True)
        except BaseException:
            self.lock.release()
            raise
        return self

    def keep_failed(self) -> list[Path]:
        """Keep this run's outputs for review; return the last good outputs left as they were."""
        _keep(self.work_dir, self.failed_dir)
        _keep(self.staged, self.failed_processed)
        shutil.rmtree(self.staging_root, ignore_errors=True)
        return [d for d in (self.final_dir, self.final_processed) if d.exists()]

    def commit(self) -> None:
        """Swap the processed tables, then the reports, into place; drop older failed copies."""
        _swap_into_place(
            self.staged,
            self.final_processed,
            self.processed_root / f".{self.year}.previous-{self.token}",
        )
        shutil.rmtree(self.staging_root)
        _swap_into_place(
            self.work_dir, self.final_dir, self.reports_root / f".{self.year}.previous-{self.token}"
        )
        for failed in (self.failed_dir, self.failed_processed):
            if failed.exists():
                shutil.rmtree(failed)

    def __exit__(self, exc_type, exc, tb) -> None:
        try:
            if exc_type is not None and self.work_dir.exists():
                self.keep_failed()
        finally:
            self.lock.release()
