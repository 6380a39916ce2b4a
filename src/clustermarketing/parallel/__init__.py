"""Evaluators: run a function over many independent jobs, sequentially or in parallel.

One interface for every way of spreading work (EMA Workbench's evaluators are the model):
:class:`SequentialEvaluator` in this process, :class:`ProcessPoolEvaluator` on this machine's
cores, and further backends (Ray, for sweeps across machines) registered by name with
:func:`register_evaluator`. Results are yielded as ``(index, result)`` pairs *as they complete*;
callers that need job order sort by index. Because every job carries its own seed, results never
depend on the evaluator, the worker count or the order in which jobs finish.

This module imports nothing else of the package: the engine's runner, the experiments and the
web app all use it.

>>> with make_evaluator("sequential") as ev:
...     sorted(ev.imap_unordered(abs, [-2, 3, -5]))
[(0, 2), (1, 3), (2, 5)]
"""

from __future__ import annotations

import abc
import os
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from typing import Any, TypeVar

T = TypeVar("T")
R = TypeVar("R")

__all__ = [
    "EVALUATORS",
    "Evaluator",
    "ProcessPoolEvaluator",
    "SequentialEvaluator",
    "make_evaluator",
    "register_evaluator",
]


class Evaluator(abc.ABC):
    """Runs a picklable ``fn`` over ``jobs`` and yields ``(index, fn(job))`` as jobs finish.

    Use it as a context manager so that workers are released. ``workers`` is the number of jobs
    that may run at once.
    """

    name: str = "abstract"
    workers: int = 1

    @abc.abstractmethod
    def imap_unordered(self, fn: Callable[[T], R], jobs: Iterable[T]) -> Iterator[tuple[int, R]]:
        """Yield ``(index, fn(job))`` for every job, in completion order."""

    def map(self, fn: Callable[[T], R], jobs: Iterable[T]) -> list[R]:
        """``[fn(job) for job in jobs]`` in job order."""
        done = dict(self.imap_unordered(fn, jobs))
        return [done[i] for i in range(len(done))]

    def close(self) -> None:  # noqa: B027  (backends without resources need nothing)
        """Release the workers."""

    def __enter__(self) -> Evaluator:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


class SequentialEvaluator(Evaluator):
    """Every job in this process, one after the other (debugging, tiny runs, nested use)."""

    name = "sequential"

    def __init__(self, workers: int = 1) -> None:
        self.workers = 1

    def imap_unordered(self, fn: Callable[[T], R], jobs: Iterable[T]) -> Iterator[tuple[int, R]]:
        for i, job in enumerate(jobs):
            yield i, fn(job)


class ProcessPoolEvaluator(Evaluator):
    """Jobs in a pool of ``workers`` processes on this machine.

    At most ``2 × workers`` jobs are in flight at once: submitting lazily keeps the parent's
    memory flat however many jobs a sweep has.
    """

    name = "local"

    def __init__(self, workers: int | None = None) -> None:
        self.workers = max(1, workers or os.cpu_count() or 1)
        self._pool: ProcessPoolExecutor | None = None

    def _executor(self) -> ProcessPoolExecutor:
        if self._pool is None:
            self._pool = ProcessPoolExecutor(max_workers=self.workers)
        return self._pool

    def imap_unordered(self, fn: Callable[[T], R], jobs: Iterable[T]) -> Iterator[tuple[int, R]]:
        pool = self._executor()
        pending: dict[Future[R], int] = {}
        it = enumerate(jobs)
        exhausted = False
        while True:
            while not exhausted and len(pending) < 2 * self.workers:
                try:
                    i, job = next(it)
                except StopIteration:
                    exhausted = True
                    break
                pending[pool.submit(fn, job)] = i
            if not pending:
                return
            done, _ = wait(pending, return_when=FIRST_COMPLETED)
            for fut in done:
                yield pending.pop(fut), fut.result()

    def close(self) -> None:
        if self._pool is not None:
            self._pool.shutdown(cancel_futures=True)
            self._pool = None


#: name → factory taking ``workers=`` (and backend-specific keywords)
EVALUATORS: dict[str, Callable[..., Evaluator]] = {
    "sequential": SequentialEvaluator,
    "local": ProcessPoolEvaluator,
}


def register_evaluator(name: str, factory: Callable[..., Evaluator]) -> None:
    """Make a backend available to :func:`make_evaluator` under ``name``."""
    EVALUATORS[name] = factory


def make_evaluator(kind: str = "local", workers: int | None = None, **options: Any) -> Evaluator:
    """An evaluator by name: ``sequential``, ``local`` (process pool) or a registered backend.

    ``local`` with one worker runs sequentially (no process start-up cost).
    """
    if kind == "local" and workers == 1:
        return SequentialEvaluator()
    try:
        factory = EVALUATORS[kind]
    except KeyError:
        raise ValueError(
            f"executor: {kind!r} is not available; expected one of {', '.join(EVALUATORS)}"
        ) from None
    return factory(workers=workers, **options)
