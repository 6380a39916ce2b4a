"""Property-based tests of the whole API against its own OpenAPI schema (schemathesis).

For every operation schemathesis generates requests — valid ones from the schema (positive)
and invalid ones (wrong types, missing or unknown fields, out-of-range numbers: negative) — and
checks that no response is a server error, that every status code and content type is
declared, that every body matches its declared schema (an error is a problem document, never a
stack trace), and that invalid data is rejected. Examples per operation are bounded to keep the
run short; runs are capped tiny so that an accepted job costs next to nothing.
"""

from __future__ import annotations

import pytest

schemathesis = pytest.importorskip("schemathesis")

from hypothesis import HealthCheck, given, settings  # noqa: E402
from hypothesis.errors import Unsatisfiable  # noqa: E402
from schemathesis import GenerationMode, checks  # noqa: E402

from clustermarketing.web import Settings, create_app  # noqa: E402
from webapp.webutil import make_client  # noqa: E402

#: examples per operation: valid requests, and invalid ones (33 operations)
EXAMPLES = {"positive": 6, "negative": 4}
CHECKS = [
    checks.not_a_server_error,
    checks.status_code_conformance,
    checks.content_type_conformance,
    checks.response_schema_conformance,
    checks.response_headers_conformance,
]
#: the operations, read from the schema of an app that is not started (no side effects)
OPERATIONS = [
    r.ok().label
    for r in schemathesis.openapi.from_dict(create_app(Settings()).openapi()).get_all_operations()
]


@pytest.fixture(scope="module")
def api(tmp_path_factory):
    with make_client(tmp_path_factory.mktemp("st"), max_run_size=200, max_queue=3) as client:
        # the lifespan has run (job store and pool are up); requests go to this app
        schema = schemathesis.openapi.from_asgi("/openapi.json", client.app)
        yield {op.ok().label: op.ok() for op in schema.get_all_operations()}


@pytest.mark.parametrize("mode", [GenerationMode.POSITIVE, GenerationMode.NEGATIVE])
@pytest.mark.parametrize("label", OPERATIONS)
def test_operation_conforms_to_the_schema(api, label, mode):
    operation = api[label]
    extra = [checks.negative_data_rejection] if mode is GenerationMode.NEGATIVE else []

    @given(case=operation.as_strategy(generation_mode=mode))
    @settings(max_examples=EXAMPLES[mode.value], deadline=None, derandomize=True, database=None,
              suppress_health_check=list(HealthCheck))  # fmt: skip
    def run(case):
        case.call_and_validate(checks=CHECKS + extra)

    try:
        run()
    except Unsatisfiable:
        # e.g. an operation without parameters: no request can violate its schema
        assert mode is GenerationMode.NEGATIVE
        pytest.skip("no invalid request exists for this operation")
