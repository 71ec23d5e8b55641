"""No cell of any workbook the product writes is a formula or text a spreadsheet would
read as one (OWASP CSV injection payloads in every free-text field that reaches an export).

The exports are found two ways: a scan of the source proves that only
`core.spreadsheets` creates workbooks, and each function that calls it is run here on
hostile data."""

import io
import re
from pathlib import Path

import pytest
from django.db import models
from django.urls import reverse
from openpyxl import load_workbook

from complaints.models import Complaint
from core.spreadsheets import FORMULA_TRIGGERS, ExportWorkbook, neutralise, xlsx_from_dataset
from credit.models import SupervisionTask
from credit.services.import_columns import credit_import_template
from incentives.models import IncentiveMeasure, Redemption
from incentives.resources import redemptions_export
from incentives.services.dishonesty import dishonesty_template
from registry.models import Enterprise, ServiceCategory, Worker
from registry.resources import RESOURCES
from registry.services.ledger import ledger_export, ledger_model, ledger_template
from tests.factories.registry import (
    BackgroundCheckFactory,
    EmploymentFactory,
    HealthCertificateFactory,
    QualificationFactory,
    SkillFactory,
    TrainingFactory,
)
from tests.hostile import FORMULA_PAYLOADS
from tests.incentives.conftest import sms  # noqa: F401  (fixture)
from tests.incentives.test_redemptions import record, send, setting  # noqa: F401
from tests.reporting.test_annual_report import build, county  # noqa: F401  (fixture)

ROOT = Path(__file__).resolve().parents[2]
APPS = (
    "registry",
    "credit",
    "complaints",
    "reviews",
    "agreements",
    "inspections",
    "incentives",
    "portal",
    "zhouqu_jiazheng",
    "articles",
    "programme",
    "reporting",
)
# Field names that carry validated identifiers, codes or secrets rather than free text.
NOT_FREE_TEXT = re.compile(r"id_number|uscc|phone|mobile|hash|number$|code$|token|_masked|email")


def assert_no_formula(content: bytes) -> list[str]:
    """Every cell of every sheet; returns the text values for further checks."""
    book = load_workbook(io.BytesIO(content))
    texts = []
    for sheet in book.worksheets:
        for row in sheet.iter_rows():
            for cell in row:
                assert cell.data_type != "f", f"{sheet.title}!{cell.coordinate}: {cell.value!r}"
                if isinstance(cell.value, str):
                    assert not cell.value.startswith(FORMULA_TRIGGERS), (
                        f"{sheet.title}!{cell.coordinate}: {cell.value!r}"
                    )
                    texts.append(cell.value)
    return texts


def poison(model, queryset=None) -> None:
    """Write a payload into every free-text column of every row of `model`."""
    fields = [
        f
        for f in model._meta.concrete_fields
        if isinstance(f, models.CharField | models.TextField)
        and not f.choices
        and not f.unique
        and not NOT_FREE_TEXT.search(f.name)
        and not isinstance(f, models.FileField)
    ]
    for index, pk in enumerate((queryset or model.objects.all()).values_list("pk", flat=True)):
        values = {}
        for offset, field in enumerate(fields):
            payload = FORMULA_PAYLOADS[(index + offset) % len(FORMULA_PAYLOADS)]
            values[field.name] = payload[: field.max_length] if field.max_length else payload
        model.objects.filter(pk=pk).update(**values)


@pytest.mark.parametrize("payload", FORMULA_PAYLOADS)
def test_the_helper_neutralises_every_payload(payload):
    assert neutralise(payload) == "'" + payload
    for write_only in (False, True):
        book = ExportWorkbook(write_only=write_only)
        sheet = book.create_sheet("表") if write_only else book.active
        sheet.append(["正常的名字", payload, 12, -3.5])
        out = io.BytesIO()
        book.save(out)
        texts = assert_no_formula(out.getvalue())
        assert "'" + payload.replace("\r", "\n") in [t.replace("\r", "\n") for t in texts]


def test_numbers_and_ordinary_text_are_untouched():
    assert neutralise(-3) == -3 and neutralise("舟曲县安心家政") == "舟曲县安心家政"
    assert neutralise("李-梅") == "李-梅" and neutralise(None) is None


def test_only_the_spreadsheet_module_writes_workbooks():
    writers = re.compile(
        r"from openpyxl import .*\bWorkbook\b|openpyxl\.Workbook\(|\bXLSX\(\)|export_data\("
        r"|csv\.writer|text/csv"
    )
    offenders = []
    for app in APPS:
        for path in (ROOT / app).rglob("*.py"):
            if "migrations" in path.parts or path == ROOT / "registry" / "spreadsheets.py":
                continue
            for number, line in enumerate(path.read_text().splitlines(), start=1):
                if writers.search(line):
                    offenders.append(f"{path.relative_to(ROOT)}:{number}: {line.strip()}")
    assert not offenders, "write workbooks through core.spreadsheets:\n" + "\n".join(offenders)


@pytest.mark.django_db
def test_the_workers_export_keeps_no_hyperlink_formula(admin_client):
    """The case found in testing: a worker named ==HYPERLINK(…) in the admin's export."""
    worker = EmploymentFactory().worker
    name = '==HYPERLINK("http://evil.example","点击")'
    Worker.objects.filter(pk=worker.pk).update(name=name)
    response = admin_client.get(reverse("admin:registry_ledger_export", args=["workers"]))
    assert response.status_code == 200
    assert "'" + name in assert_no_formula(response.content)


@pytest.mark.django_db
@pytest.mark.parametrize("kind", list(RESOURCES))
def test_every_ledger_export_and_template_is_inert(kind):
    employment = EmploymentFactory()
    QualificationFactory(enterprise=employment.enterprise)
    worker = employment.worker
    for factory in (HealthCertificateFactory, TrainingFactory, BackgroundCheckFactory):
        factory(worker=worker)
    SkillFactory(worker=worker)
    model = ledger_model(kind)
    for touched in {model, Enterprise, Worker}:
        poison(touched)
    texts = assert_no_formula(ledger_export(kind=kind))
    assert any(text.startswith("'") and text[1:] in FORMULA_PAYLOADS for text in texts), kind
    assert_no_formula(ledger_template(kind=kind))


@pytest.mark.django_db
def test_import_templates_are_inert():
    assert_no_formula(credit_import_template())
    assert_no_formula(dishonesty_template())


@pytest.mark.django_db
def test_the_redemptions_export_is_inert(setting, sms):  # noqa: F811
    measures, groups, enterprise, resident, category = setting
    record(enterprise, resident, category, send(enterprise, resident, sms))
    poison(Enterprise)
    poison(ServiceCategory, ServiceCategory.objects.filter(pk=category.pk))
    poison(IncentiveMeasure)
    texts = assert_no_formula(redemptions_export(Redemption.objects.all()))
    assert any(text.startswith("'") and text[1:] in FORMULA_PAYLOADS for text in texts)


@pytest.mark.django_db
def test_the_annual_report_is_inert(county):  # noqa: F811
    poison(Enterprise)
    poison(Worker)
    poison(SupervisionTask)
    poison(Complaint)
    report = build()
    with report.file.open("rb") as stored:
        texts = assert_no_formula(stored.read())
    assert any(text.startswith("'") and text[1:] in FORMULA_PAYLOADS for text in texts)


def test_a_dataset_export_is_inert():
    import tablib

    rows = [(payload, 1) for payload in FORMULA_PAYLOADS]
    dataset = tablib.Dataset(*rows, headers=["名称", "数"])
    assert len(assert_no_formula(xlsx_from_dataset(dataset))) == len(FORMULA_PAYLOADS) + 2
