"""Work on many files in worker processes, one file at a time per worker, so that a file that
kills its worker (a native library aborting, memory running out) or runs past the time budget
costs that one file, never the run. A worker that dies is replaced; the file it held is tried
once more in a fresh worker, then reported lost. Workers exit when their parent dies (killed
included), so none outlives an interrupted consolidation.

(``concurrent.futures`` cannot do this: one dead worker breaks the whole pool, and a task
cannot be stopped once it runs.)
"""

from __future__ import annotations

import multiprocessing as mp
import os
import threading
import time
from collections import deque
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from multiprocessing.connection import Connection, wait
from typing import Any

CRASHED, TIMED_OUT = "crashed", "timed-out"


@dataclass
class Lost:
    """A file whose worker died (``CRASHED``) or ran past the budget (``TIMED_OUT``)."""

    why: str
    detail: str


def isolated(task: Callable[[Any], Any], items: list[Any], workers: int,
             budget: float) -> Iterator[tuple[int, Any]]:
    """(index, task(item) or ``Lost``) for every item, in the order they finish."""
    ctx = mp.get_context()
    todo = deque((i, 0) for i in range(len(items)))  # (index, tries so far)
    crew: list[_Worker] = []
    try:
        while todo or any(w.job is not None for w in crew):
            for w in crew:
                if w.job is None and todo:
                    w.give(*todo.popleft(), items)
            while todo and len(crew) < workers:
                crew.append(_Worker(ctx, task))
                crew[-1].give(*todo.popleft(), items)
            busy = [w for w in crew if w.job is not None]
            wait([x for w in busy for x in (w.conn, w.proc.sentinel)], timeout=1.0)
            for w in busy:
                done = w.poll(budget)
                if done is None:
                    continue
                i, tries = w.job  # type: ignore[misc]
                w.job = None
                if isinstance(done, Lost):
                    crew.remove(w)
                    w.close(kill=True)
                    if done.why == CRASHED and tries == 0:
                        todo.append((i, 1))  # perhaps another file's doing: once more, alone
                        continue
                yield i, done
    finally:
        for w in crew:
            w.close()


class _Worker:
    def __init__(self, ctx: Any, task: Callable[[Any], Any]) -> None:
        self.conn, child = ctx.Pipe()
        self.proc = ctx.Process(target=_serve, args=(child, task), daemon=True,
                                name="unionxl-worker")
        self.proc.start()
        child.close()
        self.job: tuple[int, int] | None = None
        self.since = 0.0

    def give(self, i: int, tries: int, items: list[Any]) -> None:
        self.job, self.since = (i, tries), time.monotonic()
        self.conn.send((i, items[i]))

    def poll(self, budget: float) -> Any:
        """The finished result, a ``Lost``, or None while the file is still being read."""
        if self.conn.poll():
            try:
                return self.conn.recv()[1]
            except (EOFError, OSError):  # the worker is gone
                self.proc.join(timeout=5)
                return Lost(CRASHED, _exit_text(self.proc.exitcode))
        if not self.proc.is_alive():
            self.proc.join()
            return Lost(CRASHED, _exit_text(self.proc.exitcode))
        if time.monotonic() - self.since > budget:
            return Lost(TIMED_OUT, f"{budget:.0f}")
        return None

    def close(self, kill: bool = False) -> None:
        if self.proc.is_alive():
            if not kill and self.job is None:
                try:
                    self.conn.send(None)
                except OSError:
                    pass
                self.proc.join(timeout=2)
            if self.proc.is_alive():
                self.proc.kill()
        self.proc.join()
        self.conn.close()


def _exit_text(code: int | None) -> str:
    if code is not None and code < 0:
        return f"bị hệ điều hành dừng, tín hiệu {-code}"
    return f"mã thoát {code}"


def _serve(conn: Connection, task: Callable[[Any], Any]) -> None:
    _exit_with_parent()
    while True:
        try:
            job = conn.recv()
        except (EOFError, OSError):
            return
        if job is None:
            return
        i, item = job
        try:
            result = task(item)
        except Exception as exc:  # the task's own failure: the file is lost, the worker lives
            result = Lost(CRASHED, f"{type(exc).__name__}: {exc}")
        conn.send((i, result))


def _exit_with_parent() -> None:
    """A thread that ends this worker as soon as its parent is gone (a killed parent runs no
    clean-up: its workers must notice by themselves). Works with fork and spawn alike."""
    parent = mp.parent_process()
    if parent is None:
        return

    def watch() -> None:
        wait([parent.sentinel])
        os._exit(3)

    threading.Thread(target=watch, daemon=True, name="unionxl-parent-watch").start()
