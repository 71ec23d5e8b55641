import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


def test_compose_file_follows_the_compose_specification():
    checker = shutil.which("check-jsonschema") or str(
        Path(sys.executable).parent / "check-jsonschema"
    )
    result = subprocess.run(
        [checker, "--builtin-schema", "vendor.compose-spec", str(ROOT / "docker-compose.yml")],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_compose_stack_has_the_services_and_one_beat():
    from ruamel.yaml import YAML

    compose = YAML(typ="safe").load((ROOT / "docker-compose.yml").read_text())
    services = compose["services"]
    assert set(services) == {"postgres", "redis", "web", "worker", "beat", "backup"}
    assert services["postgres"]["image"] == "postgres:16"
    assert services["redis"]["image"] == "redis:7"
    assert services["beat"]["deploy"]["replicas"] == 1
    assert "default,bulk" in services["worker"]["command"]
    for name in ("web", "worker", "beat"):
        depends = services[name]["depends_on"]
        assert depends["postgres"]["condition"] == "service_healthy"
        assert depends["redis"]["condition"] == "service_healthy"
    assert {"pgdata", "media"} <= set(compose["volumes"])
    for name in ("postgres", "redis", "web"):
        assert "healthcheck" in services[name]


def test_compose_backs_up_daily_with_retention_into_its_own_volume():
    from ruamel.yaml import YAML

    compose = YAML(typ="safe").load((ROOT / "docker-compose.yml").read_text())
    backup = compose["services"]["backup"]
    assert backup["image"] == compose["services"]["web"]["image"]
    script = backup["command"][-1]
    assert "manage.py backup --to /backups --keep" in script
    assert "sleep" in script
    assert "media:/app/media:ro" in backup["volumes"]
    assert "backups:/backups" in backup["volumes"]
    assert "backups" in compose["volumes"]
    assert backup["depends_on"]["postgres"]["condition"] == "service_healthy"
    # The image carries the PostgreSQL client of the server's major version.
    assert "postgresql-client-16" in (ROOT / "Dockerfile").read_text()
    assert compose["services"]["postgres"]["image"] == "postgres:16"


@pytest.mark.parametrize("line", ["USER app", "FROM python:3.11-slim"])
def test_dockerfile_runs_gunicorn_as_an_unprivileged_user(line):
    dockerfile = (ROOT / "Dockerfile").read_text()
    assert line in dockerfile
    assert "gunicorn" in dockerfile
