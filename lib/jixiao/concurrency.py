"""Independent steps of one audit step run side by side on the laptop's cores.

The compliance tests of one ledger (GL-01 … GL-07, the separate-accounting and scope rules, the
register's per-check grouping) read the same prepared ledger and do not depend on each other.
Most of their time is spent in Arrow kernels, numpy sorts and pandas' hash tables, which release
the GIL, so threads share the cores without copying the ledger (processes would).

Results come back in the order the steps were given, whichever finishes first, so the output is
the same as one step after another. :func:`ahead` overlaps a producer with its consumer (the rows
of a long sheet built while the previous block is compressed), items in the order produced.
``JIXIAO_THREADS=1`` runs them one after another (for debugging, or to compare).

Steps may start steps of their own (a check run beside other checks runs its rules side by
side). All of them share one set of threads: the thread that starts steps runs them too, and
while it waits for one that another thread took, it runs whatever step is waiting to be taken.
So a core never idles while any step is ready, and a step waiting for its own never blocks the
steps it waits for (every thread only ever waits for steps started after the one it is in, so
no two threads can wait for each other).
"""

from __future__ import annotations

import os
import queue
import threading
from collections import deque
from collections.abc import Callable, Iterable, Iterator
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


class _Step:
    """One zero-argument call, run once by whichever thread takes it."""

    __slots__ = ("call", "taken", "finished", "result", "error")

    def __init__(self, call: Callable[[], Any]) -> None:
        self.call = call
        self.taken = False
        self.finished = False
        self.result: Any = None
        self.error: BaseException | None = None

    def run(self) -> None:
        before = getattr(_inside, "active", False)
        _inside.active = True
        try:
            self.result = self.call()
        except BaseException as exc:  # noqa: BLE001 - handed to the caller, raised there
            self.error = exc
        finally:
            _inside.active = before


class _Threads:
    """``helpers`` threads that, with the threads that start steps, run every step waiting."""

    def __init__(self, helpers: int) -> None:
        self.helpers = helpers
        self.changed = threading.Condition()
        self.waiting: deque[_Step] = deque()
        self.closed = False
        for number in range(helpers):
            name = f"jixiao-{number + 1}"
            threading.Thread(target=self._help, name=name, daemon=True).start()

    def close(self) -> None:
        """Let the helpers end once nothing is waiting (the thread count was changed)."""
        with self.changed:
            self.closed = True
            self.changed.notify_all()

    def _help(self) -> None:
        while True:
            with self.changed:
                while not self.waiting and not self.closed:
                    self.changed.wait()
                if not self.waiting:
                    return
                step = self.waiting.popleft()  # the oldest: steps are given biggest first
                step.taken = True
            self._run(step)

    def _run(self, step: _Step) -> None:
        step.run()
        with self.changed:
            step.finished = True
            self.changed.notify_all()

    def _next(self, steps: list[_Step]) -> _Step | None:
        """Under the lock: the first of ``steps`` not yet taken, else the newest step waiting
        (most often a part of a step this thread waits for), else None."""
        for step in steps:
            if not step.taken:
                self.waiting.remove(step)
                break
        else:
            if not self.waiting:
                return None
            step = self.waiting.pop()
        step.taken = True
        return step

    def run_all(self, calls: tuple[Callable[[], Any], ...]) -> list[_Step]:
        steps = [_Step(call) for call in calls]
        with self.changed:
            self.waiting.extend(steps)
            self.changed.notify(len(steps))
        try:
            while True:
                with self.changed:
                    step = self._next(steps)
                    while step is None and not all(s.finished for s in steps):
                        self.changed.wait()
                        step = self._next(steps)
                    if step is None:
                        return steps
                self._run(step)
        except BaseException:  # interrupted (KeyboardInterrupt): withdraw what is not taken
            with self.changed:
                for step in steps:
                    if not step.taken:
                        step.taken = True
                        self.waiting.remove(step)
            raise


_threads_lock = threading.Lock()
_threads: _Threads | None = None


def _shared_threads(count: int) -> _Threads:
    global _threads
    with _threads_lock:
        if _threads is None or _threads.helpers != count - 1:
            if _threads is not None:
                _threads.close()
            _threads = _Threads(count - 1)
        return _threads


def side_by_side(*steps: Callable[[], Any]) -> list:
    """The results of the zero-argument ``steps``, in the order given. When steps fail, the
    first failed step's exception (in that order) is raised once every step has ended. Give
    the longest steps first: the other threads take them in that order."""
    count = thread_count()
    if count <= 1 or len(steps) <= 1:
        return [step() for step in steps]
    done = _shared_threads(count).run_all(steps)
    for step in done:
        if step.error is not None:
            raise step.error
    return [step.result for step in done]


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
