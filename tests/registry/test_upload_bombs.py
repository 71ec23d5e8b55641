"""A decompression bomb (a tiny PNG announcing 900 million pixels) is refused with a clear
Chinese message at every upload point: every model file field, every form file field and,
end to end, the public complaint form, the portal and the admin."""

import datetime

import pytest
from django import forms
from django.apps import apps
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import models
from django.urls import get_resolver, reverse

from core.files import ImageUploadField, UploadValidator
from tests.complaints.test_pages import form_data
from tests.factories.registry import EmploymentFactory, make_id_number, township
from tests.hostile import png_bomb
from tests.portal_fixtures import portal_user
from tests.registry.test_admin import INLINE_PREFIXES

PROJECT_APPS = {
    "registry",
    "credit",
    "complaints",
    "reviews",
    "incentives",
    "zhouqu_jiazheng",
    "inspections",
}
MESSAGE = "图片像素太多"

# Files the product writes itself or that are spreadsheets read by the import kit.
NOT_PICTURES = {
    ("registry.LedgerImport", "file"),
    ("zhouqu_jiazheng.AnnualReport", "file"),
    ("registry.admin_ledger.LedgerUploadForm", "file"),
    ("credit.admin_imports.CreditImportForm", "file"),
    ("incentives.admin_imports.DishonestyUploadForm", "file"),
}


def bomb(name="photo.png") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, png_bomb(), content_type="image/png")


def model_file_fields():
    for model in apps.get_models():
        if model._meta.app_label not in PROJECT_APPS or model.__name__.startswith("Historical"):
            continue
        for field in model._meta.fields:
            if isinstance(field, models.FileField):
                yield model._meta.label, field


def form_file_fields():
    get_resolver().resolve("/")  # imports every view module, and with them every form

    def subclasses(cls):
        for sub in cls.__subclasses__():
            yield sub
            yield from subclasses(sub)

    forms_found = set(subclasses(forms.BaseForm))
    for form in sorted(forms_found, key=lambda f: (f.__module__, f.__qualname__)):
        if form.__module__.split(".")[0] not in PROJECT_APPS:
            continue
        for name, field in form.base_fields.items():
            if isinstance(field, forms.FileField):
                yield f"{form.__module__}.{form.__qualname__}", name, form, field


def assert_refused_clearly(clean) -> None:
    with pytest.raises(ValidationError) as refused:
        clean()
    assert any(MESSAGE in message for message in refused.value.messages), refused.value.messages


def test_the_enumeration_finds_the_upload_points():
    labels = {label for label, _ in model_file_fields()}
    assert {"complaints.ComplaintAttachment", "registry.Worker", "incentives.GroupMembership"} <= (
        labels
    )
    assert len({label for label, *_ in form_file_fields()}) >= 10


@pytest.mark.parametrize(
    ("label", "field"),
    [pytest.param(label, f, id=f"{label}.{f.name}") for label, f in model_file_fields()],
)
def test_every_model_file_field_refuses_a_bomb(label, field):
    if (label, field.name) in NOT_PICTURES:
        assert not any(isinstance(v, UploadValidator) for v in field.validators)
        return
    assert any(isinstance(v, UploadValidator) for v in field.validators), (
        f"{label}.{field.name} takes uploads without the shared file check"
    )
    assert_refused_clearly(lambda: field.clean(bomb(), None))
    if isinstance(field, models.ImageField):
        assert isinstance(field, ImageUploadField), f"{label}.{field.name}"
        assert_refused_clearly(lambda: field.formfield().clean(bomb()))


@pytest.mark.parametrize(
    ("label", "name", "form", "field"),
    [pytest.param(*found, id=f"{found[0]}.{found[1]}") for found in form_file_fields()],
)
def test_every_form_file_field_refuses_a_bomb(label, name, form, field):
    if (label, name) in NOT_PICTURES:
        return
    model = getattr(getattr(form, "_meta", None), "model", None)
    if model is not None and name in {f.name for f in model._meta.fields}:
        # A model form: the model field's validators run on the instance (checked above).
        model_field = model._meta.get_field(name)
        assert any(isinstance(v, UploadValidator) for v in model_field.validators)
        if not isinstance(field, forms.ImageField):
            return
    value = [bomb()] if field.widget.__class__.__name__ == "MultipleFileInput" else bomb()
    assert_refused_clearly(lambda: field.clean(value))


@pytest.mark.django_db
def test_the_public_complaint_form_refuses_a_bomb(client):
    response = client.post("/complaints/new/", {**form_data(), "attachments": [bomb()]})
    assert response.status_code == 200
    assert MESSAGE in response.content.decode()


@pytest.mark.django_db
def test_a_portal_health_certificate_refuses_a_bomb():
    portal = portal_user()
    employment = EmploymentFactory(enterprise=portal.enterprise)
    response = portal.client.post(
        reverse("portal:worker_health", args=[employment.pk]),
        {
            "number": "JK-1",
            "issuer": "舟曲县疾控中心",
            "valid_from": "2025-01-01",
            "valid_to": "2026-01-01",
            "scan": bomb("scan.png"),
        },
    )
    assert response.status_code == 200
    assert MESSAGE in response.content.decode()


@pytest.mark.django_db
def test_an_admin_worker_photo_refuses_a_bomb(admin_client):
    number = make_id_number(datetime.date(1990, 3, 5), sequence=41, female=True)
    response = admin_client.post(
        reverse("admin:registry_worker_add"),
        {
            "name": "卓玛",
            "id_number": number,
            "ethnicity": "藏族",
            "phone": "13909410124",
            "township": township().pk,
            "photo": bomb(),
            **{f"{prefix}-TOTAL_FORMS": 0 for prefix in INLINE_PREFIXES},
            **{f"{prefix}-INITIAL_FORMS": 0 for prefix in INLINE_PREFIXES},
        },
    )
    assert response.status_code == 200
    assert MESSAGE in response.content.decode()
