"""The SMS code a resident asks for on a Tibetan page is written in Tibetan."""

import pytest
from django.urls import reverse

from tests.translations import fake_bo_catalogue

pytestmark = pytest.mark.django_db

CHECK_TEXT = "您正在查询可享受的守信激励优惠，验证码{code}，{minutes}分钟内有效。请勿告诉他人。"


def test_the_benefit_check_code_comes_in_the_language_of_the_page(
    client, sms, monkeypatch, django_capture_on_commit_callbacks
):
    fake_bo_catalogue(
        monkeypatch,
        {CHECK_TEXT: "BO {code}"},
    )
    url = reverse("incentives:check")
    client.post(reverse("set_language"), {"language": "bo", "next": url})
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url, {"action": "send", "mobile": "13909417777"})
    assert '<html lang="bo">' in response.content.decode()
    assert sms[-1][0] == "13909417777"
    # The signature registered with the carrier is never translated.
    assert sms[-1][1].startswith("【舟曲县信易+家政】BO ")


def test_on_a_chinese_page_the_code_comes_in_chinese(
    client, sms, monkeypatch, django_capture_on_commit_callbacks
):
    fake_bo_catalogue(monkeypatch, {CHECK_TEXT: "BO {code}"})
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("incentives:check"), {"action": "send", "mobile": "13909417777"})
    assert sms[-1][1].startswith("【舟曲县信易+家政】您正在查询可享受的守信激励优惠")
