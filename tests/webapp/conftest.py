"""Fixtures of the web tests (helpers in webutil.py)."""

from __future__ import annotations

import pytest

pytest.importorskip("fastapi")

from webapp.webutil import make_client


@pytest.fixture
def client(tmp_path):
    with make_client(tmp_path) as c:
        yield c


@pytest.fixture(scope="module")
def shared(tmp_path_factory):
    """One app for the tests of a module that only read (or add independent jobs)."""
    with make_client(tmp_path_factory.mktemp("web")) as c:
        yield c
