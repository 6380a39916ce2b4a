"""Helpers of the web tests: an app on a temporary data directory, polling, problem checks."""

from __future__ import annotations

import time
from typing import Any

from fastapi.testclient import TestClient

from clustermarketing.web import Settings, create_app

#: a tiny scenario: the footwear example with 60 firms (6 periods, 2 replicates per request)
SMALL = ["firms.count=60"]


def make_client(tmp_path, **kw: Any) -> TestClient:
    opts: dict[str, Any] = {"data_dir": tmp_path / "data", "workers": 1, "executor": "thread"}
    opts.update(kw)
    return TestClient(create_app(Settings(**opts)), raise_server_exceptions=False)


def wait(client: TestClient, job_id: str, timeout: float = 120) -> dict[str, Any]:
    """Poll a job until it ends."""
    deadline = time.monotonic() + timeout
    while True:
        r = client.get(f"/api/jobs/{job_id}")
        assert r.status_code == 200, r.text
        job = r.json()
        if job["status"] in ("done", "failed", "interrupted"):
            return job
        assert time.monotonic() < deadline, f"job {job_id} still {job['status']}"
        time.sleep(0.05)


def submit(client: TestClient, path: str, body: dict[str, Any]) -> dict[str, Any]:
    """Submit a job, wait for it, return its final status."""
    r = client.post(path, json=body)
    assert r.status_code == 202, r.text
    assert r.headers["location"] == r.json()["url"]
    return wait(client, r.json()["id"])


def problem(r: Any, status: int) -> dict[str, Any]:
    """Check a problem response (RFC 7807, no traceback) and return it."""
    assert r.status_code == status, r.text
    assert r.headers["content-type"].startswith("application/problem+json"), r.headers
    p = r.json()
    assert set(p) == {"type", "title", "status", "detail", "errors"}
    assert p["status"] == status
    assert "Traceback" not in r.text and "np.float64" not in r.text
    return p
