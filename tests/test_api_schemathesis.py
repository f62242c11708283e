"""Property-based tests of the whole API against its own OpenAPI schema (schemathesis).

Every operation gets up to 25 generated requests (valid and invalid): no response may be a 5xx,
and every response must match the schema (status code, content type, body). The store holds a
few short texts; generated texts sent to /analyze and /ingest are short, so each analysis is fast.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import schemathesis
from fastapi.testclient import TestClient
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from wirelens.api import create_app

TEXTS = [
    "NATO said on Tuesday that Russia had moved more troops to the border. Russia denied it.",
    "Ukraine's president met the German chancellor in Kyiv on Monday and said the talks went well.",
]


@pytest.fixture(scope="module")
def api_schema(tmp_path_factory: pytest.TempPathFactory) -> Any:
    db: Path = tmp_path_factory.mktemp("schemathesis") / "store.duckdb"
    app = create_app(db, token=None)
    with TestClient(app) as client:  # runs the lifespan: pipeline loaded, claim tables made
        body = [{"text": t, "published": "2022-02-15", "outlet": "Wire"} for t in TEXTS]
        assert client.post("/ingest", json=body).status_code == 200
        yield schemathesis.openapi.from_asgi("/openapi.json", app)


schema = schemathesis.pytest.from_fixture("api_schema")


@schema.parametrize()
@settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
)
def test_api_conforms_to_its_schema(case: Any) -> None:
    case.call_and_validate(
        checks=[
            not_a_server_error,
            status_code_conformance,
            content_type_conformance,
            response_schema_conformance,
        ]
    )
