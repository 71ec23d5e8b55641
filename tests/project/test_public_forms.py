"""Every form residents fill in speaks to them: no generic Django wording, an error summary at
the top that links each error to its field; enterprise phones on public pages can be tapped
to call."""

import importlib
import inspect
import pkgutil
import re
from html.parser import HTMLParser

import pytest
from django import forms
from django.apps import apps
from django.urls import reverse
from django.utils import translation

from core.form_errors import ResidentFormMixin

pytestmark = pytest.mark.django_db

PROJECT_APPS = [
    "registry",
    "credit",
    "complaints",
    "reviews",
    "incentives",
    "agreements",
    "inspections",
    "zhouqu_jiazheng",
]
# Modules of the back office and the enterprise portal: not filled in by residents.
NOT_PUBLIC = re.compile(r"admin|portal|management|migrations|demo")
# Pieces of Django's own zh-hans messages (e.g. "确保该变量至少包含 10 字符").
DJANGO_WORDING = [
    "这个字段是必填项",
    "确保该",
    "确保此",
    "变量",
    "输入一个有效的",
    "选择一个有效的选项",
    "Null",
]


def public_form_classes() -> list[type[forms.Form]]:
    found = set()
    for label in PROJECT_APPS:
        package = importlib.import_module(
            apps.get_app_config(label).name if label != "zhouqu_jiazheng" else label
        )
        for info in pkgutil.walk_packages(package.__path__, package.__name__ + "."):
            if NOT_PUBLIC.search(info.name):
                continue
            module = importlib.import_module(info.name)
            for _name, cls in inspect.getmembers(module, inspect.isclass):
                if (
                    issubclass(cls, forms.BaseForm)
                    and cls.__module__ == module.__name__
                    and not NOT_PUBLIC.search(cls.__module__)
                ):
                    found.add(cls)
    return sorted(found, key=lambda c: f"{c.__module__}.{c.__name__}")


def test_the_public_forms_are_found():
    names = {c.__name__ for c in public_form_classes()}
    assert {
        "ComplaintForm",
        "ReportForm",
        "TrackingForm",
        "SatisfactionForm",
        "ReviewForm",
        "MobileForm",
        "CodeForm",
        "LookupForm",
    } <= names


@pytest.mark.parametrize("form_class", public_form_classes(), ids=lambda c: c.__name__)
def test_every_public_form_words_its_errors_for_residents(form_class):
    assert issubclass(form_class, ResidentFormMixin)
    hostile = {
        "empty": "",
        "long": "长" * 6000,
        "short": "短",
        "garbage": "abc\u00e9%%(x)s",
        "nul": "a\x00b",
    }
    seen = 0
    with translation.override("zh-hans"):
        for value in hostile.values():
            form = form_class(data=dict.fromkeys(form_class.base_fields, value))
            form.is_valid()
            for name, errors in form.errors.items():
                for message in errors:
                    seen += 1
                    for words in DJANGO_WORDING:
                        assert words not in message, (form_class.__name__, name, message)
            for line in form.error_summary:
                assert line.message
    assert seen or not form_class.base_fields


# --- The pages ------------------------------------------------------------------------------


class Ids(HTMLParser):
    def __init__(self):
        super().__init__()
        self.ids, self.links = set(), []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if attrs.get("id"):
            self.ids.add(attrs["id"])
        if tag == "a" and (attrs.get("href") or "").startswith("#"):
            self.links.append(attrs["href"][1:])


def summary_of(html: str) -> str:
    match = re.search(r'<div class="form-errors error-summary".*?</div>', html, re.S)
    assert match, "no error summary"
    return match.group(0)


def check_summary(html: str) -> list[str]:
    """The summary's links, each pointing to an element of the page."""
    parser = Ids()
    parser.feed(summary_of(html))
    page = Ids()
    page.feed(html)
    for anchor in parser.links:
        assert anchor in page.ids, anchor
    for words in DJANGO_WORDING:
        assert words not in html, words
    return parser.links


@pytest.fixture(autouse=True)
def _no_rate_limits(settings):
    settings.COMPLAINT_RATE_PER_IP = "1000/h"
    settings.COMPLAINT_RATE_PER_PHONE = "1000/d"
    settings.TRACKING_RATE_PER_IP = "1000/h"


def test_the_complaint_form_lists_every_error_as_a_link_to_its_field(client):
    response = client.post(
        reverse("complaints:new"),
        {
            "submission_token": "a" * 32,
            "description": "不干活",
            "email": "zhang@",
            "service_date": "昨天",
        },
    )
    assert response.status_code == 200
    html = response.content.decode()
    links = check_summary(html)
    for field in [
        "complainant_name",
        "phone",
        "township",
        "enterprise_query",
        "desired_outcome",
        "description",
        "email",
        "service_date",
        "consent",
    ]:
        assert f"id_{field}" in links, field
    assert "id_category_0" in links  # a group of choices links to its first one
    summary = summary_of(html)
    assert "发生了什么至少要写10个字，现在只有3个字" in summary
    assert "请填写您的姓名" in summary and "请选择您所在的乡镇" in summary
    assert "电子邮箱的格式不对" in summary


def test_an_overlong_answer_is_counted_for_the_resident(client):
    html = client.post(
        reverse("complaints:new"), {"submission_token": "a" * 32, "desired_outcome": "退" * 1200}
    ).content.decode()
    assert "您的诉求最多写1000个字，现在有1200个字" in summary_of(html)


@pytest.mark.parametrize(
    ("url", "data"),
    [
        ("complaints:track", {"tracking_number": "", "phone": "12"}),
        ("complaints:report", {"submission_token": "a" * 32, "description": "短"}),
        ("complaints:track", {"tracking_number": "TS" + "9" * 40, "phone": "1" * 30}),
        ("reviews:new", {"phone": "", "comment": "好" * 3000, "service_date": "x"}),
        ("incentives:check", {"action": "send", "mobile": ""}),
        ("incentives:check", {"action": "send", "mobile": "1" * 40}),
    ],
)
def test_every_public_post_form_shows_the_summary_in_plain_words(client, url, data):
    response = client.post(reverse(url), data)
    assert response.status_code == 200
    links = check_summary(response.content.decode())
    assert links


# --- Phones ---------------------------------------------------------------------------------


def test_enterprise_phones_on_public_pages_are_tap_to_call(client):
    from tests.factories.incentives import default_catalogue, grade, join
    from tests.factories.registry import EnterpriseFactory

    measures, _groups = default_catalogue()
    enterprise = EnterpriseFactory(name="舟曲县红榜家政", phone="0941-5121234")
    grade(enterprise, "AAA")
    join(enterprise, *[m for m in measures.values() if m.audience == "resident"])
    html = client.get(reverse("incentives:catalogue")).content.decode()
    assert '<a class="tel-link" href="tel:09415121234">0941-5121234</a>' in html
    assert not re.search(r"电话 0941-5121234", html)


def test_no_public_template_prints_an_enterprise_phone_without_the_link():
    """Every template of the public site: a phone printed bare is a number a resident must
    copy by hand."""
    from pathlib import Path

    from django.conf import settings

    roots = [Path(settings.BASE_DIR) / "templates"] + [
        Path(apps.get_app_config(label).path) / "templates" for label in PROJECT_APPS[:-1]
    ]
    bare = re.compile(r"\{\{\s*(?!\w*form\.)[\w.]*\bphone\s*\}\}")  # not a form's input
    offenders = []
    for root in roots:
        for path in root.rglob("*.html"):
            relative = str(path.relative_to(root))
            if NOT_PUBLIC.search(relative) or "dossier" in relative:
                continue
            if bare.search(path.read_text()):
                offenders.append(relative)
    assert offenders == []
