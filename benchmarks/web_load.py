"""Load test of the web app (issue 14): many API clients submitting small runs and polling.

Run as a script (not a test; it asserts nothing about wall-clock time)::

    python benchmarks/web_load.py                          # 50 clients × 2 runs, 2 workers
    python benchmarks/web_load.py --clients 20 --runs 1    # a busy machine

It starts ``clustermarketing serve`` on 127.0.0.1 (a free port, a fresh data directory; the
address is fixed: this never loads anything but the local machine), then ``--clients``
concurrent clients (threads with one HTTP connection each) each submit ``--runs`` small runs
(``footwear`` with ``firms.count = --firms``, ``--periods`` periods, 2 replicates, model
``collective_mark``; every client its own seed, so no two jobs are the same) and poll each
until it ends (every ``--poll`` s), while also asking ``/api/health``. Bounded: at most
``clients × runs`` jobs, stopped after ``--timeout`` seconds.

Reported:

* latency percentiles (p50, p90, p99, max, ms) of ``POST /api/runs``, ``GET /api/runs/{id}``
  and ``GET /api/health`` under that load;
* jobs accepted, refused (503 queue full: retried after ``Retry-After``), done, failed, and
  **lost** (accepted but not ``done`` at the end, or missing from ``GET /api/jobs``, or whose
  summary does not match a direct simulation of the same request): must be 0;
* throughput (jobs/s) and its ratio to the same runs made directly with
  :func:`clustermarketing.simulate` in one process (the reference, measured in the same run):
  above 1 the worker pool runs jobs in parallel faster than one process; the difference
  from ``--workers`` is the server's overhead (queue, records, Parquet, polling).

Every figure depends on how busy the machine is: compare the ratios of one run.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.request
from pathlib import Path

HOST = "127.0.0.1"  # never anything else


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind((HOST, 0))
        return int(s.getsockname()[1])


def call(url: str, method: str = "GET", body: dict | None = None) -> tuple[int, dict, float, dict]:
    """(status, JSON, seconds, headers) of one request."""
    data = json.dumps(body).encode() if body is not None else None
    req = urllib.request.Request(url, data=data, method=method)
    if data is not None:
        req.add_header("Content-Type", "application/json")
    t = time.perf_counter()
    try:
        with urllib.request.urlopen(req, timeout=60) as r:
            out = json.loads(r.read() or b"null")
            return r.status, out, time.perf_counter() - t, dict(r.headers)
    except urllib.error.HTTPError as e:
        out = json.loads(e.read() or b"null")
        return e.code, out, time.perf_counter() - t, dict(e.headers)


def percentiles(xs: list[float]) -> dict[str, float]:
    import numpy as np

    if not xs:
        return {}
    a = np.asarray(xs) * 1000
    return {
        "n": len(xs),
        "p50": round(float(np.percentile(a, 50)), 1),
        "p90": round(float(np.percentile(a, 90)), 1),
        "p99": round(float(np.percentile(a, 99)), 1),
        "max": round(float(a.max()), 1),
    }


def request_for(client: int, k: int, args: argparse.Namespace) -> dict:
    return {
        "scenario": "footwear",
        "set": [f"firms.count={args.firms}"],
        "model": "collective_mark",
        "replicates": 2,
        "periods": args.periods,
        "seed": 1000 + client * args.runs + k,
    }


def reference(args: argparse.Namespace, n: int) -> float:
    """Seconds per run of the same runs made directly (one process, no server)."""
    import clustermarketing as cm

    sc = cm.load_scenario("footwear", [f"firms.count={args.firms}"])
    cm.simulate(sc, model="collective_mark", replicates=2, periods=args.periods, seed=1)  # warm-up
    t = time.perf_counter()
    for i in range(n):
        cm.simulate(sc, model="collective_mark", replicates=2, periods=args.periods, seed=1000 + i)
    return (time.perf_counter() - t) / n


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--clients", type=int, default=50)
    ap.add_argument("--runs", type=int, default=2, help="runs per client")
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--firms", type=int, default=60)
    ap.add_argument("--periods", type=int, default=6)
    ap.add_argument("--poll", type=float, default=0.5, help="seconds between polls")
    ap.add_argument("--timeout", type=float, default=600)
    ap.add_argument("--reference-runs", type=int, default=10)
    ap.add_argument("--json", action="store_true", help="print the figures as JSON")
    args = ap.parse_args()
    if not (1 <= args.clients <= 200 and 1 <= args.runs <= 20):
        ap.error("--clients must be 1–200 and --runs 1–20 (a bounded load)")

    data = Path(tempfile.mkdtemp(prefix="cm-web-load-"))
    port = free_port()
    url = f"http://{HOST}:{port}"
    log = open(data / "server.log", "w")  # noqa: SIM115
    server = subprocess.Popen(
        [sys.executable, "-c", "from clustermarketing.cli.main import main; main()", "serve",
         "--host", HOST, "--port", str(port), "--data", str(data / "data"),
         "--workers", str(args.workers), "--max-queue", str(args.clients * args.runs),
         "--log-level", "warning"],
        stdout=log, stderr=subprocess.STDOUT,
    )  # fmt: skip
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                if call(url + "/api/health")[0] == 200:
                    break
            except OSError:
                pass
            if server.poll() is not None or time.monotonic() > deadline:
                raise SystemExit((data / "server.log").read_text())
            time.sleep(0.2)
        time.sleep(2)  # let the workers finish starting (the pool is warmed at start-up)

        lat: dict[str, list[float]] = {
            "POST /api/runs": [],
            "GET /api/runs/{id}": [],
            "GET /api/health": [],
        }
        lock = threading.Lock()
        accepted: dict[str, dict] = {}
        final: dict[str, dict] = {}
        refused = [0]
        errors: list[str] = []
        stop_at = time.monotonic() + args.timeout

        def client(c: int) -> None:
            for k in range(args.runs):
                body = request_for(c, k, args)
                while True:
                    status, out, dt, headers = call(url + "/api/runs", "POST", body)
                    with lock:
                        lat["POST /api/runs"].append(dt)
                    if status == 202:
                        break
                    if status == 503 and time.monotonic() < stop_at:
                        with lock:
                            refused[0] += 1
                        time.sleep(float(headers.get("Retry-After", headers.get("retry-after", 5))))
                        continue
                    with lock:
                        errors.append(f"POST {status}: {out}")
                    return
                job_id = out["id"]
                with lock:
                    accepted[job_id] = body
                while time.monotonic() < stop_at:
                    status, job, dt, _ = call(f"{url}/api/runs/{job_id}")
                    with lock:
                        lat["GET /api/runs/{id}"].append(dt)
                    if status != 200:
                        with lock:
                            errors.append(f"GET {status}: {job}")
                        break
                    if job["status"] in ("done", "failed", "interrupted"):
                        with lock:
                            final[job_id] = job
                        break
                    _, _, dt, _ = call(url + "/api/health")
                    with lock:
                        lat["GET /api/health"].append(dt)
                    time.sleep(args.poll)

        t0 = time.perf_counter()
        threads = [threading.Thread(target=client, args=(c,)) for c in range(args.clients)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        wall = time.perf_counter() - t0

        listed = {j["id"]: j for j in call(f"{url}/api/jobs?kind=run&limit=500")[1]["jobs"]}
        done = [j for j in final.values() if j["status"] == "done"]
        failed = [j for j in final.values() if j["status"] != "done"]
        # a job is lost if it was accepted and is not done and listed with a plausible summary
        lost = [
            i for i in accepted if i not in final or final[i]["status"] != "done" or i not in listed
        ]
        # spot-check results: the first few against a direct simulation of the same request
        import clustermarketing as cm

        mismatched = 0
        for job_id in list(final)[:3]:
            b = accepted[job_id]
            direct = cm.simulate(cm.load_scenario("footwear", b["set"]), model=b["model"],
                                 replicates=b["replicates"], periods=b["periods"], seed=b["seed"])  # fmt: skip
            mismatched += final[job_id]["summary"]["metrics"] != json.loads(
                json.dumps(direct.summary["metrics"])
            )
        per_run = reference(args, args.reference_runs)
        jobs_per_s = len(done) / wall if wall else 0.0
        result = {
            "machine": {"python": platform.python_version(), "cpus": os.cpu_count(),
                        "load_average_1min": round(os.getloadavg()[0], 2)},
            "load": {"clients": args.clients, "runs_per_client": args.runs, "workers": args.workers,
                     "run": f"footwear, {args.firms} firms, {args.periods} periods, 2 replicates, collective_mark vs baseline"},
            "latency_ms": {k: percentiles(v) for k, v in lat.items()},
            "jobs": {"submitted": args.clients * args.runs, "accepted": len(accepted), "refused_503_retried": refused[0],
                     "done": len(done), "failed": len(failed), "lost": len(lost),
                     "results_checked_against_direct": min(3, len(final)), "mismatched": mismatched},
            "errors": errors[:5],
            "wall_s": round(wall, 2),
            "throughput_jobs_per_s": round(jobs_per_s, 3),
            "reference_direct_s_per_run": round(per_run, 3),
            "ratio_server_vs_direct": round(jobs_per_s * per_run, 3),
        }  # fmt: skip
    finally:
        server.terminate()
        try:
            server.wait(timeout=15)
        except subprocess.TimeoutExpired:
            server.kill()
        log.close()
    if args.json:
        print(json.dumps(result, indent=2))
        return
    print(f"{args.clients} clients × {args.runs} runs on {args.workers} workers ({result['load']['run']}); "
          f"load average {result['machine']['load_average_1min']} on {result['machine']['cpus']} CPUs")  # fmt: skip
    print(f"{'request':<22}{'n':>7}{'p50 ms':>10}{'p90 ms':>10}{'p99 ms':>10}{'max ms':>10}")
    for k, v in result["latency_ms"].items():
        if v:
            print(f"{k:<22}{v['n']:>7}{v['p50']:>10}{v['p90']:>10}{v['p99']:>10}{v['max']:>10}")
    j = result["jobs"]
    print(f"jobs: {j['submitted']} submitted, {j['accepted']} accepted, {j['done']} done, {j['failed']} failed, "
          f"{j['lost']} lost; {j['refused_503_retried']} refusals (queue full) retried; "
          f"{j['results_checked_against_direct']} results equal to a direct simulation: {j['mismatched'] == 0}")  # fmt: skip
    print(f"wall {result['wall_s']} s; throughput {result['throughput_jobs_per_s']} jobs/s; direct "
          f"{result['reference_direct_s_per_run']} s/run in one process; server/direct = "
          f"{result['ratio_server_vs_direct']} (workers: {args.workers})")  # fmt: skip
    if result["errors"]:
        print("errors:", *result["errors"], sep="\n  ")


if __name__ == "__main__":
    main()
