"""``clustermarketing serve``: its errors come before anything starts (exit 2, one line)."""

from __future__ import annotations

import os
import socket
import subprocess
import sys

from typer.testing import CliRunner

from clustermarketing.cli.main import app

runner = CliRunner()


def serve(*args: str):
    return runner.invoke(app, ["serve", *args])


def test_help_lists_the_options():
    r = serve("--help")
    assert r.exit_code == 0
    for option in ("--host", "--port", "--data", "--workers", "--max-run-size", "--max-upload-mb",
                   "--max-upload-rows", "--max-queue"):  # fmt: skip
        assert option in r.stdout


def test_bad_options(tmp_path):
    f = tmp_path / "file"
    f.write_text("x")
    r = serve("--data", str(f))
    assert r.exit_code == 2 and r.stderr.startswith(f"error: --data {f}: is a file")
    r = serve("--data", str(tmp_path), "--log-level", "loud")
    assert r.exit_code == 2 and "--log-level" in r.stderr
    r = serve("--data", str(tmp_path), "--workers", "0")
    assert r.exit_code == 2
    r = serve("--data", str(tmp_path), "--host", "no.such.host.invalid")
    assert r.exit_code == 2 and r.stderr.startswith("error: --host no.such.host.invalid")
    assert "Traceback" not in r.output


def test_port_in_use(tmp_path):
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        s.listen()
        port = s.getsockname()[1]
        r = serve("--data", str(tmp_path), "--port", str(port))
    assert r.exit_code == 2
    assert r.stderr.startswith(f"error: --port {port}: cannot listen on 127.0.0.1:{port}")


def test_data_directory_in_use(tmp_path):
    hold = subprocess.Popen(
        [sys.executable, "-c",
         # another process holding the job store (as a running server does)
         f"import time, duckdb; c = duckdb.connect({str(tmp_path / 'jobs.duckdb')!r}); "
         "print('ready', flush=True); time.sleep(60)"],
        stdout=subprocess.PIPE, text=True,
    )  # fmt: skip
    try:
        assert hold.stdout.readline().strip() == "ready"
        r = serve("--data", str(tmp_path), "--port", "0")
        assert r.exit_code == 2
        assert "another clustermarketing server is using this data directory" in r.stderr
    finally:
        hold.kill()
        hold.wait()


def test_the_app_takes_its_settings_from_the_command(tmp_path, monkeypatch):
    """``serve`` hands its options to uvicorn's app factory through the environment."""
    import json

    from clustermarketing.cli import web as cli_web
    from clustermarketing.web import app as web_app

    assert cli_web.SETTINGS_ENV == web_app.SETTINGS_ENV
    module, name = cli_web.APP_FACTORY.split(":")
    assert module == web_app.__name__ and getattr(web_app, name) is web_app.from_environment
    captured = {}
    monkeypatch.setenv(web_app.SETTINGS_ENV, "")  # restored after the test
    monkeypatch.setattr("uvicorn.run", lambda target, **kw: captured.update(target=target, **kw))
    r = serve("--data", str(tmp_path), "--port", "0", "--workers", "3", "--max-run-size", "1234",
              "--max-upload-mb", "2", "--max-queue", "7")  # fmt: skip
    assert r.exit_code == 0, r.output
    assert captured["target"] == cli_web.APP_FACTORY and captured["factory"] is True
    assert captured["host"] == "127.0.0.1"
    settings = json.loads(os.environ[web_app.SETTINGS_ENV])
    app = web_app.from_environment()
    s = app.state.settings
    assert (s.data_dir, s.workers, s.max_run_size, s.max_upload_bytes, s.max_queue) == (
        tmp_path,
        3,
        1234,
        2 * 2**20,
        7,
    )
    assert settings["workers"] == 3
