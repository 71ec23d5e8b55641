"""Structured logs: the request id on the request's line and on its tasks' lines, personal
numbers never in a line, staff actions on the audit logger."""

import io
import json
import logging
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django_guid import clear_guid, get_guid, set_guid

from core.audit import audited_save
from core.logs import JsonFormatter, RedactPersonalNumbers, RequestIdFilter, redact
from core.request_id import task_published
from tests.factories.registry import EnterpriseFactory, make_id_number, make_uscc
from zhouqu_jiazheng.celery import app as celery_app

ROOT = Path(__file__).resolve().parents[2]
ID_NUMBER = make_id_number()
CREDIT_CODE = make_uscc(7)
MOBILE = "13909418001"
NUMBERS = (ID_NUMBER, CREDIT_CODE, MOBILE, "139 0941 8001", "+86 139-0941-8001")


@celery_app.task(name="tests.log_a_line")
def log_a_line(text: str) -> str | None:
    logging.getLogger("tests.task").info("task says %s", text)
    return get_guid()


@pytest.fixture
def json_lines():
    """A handler configured as the production ones (JSON, request id, redaction)."""
    buffer = io.StringIO()
    handler = logging.StreamHandler(buffer)
    handler.setFormatter(JsonFormatter())
    handler.addFilter(RequestIdFilter())
    handler.addFilter(RedactPersonalNumbers())
    loggers = [logging.getLogger(), logging.getLogger("django")]
    for logger in loggers:
        logger.addHandler(handler)
    yield lambda: [json.loads(line) for line in buffer.getvalue().splitlines()]
    for logger in loggers:
        logger.removeHandler(handler)
    clear_guid()


def test_redact_replaces_each_kind_of_personal_number_and_leaves_ids_alone():
    text = f"身份证{ID_NUMBER}，电话{MOBILE}；代码 {CREDIT_CODE} id 0f13909418001aa13909418001bb"
    redacted = redact(text)
    assert redacted.startswith("身份证[ID-NUMBER]，电话[MOBILE]；代码 [CREDIT-CODE] id ")
    assert redacted.endswith("0f13909418001aa13909418001bb")  # inside a hexadecimal id
    for number in NUMBERS:
        assert redact(f"x {number} y") != f"x {number} y"


def test_numbers_in_message_arguments_extras_and_tracebacks_are_redacted(json_lines):
    logger = logging.getLogger("tests.redaction")
    logger.warning("worker %s phone %s", ID_NUMBER, MOBILE, extra={"uscc": CREDIT_CODE})
    try:
        raise ValueError(f"duplicate key (uscc)=({CREDIT_CODE}) phone +86 139 0941 8001")
    except ValueError:
        logger.exception("import failed for %s", {"mobile": MOBILE})
    output = "\n".join(json.dumps(line, ensure_ascii=False) for line in json_lines())
    assert "[ID-NUMBER]" in output and "[MOBILE]" in output and "[CREDIT-CODE]" in output
    assert "ValueError" in output  # the traceback is kept, redacted
    for number in NUMBERS:
        assert number not in output


@pytest.mark.django_db
def test_a_request_line_carries_the_request_id_returned_to_the_client(client, json_lines):
    response = client.get("/", {"phone": MOBILE}, HTTP_X_FORWARDED_FOR=ID_NUMBER)
    request_id = response["X-Request-ID"]
    assert len(request_id) == 32
    [line] = [line for line in json_lines() if line["logger"] == "zhouqu.request"]
    assert line["request_id"] == request_id
    assert (line["method"], line["path"], line["status"]) == ("GET", "/", 200)
    assert line["level"] == "INFO" and line["time"] and line["duration_ms"] >= 0
    assert MOBILE not in json.dumps(line)  # the query string is never logged


@pytest.mark.django_db
def test_a_staff_request_line_names_the_user(admin_client, json_lines):
    from django.contrib.auth import get_user_model

    admin_client.get("/admin/")
    [line] = [line for line in json_lines() if line["logger"] == "zhouqu.request"]
    assert line["user_id"] == get_user_model().objects.get(username="admin").pk


def test_the_request_line_never_looks_the_user_up_itself(json_lines):
    from django.http import HttpResponse
    from django.test import RequestFactory
    from django.utils.functional import SimpleLazyObject

    from core.request_log import RequestLogMiddleware

    looked_up = []
    request = RequestFactory().get("/news/")
    request.user = SimpleLazyObject(lambda: looked_up.append(True))
    RequestLogMiddleware(lambda request: HttpResponse())(request)
    assert looked_up == [] and json_lines()[-1]["user_id"] is None


@pytest.mark.django_db
def test_the_proxy_request_id_is_taken_and_a_bad_one_replaced(client):
    given = "4c1e0a3bd2f94e4f9c7d7c3e5b0b6a11"
    assert client.get("/", HTTP_X_REQUEST_ID=given)["X-Request-ID"] == given
    assert client.get("/", HTTP_X_REQUEST_ID="<script>")["X-Request-ID"] != "<script>"


def test_a_task_run_in_process_logs_the_request_id_and_leaves_it_in_place(json_lines):
    set_guid("a" * 32)
    assert log_a_line.delay("hello").get() == "a" * 32
    assert get_guid() == "a" * 32  # the rest of the request keeps its id
    [line] = [line for line in json_lines() if line["logger"] == "tests.task"]
    assert line["request_id"] == "a" * 32 and line["message"] == "task says hello"


def test_a_task_takes_the_id_from_its_message_headers_and_clears_it_after(json_lines):
    headers: dict = {}
    set_guid("b" * 32)
    task_published(headers)
    assert headers == {"request_id": "b" * 32}
    clear_guid()
    # As a worker runs it: the id comes from the message, and is cleared afterwards.
    assert log_a_line.apply(("from a worker",), headers=headers).get() == "b" * 32
    assert get_guid() is None
    # Queued by beat: no id in the message, one of its own.
    own = log_a_line.apply(("from beat",)).get()
    assert own and own != "b" * 32 and get_guid() is None


@pytest.mark.django_db
def test_staff_actions_reach_the_audit_log_without_personal_values(
    caplog, django_user_model, client
):
    officer = django_user_model.objects.create_user("officer", is_staff=True)
    enterprise = EnterpriseFactory(uscc=CREDIT_CODE, phone=MOBILE)
    enterprise.phone = "13909418009"
    with caplog.at_level(logging.INFO, logger="zhouqu.audit"):
        audited_save(enterprise, actor=officer, update_fields=["phone"], reason="电话变更")
        client.post("/admin/login/", {"username": MOBILE, "password": "wrong-password1"})
    records = [r for r in caplog.records if r.name == "zhouqu.audit"]
    history = [r for r in records if r.event == "history" and r.action == "changed"]
    assert history and history[-1].user_id == officer.pk
    assert history[-1].model == "registry.enterprise" and history[-1].object_id == enterprise.pk
    assert [r.event for r in records][-1] == "login_failed"
    text = " ".join(f"{r.getMessage()} {vars(r)}" for r in records)
    for number in (CREDIT_CODE, MOBILE, "13909418009"):
        assert number not in text


def test_production_format_writes_json_lines_to_stderr_and_the_log_file(tmp_path):
    log_file = tmp_path / "web.log"
    script = (
        "import django, logging; django.setup();"
        f"logging.getLogger('zhouqu.test').warning('call %s', '{MOBILE}')"
    )
    env = {**os.environ, "LOG_FORMAT": "json", "LOG_FILE": str(log_file)}
    env["DJANGO_SETTINGS_MODULE"] = "zhouqu_jiazheng.settings"
    result = subprocess.run(
        [sys.executable, "-c", script], env=env, cwd=ROOT, capture_output=True, text=True,
        timeout=60, check=True,
    )  # fmt: skip
    assert result.stdout == ""
    for output in (result.stderr, log_file.read_text()):
        [line] = [json.loads(text) for text in output.splitlines() if "zhouqu.test" in text]
        assert line["message"] == "call [MOBILE]" and line["request_id"] == "-"
        assert line["level"] == "WARNING"
