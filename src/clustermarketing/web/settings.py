"""Settings of the web app: where its data lives, how many jobs run at once, and the safety caps.

Every cap has a default that suits one person's machine and a ``clustermarketing serve`` option
to raise it (docs/web.md lists them). The defaults keep a shared server responsive: a run larger
than :attr:`Settings.max_run_size` firm-periods is refused with a message saying how to shrink
it, uploads are bounded in bytes and rows, and at most :attr:`Settings.max_queue` jobs wait.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

__all__ = ["Settings", "default_data_dir", "default_workers"]


def default_data_dir() -> Path:
    """The user's data directory for clustermarketing (platformdirs; XDG on Linux).

    ``~/.local/share/clustermarketing`` on Linux, ``~/Library/Application Support/clustermarketing``
    on macOS, ``%LOCALAPPDATA%\\clustermarketing`` on Windows.
    """
    try:
        from platformdirs import user_data_dir
    except ImportError:  # pragma: no cover - platformdirs comes with the [web] extra
        base = os.environ.get("XDG_DATA_HOME") or str(Path.home() / ".local" / "share")
        return Path(base) / "clustermarketing"
    return Path(user_data_dir("clustermarketing", appauthor=False))


def default_workers() -> int:
    """Jobs run at once by default: 2, or 1 on a one-core machine."""
    return max(1, min(2, os.cpu_count() or 1))


@dataclass(frozen=True)
class Settings:
    """Configuration of one app instance (built by ``clustermarketing serve`` from its options)."""

    #: results, job records (``jobs.duckdb``), uploads and sweeps live here
    data_dir: Path = field(default_factory=default_data_dir)
    #: jobs running at once (each in its own worker process); further jobs wait in the queue
    workers: int = field(default_factory=default_workers)
    #: jobs allowed to wait; a submission beyond it is refused with 503 and Retry-After
    max_queue: int = 100
    #: largest request body (an upload or a scenario), bytes
    max_upload_bytes: int = 10 * 2**20
    #: largest number of data rows in an uploaded CSV/Excel file
    max_upload_rows: int = 100_000
    #: largest run: firms × periods × replicates × arms (models + the baseline), firm-periods
    max_run_size: int = 5_000_000
    #: most weight perturbations of a recommendation
    max_perturbations: int = 20_000
    #: most players of a coalition game derived from a scenario (2^n coalitions are evaluated)
    max_game_players: int = 12
    #: most players of a game given as a table (2^n − 1 values are sent)
    max_table_players: int = 16
    #: an experiments query is interrupted after this many seconds
    query_timeout: float = 10.0
    #: rows returned by an experiments query at most (the rest is reported as cut)
    max_query_rows: int = 5_000
    #: ``process`` (default: a pool of worker processes) or ``thread`` (in-process; tests only)
    executor: str = "process"

    def __post_init__(self) -> None:
        object.__setattr__(self, "data_dir", Path(self.data_dir).expanduser().absolute())
        for name in (
            "workers",
            "max_queue",
            "max_upload_bytes",
            "max_upload_rows",
            "max_run_size",
            "max_perturbations",
            "max_game_players",
            "max_table_players",
            "max_query_rows",
        ):
            if int(getattr(self, name)) < 1:
                raise ValueError(f"{name}: {getattr(self, name)}; expected ≥ 1")
        if self.executor not in ("process", "thread"):
            raise ValueError(f"executor: {self.executor!r}; expected 'process' or 'thread'")
        if self.query_timeout <= 0:
            raise ValueError(f"query_timeout: {self.query_timeout}; expected > 0")

    @property
    def jobs_dir(self) -> Path:
        return self.data_dir / "jobs"

    @property
    def uploads_dir(self) -> Path:
        return self.data_dir / "uploads"

    @property
    def experiments_dir(self) -> Path:
        return self.data_dir / "experiments"

    @property
    def database(self) -> Path:
        return self.data_dir / "jobs.duckdb"
