"""The job queue: a bounded pool of worker processes, progress, and the job records.

A submitted job is recorded as ``queued`` (:class:`~clustermarketing.web.store.JobStore`) and
handed to a :class:`concurrent.futures.ProcessPoolExecutor` with ``workers`` processes (spawned,
so no lock of the server's threads is inherited), which runs at most that many jobs at once
and keeps the rest in its queue. At most ``max_queue`` jobs may wait; a submission beyond that
is refused with 503 and ``Retry-After``. A worker reports ``start`` and progress messages
through a multiprocessing queue, read by one thread of the server that keeps the live progress
in memory and marks the job ``running``; when the job ends its summary (or error) is written
to the record. A worker that dies (killed, out of memory) fails its job with a message, and the
pool is replaced. On shutdown, queued jobs are cancelled, running ones are stopped, and both are
recorded as ``interrupted``.
"""

from __future__ import annotations

import contextlib
import gc
import logging
import multiprocessing
import queue as queue_mod
import secrets
import shutil
import threading
from concurrent.futures import Executor, Future, ProcessPoolExecutor, ThreadPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass, field
from typing import Any

from clustermarketing.web import tasks
from clustermarketing.web.problems import ProblemError
from clustermarketing.web.settings import Settings
from clustermarketing.web.store import INTERRUPTED, JobStore

__all__ = ["KINDS", "JobManager"]

log = logging.getLogger("clustermarketing.web")

KINDS = ("run", "compare", "recommend", "game")


@dataclass
class _Live:
    kind: str
    future: Future[Any] | None = None
    running: bool = False
    done: int = 0
    total: int = 0
    extra: dict[str, Any] = field(default_factory=dict)


class JobManager:
    """Submit jobs, follow their progress, read their records."""

    def __init__(self, settings: Settings, store: JobStore) -> None:
        self.settings = settings
        self.store = store
        self._live: dict[str, _Live] = {}
        self._lock = threading.Lock()
        self._executor: Executor | None = None
        self._queue: Any = None
        self._reader: threading.Thread | None = None
        self._closing = False

    # ---------------------------------------------------------------- lifecycle
    def _make_executor(self) -> Executor:
        if self.settings.executor == "thread":
            tasks.set_reporter(self._queue.put)
            return ThreadPoolExecutor(self.settings.workers, thread_name_prefix="cm-job")
        ctx = multiprocessing.get_context("spawn")
        return ProcessPoolExecutor(
            self.settings.workers,
            mp_context=ctx,
            initializer=tasks.init_worker,
            initargs=(self._queue,),
            # no max_tasks_per_child: with it, Python 3.11's pool can leave a queued job unrun
            # when a worker retires (seen in benchmarks/web_load.py)
        )

    def start(self) -> None:
        """Mark the previous server's unfinished jobs interrupted; start the pool and reader."""
        n = self.store.interrupt_unfinished()
        if n:
            log.warning("%d job(s) of the previous server were cut off: marked interrupted", n)
        if self.settings.executor == "thread":
            self._queue = queue_mod.Queue()
        else:
            self._queue = multiprocessing.get_context("spawn").Queue()
        self._executor = self._make_executor()
        self._reader = threading.Thread(target=self._read, name="cm-progress", daemon=True)
        self._reader.start()
        if self.settings.executor == "process":  # start the workers now, not at the first job
            for _ in range(self.settings.workers):
                self._executor.submit(tasks.warm)

    def shutdown(self) -> None:
        """Cancel queued jobs, stop running ones, record both as interrupted."""
        self._closing = True
        with self._lock:
            live = dict(self._live)
        ex = self._executor
        if ex is not None:
            procs = list((getattr(ex, "_processes", None) or {}).values())
            for p in procs:  # a running simulation is cut off, not waited for
                with contextlib.suppress(Exception):
                    p.terminate()
            # with the workers gone the pool's manager thread ends at once; waiting for it
            # lets it close its queues (no leaked semaphores); threads (tests) are not waited
            ex.shutdown(wait=bool(procs), cancel_futures=True)
        for job_id, lv in live.items():
            self.store.fail(job_id, INTERRUPTED, status="interrupted", done=lv.done)
        if self._queue is not None:
            with contextlib.suppress(Exception):
                self._queue.put(None)
        if self._reader is not None:
            self._reader.join(timeout=2)
        if self._queue is not None and hasattr(self._queue, "close"):
            with contextlib.suppress(Exception):
                self._queue.close()
                self._queue.join_thread()
        # drop the last references so the queue's semaphores are released now, not reported
        # as leaked by multiprocessing's resource tracker at exit
        self._executor = None
        self._queue = None
        gc.collect()

    # ---------------------------------------------------------------- progress
    def _read(self) -> None:
        while True:
            try:
                msg = self._queue.get()
            except (EOFError, OSError):
                return
            if msg is None:
                return
            kind, job_id = msg[0], msg[1]
            with self._lock:
                lv = self._live.get(job_id)
                if lv is None:
                    continue
                if kind == "start":
                    lv.running = True
                elif kind == "progress":
                    lv.running = True
                    lv.done, lv.total = int(msg[2]), int(msg[3])
            if kind == "start":
                self.store.started(job_id, msg[2])

    # ---------------------------------------------------------------- submit
    def queued(self) -> int:
        with self._lock:
            return sum(1 for lv in self._live.values() if not lv.running)

    def running(self) -> int:
        with self._lock:
            return sum(1 for lv in self._live.values() if lv.running)

    def submit(self, kind: str, request: dict[str, Any], args: dict[str, Any], total: int) -> str:
        """Record a job and queue it; returns its id (503 when the queue is full)."""
        assert kind in KINDS
        if self._executor is None or self._closing:
            raise ProblemError(503, "the server is shutting down; submit the job again later")
        with self._lock:
            waiting = sum(1 for lv in self._live.values() if not lv.running)
            if waiting >= self.settings.max_queue:
                raise ProblemError(
                    503,
                    f"queue: {waiting} jobs are waiting, the most this server queues "
                    f"({self.settings.max_queue}); submit again in a minute (or start the server "
                    "with a larger --max-queue)",
                    title="Queue full",
                    type_="urn:clustermarketing:queue-full",
                    headers={"Retry-After": "30"},
                )
            job_id = secrets.token_hex(8)
            self._live[job_id] = _Live(kind, total=int(total))
        job_dir = self.settings.jobs_dir / job_id
        job_dir.mkdir(parents=True, exist_ok=True)
        self.store.create(job_id, kind, request, total)
        try:
            fut = self._executor.submit(tasks.execute, kind, job_id, str(job_dir), args)
        except (RuntimeError, BrokenProcessPool):
            self._replace_pool()
            fut = self._executor.submit(tasks.execute, kind, job_id, str(job_dir), args)
        with self._lock:
            self._live[job_id].future = fut
        fut.add_done_callback(lambda f, j=job_id: self._finished(j, f))
        return job_id

    def _replace_pool(self) -> None:
        with self._lock:
            old = self._executor
            if self._closing:
                return
            self._executor = self._make_executor()
        if old is not None:
            old.shutdown(wait=False, cancel_futures=False)

    def _finished(self, job_id: str, fut: Future[Any]) -> None:
        with self._lock:
            lv = self._live.get(job_id)
        done = lv.done if lv else 0
        try:
            if fut.cancelled() or self._closing:
                return  # shutdown: recorded as interrupted there
            exc = fut.exception()
            if exc is not None:
                if self._closing:
                    return
                broken = isinstance(exc, BrokenProcessPool)
                log.error("job %s: the worker process failed", job_id, exc_info=exc)
                self.store.fail(
                    job_id,
                    {
                        "status": 500,
                        "title": "Worker failed",
                        "detail": "the worker process running this job stopped unexpectedly "
                        "(killed, or out of memory); try a smaller run",
                    },
                    done=done,
                )
                if broken:
                    self._replace_pool()
                return
            out = fut.result()
            if out["ok"]:
                self.store.finish(job_id, out["summary"], out["files"], out["done"], out["total"])
                return
            if out["user_error"]:
                from clustermarketing.scenario.load import clean_message

                err = {
                    "status": 422,
                    "title": "Invalid input",
                    "detail": clean_message(out["message"]),
                }
            else:
                ref = secrets.token_hex(4)
                log.error("job %s failed (reference %s):\n%s", job_id, ref, out["traceback"])
                err = {
                    "status": 500,
                    "title": "Internal error",
                    "detail": f"internal error (reference {ref}); the server's log has the details",
                }
            self.store.fail(job_id, err, done=done)
        finally:
            with self._lock:
                self._live.pop(job_id, None)

    # ---------------------------------------------------------------- read
    def get(self, job_id: str) -> dict[str, Any] | None:
        """The job's record with its live progress (while queued or running)."""
        rec = self.store.get(job_id)
        if rec is None:
            return None
        with self._lock:
            lv = self._live.get(job_id)
            if lv is not None and rec["status"] in ("queued", "running"):
                rec["progress_done"], rec["progress_total"] = (
                    lv.done,
                    lv.total or rec["progress_total"],
                )
                if lv.running:
                    rec["status"] = "running"
        return rec

    def remove_files(self, job_id: str) -> None:
        shutil.rmtree(self.settings.jobs_dir / job_id, ignore_errors=True)
