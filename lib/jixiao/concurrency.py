"""Independent steps of one audit step run side by side on the laptop's cores.

The compliance tests of one ledger (GL-01 … GL-07, the separate-accounting and scope rules, the
register's per-check grouping) read the same prepared ledger and do not depend on each other.
Most of their time is spent in Arrow kernels, numpy sorts and pandas' hash tables, which release
the GIL, so threads share the cores without copying the ledger (processes would).

Results come back in the order the steps were given, whichever finishes first, so the output is
the same as one step after another. :func:`ahead` overlaps a producer with its consumer (the rows
of a long sheet built while the previous block is compressed), items in the order produced. ``JIXIAO_THREADS=1`` runs them one after another (for
debugging, or to compare); a step started from inside another step runs inline rather than
opening a second pool.
"""

from __future__ import annotations

import os
import queue
import threading
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import ThreadPoolExecutor
from typing import Any, TypeVar

from jixiao.errors import ParameterError

THREADS_VARIABLE = "JIXIAO_THREADS"
# More threads than this rarely help: the steps are few and memory bandwidth is shared.
MAX_THREADS = 4

_inside = threading.local()
T = TypeVar("T")


def thread_count() -> int:
    """Threads for side-by-side steps: ``JIXIAO_THREADS`` when set, else the cores (at most
    :data:`MAX_THREADS`)."""
    configured = os.environ.get(THREADS_VARIABLE, "").strip()
    if not configured:
        return max(1, min(MAX_THREADS, os.cpu_count() or 1))
    try:
        count = int(configured)
    except ValueError:
        raise ParameterError(
            f"环境变量 {THREADS_VARIABLE} 应为正整数（线程数），收到 {configured!r}"
        ) from None
    if count < 1:
        raise ParameterError(f"环境变量 {THREADS_VARIABLE} 应为正整数（线程数），收到 {count}")
    return count


def _run_marked(step: Callable[[], Any]) -> Any:
    _inside.active = True
    try:
        return step()
    finally:
        _inside.active = False


def side_by_side(*steps: Callable[[], Any]) -> list:
    """The results of the zero-argument ``steps``, in the order given. When steps fail, the
    first failed step's exception (in that order) is raised once every step has ended."""
    workers = min(thread_count(), len(steps))
    if workers <= 1 or getattr(_inside, "active", False):
        return [step() for step in steps]
    with ThreadPoolExecutor(max_workers=workers, thread_name_prefix="jixiao") as pool:
        futures = [pool.submit(_run_marked, step) for step in steps]
    return [future.result() for future in futures]


_END = object()


def ahead(items: Iterable[T], depth: int = 2) -> Iterator[T]:
    """The items of ``items`` in their order, produced in a second thread at most ``depth`` items
    ahead of the consumer, so producing one and consuming the previous overlap (both spend their
    time in code that releases the GIL: Arrow kernels, zlib). An exception while producing is
    raised to the consumer at that point; a consumer that stops early stops the producer. With
    one thread, or inside a side-by-side step, the items are produced inline."""
    if thread_count() <= 1 or getattr(_inside, "active", False):
        yield from items
        return
    buffer: queue.Queue = queue.Queue(maxsize=max(1, depth))
    stopped = threading.Event()

    def put(entry: tuple[bool, object]) -> bool:
        while not stopped.is_set():
            try:
                buffer.put(entry, timeout=0.05)
                return True
            except queue.Full:
                continue
        return False

    def produce() -> None:
        _inside.active = True
        try:
            for item in items:
                if not put((True, item)):
                    return
            put((True, _END))
        except BaseException as exc:  # handed to the consumer, raised there
            put((False, exc))

    producer = threading.Thread(target=produce, name="jixiao-ahead", daemon=True)
    producer.start()
    try:
        while True:
            produced, item = buffer.get()
            if not produced:
                raise item
            if item is _END:
                return
            yield item
    finally:
        stopped.set()
        producer.join()
