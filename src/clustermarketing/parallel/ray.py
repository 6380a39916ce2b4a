"""Ray backend of the evaluator interface: jobs as Ray tasks, on this machine or a cluster.

``RayEvaluator(address=None, workers=N)`` starts a private local Ray instance with ``N`` CPUs
(no dashboard, bound to the loopback interface) and shuts it down on :meth:`close`; with
``address`` (``"ray://head:10001"``, ``"head:6379"`` or ``"auto"``) it joins an existing cluster
and leaves it running. Jobs are submitted lazily with at most ``2 × workers`` in flight (the
parent's memory stays flat), and results are yielded as tasks finish, like every evaluator.

Importing this module registers the backend as ``"ray"`` with
:func:`clustermarketing.parallel.register_evaluator`; ``ray`` itself is imported only when an
evaluator is created (``pip install 'clustermarketing[ray]'``).
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import Callable, Iterable, Iterator
from typing import Any, TypeVar

from clustermarketing.parallel import Evaluator, register_evaluator

T = TypeVar("T")
R = TypeVar("R")

#: Ray binds a local instance to the loopback interface when this is "0" (its switch for
#: single-machine use); set before ``import ray``, inherited by the workers it starts.
_LOCAL_ONLY_ENV = "RAY_ENABLE_WINDOWS_OR_OSX_CLUSTER"


@contextlib.contextmanager
def _loopback(ray: Any) -> Iterator[None]:
    """Bind a new local instance to 127.0.0.1 even when ``ray`` was imported before the
    environment switch was set (Ray reads it into a constant at import)."""
    try:
        from ray._private import ray_constants
    except ImportError:  # a future Ray without the switch: its default binding applies
        yield
        return
    saved = ray_constants.ENABLE_RAY_CLUSTER
    if os.environ.get(_LOCAL_ONLY_ENV) == "0":
        ray_constants.ENABLE_RAY_CLUSTER = False
    try:
        yield
    finally:
        ray_constants.ENABLE_RAY_CLUSTER = saved


def _call(fn: Callable[[T], R], job: T) -> R:
    return fn(job)


class RayEvaluator(Evaluator):
    """Jobs as Ray tasks (one CPU each)."""

    name = "ray"

    def __init__(
        self,
        workers: int | None = None,
        address: str | None = None,
        **init_options: Any,
    ) -> None:
        if address is None:
            os.environ.setdefault(_LOCAL_ONLY_ENV, "0")
        try:
            import ray
        except ImportError:
            raise ValueError(
                "executor: ray is not installed; install it with pip install 'clustermarketing[ray]'"
            ) from None
        self._ray = ray
        self._owns = False
        if not ray.is_initialized():
            if address is None:
                with _loopback(ray):
                    ray.init(
                        num_cpus=max(1, workers or os.cpu_count() or 1),
                        include_dashboard=False,
                        log_to_driver=False,
                        configure_logging=False,
                        **init_options,
                    )
            else:
                try:
                    ray.init(address=address, log_to_driver=False, **init_options)
                except ConnectionError as e:
                    raise ValueError(f"--address {address}: cannot connect to Ray: {e}") from None
            self._owns = True
        cpus = int(ray.cluster_resources().get("CPU", 1))
        self.workers = max(1, workers or cpus)
        self._task = ray.remote(num_cpus=1)(_call)

    def imap_unordered(self, fn: Callable[[T], R], jobs: Iterable[T]) -> Iterator[tuple[int, R]]:
        ray = self._ray
        fn_ref = ray.put(fn)
        pending: dict[Any, int] = {}
        it = enumerate(jobs)
        exhausted = False
        while True:
            while not exhausted and len(pending) < 2 * self.workers:
                try:
                    i, job = next(it)
                except StopIteration:
                    exhausted = True
                    break
                pending[self._task.remote(fn_ref, job)] = i
            if not pending:
                return
            done, _ = ray.wait(list(pending), num_returns=1)
            for ref in done:
                yield pending.pop(ref), ray.get(ref)

    def close(self) -> None:
        if self._owns and self._ray.is_initialized():
            self._ray.shutdown()
        self._owns = False


register_evaluator("ray", RayEvaluator)

__all__ = ["RayEvaluator"]
