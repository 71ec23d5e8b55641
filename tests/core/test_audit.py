from pathlib import Path

import pytest

from core.audit import audited_delete, audited_save, history_user
from tests.factories.registry import EnterpriseFactory

ROOT = Path(__file__).resolve().parents[2]
SKIPPED = {".venv", ".tools", ".git", "node_modules"}


def _sources():
    for path in ROOT.rglob("*.py"):
        parts = set(path.relative_to(ROOT).parts)
        if not parts & SKIPPED:
            yield path


def test_only_core_audit_attributes_history_rows():
    attribute = "_history" + "_user"  # not itself a hit of the scan
    found = [
        str(path.relative_to(ROOT))
        for path in _sources()
        if path != ROOT / "core" / "audit.py" and attribute in path.read_text(encoding="utf-8")
    ]
    assert found == []


@pytest.mark.django_db
def test_audited_save_records_the_actor_and_the_reason(django_user_model):
    officer = django_user_model.objects.create_user("officer", is_staff=True)
    enterprise = EnterpriseFactory()
    enterprise.phone = "0941-5121234"
    audited_save(enterprise, actor=officer, update_fields=["phone"], reason="x" * 150)
    record = enterprise.history.latest()
    assert record.history_user == officer
    assert record.history_change_reason == "x" * 100


@pytest.mark.django_db
def test_an_actor_without_a_user_is_recorded_as_nobody(django_user_model):
    from django.contrib.auth.models import AnonymousUser

    assert history_user(AnonymousUser()) is None
    assert history_user(None) is None
    enterprise = EnterpriseFactory()
    pk = enterprise.pk
    audited_delete(enterprise, actor=AnonymousUser())
    deleted = type(enterprise).history.get(id=pk, history_type="-")
    assert deleted.history_user is None
