"""The deployment files, checked without Docker: compose structure, secrets, the Dockerfile in step."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest
import yaml

REPO = Path(__file__).resolve().parent.parent
DEPLOY = REPO / "deploy"


@pytest.fixture(scope="module")
def compose() -> dict[str, Any]:
    return yaml.safe_load((DEPLOY / "compose.yaml").read_text(encoding="utf-8"))


def test_two_api_containers_share_one_postgres_and_one_redis(compose: dict[str, Any]) -> None:
    services = compose["services"]
    assert {"postgres", "redis", "migrate", "api-1", "api-2"} <= set(services)
    one, two = services["api-1"], services["api-2"]
    assert one["environment"] == two["environment"] and one["image"] == two["image"]
    env = one["environment"]
    assert "@postgres:5432/switchboard" in env["SWITCHBOARD_DATABASE_URL"]
    assert "@postgres:5432/langgraph" in env["DATABASE_URI"]
    assert env["SWITCHBOARD_CHECKPOINT_URL"] == env["DATABASE_URI"]
    assert env["REDIS_URI"].startswith("redis://redis:")
    for replica in (one, two):
        assert replica["depends_on"]["migrate"]["condition"] == "service_completed_successfully"
        assert replica["depends_on"]["postgres"]["condition"] == "service_healthy"
        assert all(port.startswith("127.0.0.1:") for port in replica["ports"])
    assert len({tuple(one["ports"]), tuple(two["ports"])}) == 2
    assert services["migrate"]["command"][-1] == "migrate"
    assert "CREATE DATABASE langgraph" in (DEPLOY / "initdb" / "10-langgraph-database.sql").read_text()


def test_secrets_come_from_the_environment(compose: dict[str, Any]) -> None:
    for service in compose["services"].values():
        for key, value in (service.get("environment") or {}).items():
            secret = re.search(r"PASSWORD|KEY", key) or "@" in str(
                value
            )  # keys, passwords, credentials in URLs
            if secret:
                assert "${" in str(value), f"{key} must come from the environment, not the file"
    required = yaml.safe_dump(compose)
    for name in ("SWITCHBOARD_API_KEYS", "POSTGRES_PASSWORD"):
        assert f"${{{name}:?" in required, f"compose must refuse to start without {name}"


def test_the_image_leaves_local_state_out() -> None:
    ignored = set((DEPLOY / "Dockerfile.dockerignore").read_text().split())
    assert {".venv", "var", ".env", ".git", ".langgraph_api"} <= ignored


def test_the_image_runs_the_open_runtime_with_the_locked_dependencies() -> None:
    dockerfile = (DEPLOY / "Dockerfile").read_text()
    assert "uv sync --frozen --no-dev" in dockerfile  # exactly what uv.lock pins
    assert '"langhost", "serve"' in dockerfile and "LG_RUNTIME_PG_AUTO_MIGRATE=false" in dockerfile
    assert "langgraph-api:" not in dockerfile  # not the licensed server image
    servers = json.loads((REPO / "langgraph.json").read_text())
    assert servers["graphs"] == {"switchboard": "faces.langgraph_server.graph:make_graph"}
