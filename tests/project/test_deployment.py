import datetime
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


COMPOSE_FILES = ["docker-compose.yml", "deploy/compose.data.yml", "deploy/compose.app.yml"]


def test_compose_files_follow_the_compose_specification():
    checker = shutil.which("check-jsonschema") or str(
        Path(sys.executable).parent / "check-jsonschema"
    )
    result = subprocess.run(
        [
            checker,
            "--builtin-schema",
            "vendor.compose-spec",
            *(str(ROOT / f) for f in COMPOSE_FILES),
        ],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_compose_stack_has_the_services_and_one_beat():
    from ruamel.yaml import YAML

    compose = YAML(typ="safe").load((ROOT / "docker-compose.yml").read_text())
    services = compose["services"]
    assert set(services) == {
        "postgres", "redis", "web", "worker", "beat", "backup", "nginx", "logrotate"
    }  # fmt: skip
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


def _compose():
    from ruamel.yaml import YAML

    return YAML(typ="safe").load((ROOT / "docker-compose.yml").read_text())


def test_the_front_proxy_caps_bodies_serves_static_and_sends_media_to_the_application():
    from django.conf import settings

    compose = _compose()
    nginx = compose["services"]["nginx"]
    assert "./deploy/nginx.conf:/etc/nginx/templates/default.conf.template:ro" in nginx["volumes"]
    assert "static:/srv/static:ro" in nginx["volumes"]
    assert "static:/app/staticfiles" in compose["services"]["web"]["volumes"]
    # gunicorn is reached through nginx only.
    assert compose["services"]["web"]["ports"] == ["${WEB_BIND:-127.0.0.1}:8000:8000"]
    conf = (ROOT / "deploy" / "nginx.conf").read_text()
    assert f"client_max_body_size {settings.UPLOAD_MAX_REQUEST_BYTES // 1024 // 1024}m;" in conf
    assert "proxy_read_timeout 60s;" in conf and "--timeout 60" in str(compose["services"]["web"])
    assert "alias /srv/static/" in conf
    assert "location /media" not in conf and "/app/media" not in conf
    assert "ssl_certificate " in conf and "listen 443 ssl;" in conf
    # The client address: overwritten from the connection, never appended to.
    assert "proxy_set_header X-Forwarded-For $remote_addr;" in conf
    assert "$proxy_add_x_forwarded_for" not in conf
    assert "proxy_set_header X-Request-ID $request_id;" in conf


def test_the_application_trusts_the_proxy_network_of_the_stack_only():
    compose = _compose()
    subnet = compose["networks"]["default"]["ipam"]["config"][0]["subnet"]
    assert compose["x-env"]["TRUSTED_PROXIES"] == "${TRUSTED_PROXIES:-" + subnet + "}"
    for name in ("web", "worker", "beat", "backup"):
        environment = compose["services"][name]["environment"]
        assert environment["TRUSTED_PROXIES"] == compose["x-env"]["TRUSTED_PROXIES"]
        assert environment["LOG_FORMAT"] == "json"
        assert environment["LOG_FILE"] == f"/app/logs/{name}.log"
        assert "logs:/app/logs" in compose["services"][name]["volumes"]


def test_logs_are_rotated_daily_and_kept_at_least_six_months():
    compose = _compose()
    rotate = compose["services"]["logrotate"]
    days = rotate["environment"]["LOG_RETENTION_DAYS"]
    assert days == "${LOG_RETENTION_DAYS:-190}" and int(days[-4:-1]) >= 183  # six months
    assert {"logs:/app/logs", "proxylogs:/app/proxylogs"} <= set(rotate["volumes"])
    assert "proxylogs:/var/log/zhouqu" in compose["services"]["nginx"]["volumes"]
    conf = (ROOT / "deploy" / "logrotate.conf").read_text()
    for directive in ("daily", "dateext", "compress", "copytruncate", "rotate @RETENTION_DAYS@"):
        assert f"\n    {directive}\n" in conf


@pytest.mark.skipif(not shutil.which("logrotate"), reason="logrotate is not installed")
def test_the_rotation_keeps_dated_files(tmp_path):
    logs = tmp_path / "logs"
    logs.mkdir()
    (logs / "web.log").write_text('{"message": "one"}\\n')
    conf = (ROOT / "deploy" / "logrotate.conf").read_text()
    conf = conf.replace("@RETENTION_DAYS@", "190").replace("/app/logs", str(logs))
    conf = conf.replace("/app/proxylogs", str(tmp_path / "none"))
    (tmp_path / "rotate.conf").write_text(conf)
    subprocess.run(
        ["logrotate", "--force", "--state", str(tmp_path / "state"), str(tmp_path / "rotate.conf")],
        check=True, capture_output=True, timeout=30,
    )  # fmt: skip
    names = sorted(path.name for path in logs.iterdir())
    assert names == ["web.log", f"web.log-{datetime.date.today():%Y%m%d}"]
    assert (logs / "web.log").read_text() == ""  # emptied in place (copytruncate)
