"""Unusable personal-data keys stop `check`, `check --deploy`, the server and the worker at
start-up with a message naming the variable, instead of failing at the first encryption."""

import io
import os
import subprocess
import sys

import pytest
from cryptography.fernet import Fernet
from django.core.management import call_command
from django.core.management.base import SystemCheckError

from tests.project.test_settings import CONFIG_VARIABLES, PRODUCTION, ROOT

GOOD_KEY = PRODUCTION["PERSONAL_DATA_KEY"]


def run(command: list[str], timeout: int = 60, **variables: str) -> subprocess.CompletedProcess:
    environment = {
        k: v
        for k, v in os.environ.items()
        if k not in CONFIG_VARIABLES and k != "PERSONAL_DATA_KEY_FALLBACKS"
    }
    environment.update(PRODUCTION, DJANGO_SETTINGS_MODULE="zhouqu_jiazheng.settings")
    environment.update(variables)
    return subprocess.run(
        command, cwd=ROOT, env=environment, capture_output=True, text=True, timeout=timeout
    )


BAD_KEYS = [
    pytest.param({"PERSONAL_DATA_KEY": "notafernetkey"}, "registry.E001", id="key-not-fernet"),
    pytest.param({"PERSONAL_DATA_KEY": GOOD_KEY[:-2] + "!="}, "registry.E001", id="key-bad-base64"),
    pytest.param(
        {"PERSONAL_DATA_KEY_FALLBACKS": [Fernet.generate_key().decode(), "oldkey"]},
        "registry.E002",
        id="fallback-not-fernet",
    ),
    pytest.param({"PERSONAL_DATA_HASH_KEY": "hash"}, "registry.E003", id="hash-key-short"),
    pytest.param({"PERSONAL_DATA_HASH_KEY": GOOD_KEY}, "registry.E004", id="hash-key-reused"),
]


@pytest.mark.parametrize(("variables", "error"), BAD_KEYS)
def test_check_fails_on_unusable_keys(settings, variables, error):
    settings.PERSONAL_DATA_KEY = GOOD_KEY
    settings.PERSONAL_DATA_HASH_KEY = PRODUCTION["PERSONAL_DATA_HASH_KEY"]
    for name, value in variables.items():
        setattr(settings, name, value)
    with pytest.raises(SystemCheckError) as failed:
        call_command("check", stdout=io.StringIO(), stderr=io.StringIO())
    assert error in str(failed.value)


@pytest.mark.parametrize(
    "fallbacks", [[], [Fernet.generate_key().decode(), Fernet.generate_key().decode()]]
)
def test_good_keys_pass(settings, fallbacks):
    settings.PERSONAL_DATA_KEY = Fernet.generate_key().decode()
    settings.PERSONAL_DATA_KEY_FALLBACKS = fallbacks
    settings.PERSONAL_DATA_HASH_KEY = PRODUCTION["PERSONAL_DATA_HASH_KEY"]
    call_command("check", stdout=io.StringIO(), stderr=io.StringIO())


def test_the_deployment_checklist_fails_with_a_clear_message():
    result = run(
        [sys.executable, "manage.py", "check", "--deploy"], PERSONAL_DATA_KEY="notafernetkey"
    )
    assert result.returncode != 0, result.stdout + result.stderr
    assert "(registry.E001) PERSONAL_DATA_KEY is not a Fernet key" in result.stderr
    assert "Fernet.generate_key()" in result.stderr


@pytest.mark.parametrize("entry_point", ["zhouqu_jiazheng.wsgi", "zhouqu_jiazheng.asgi"])
def test_the_application_server_refuses_to_start(entry_point):
    result = run([sys.executable, "-c", f"import {entry_point}"], PERSONAL_DATA_KEY="notafernetkey")
    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr and "registry.E001" in result.stderr


def test_the_development_server_refuses_to_start():
    result = run(
        [sys.executable, "manage.py", "runserver", "--noreload", "127.0.0.1:0"],
        PERSONAL_DATA_KEY="notafernetkey",
    )
    assert result.returncode != 0
    assert "registry.E001" in result.stderr


def test_the_celery_worker_refuses_to_start():
    broker = os.environ.get("CELERY_BROKER_URL", "redis://127.0.0.1:6379/2")
    result = run(
        [
            sys.executable,
            "-m",
            "celery",
            "-A",
            "zhouqu_jiazheng",
            "worker",
            "--pool",
            "solo",
            "--queues",
            "refuse-bad-keys",
        ],
        timeout=120,
        PERSONAL_DATA_KEY="notafernetkey",
        CELERY_BROKER_URL=broker,
    )
    assert result.returncode != 0
    assert "registry.E001" in result.stderr
