"""Deleting in the incentives back office goes through the service, which records who."""

import pytest
from django.contrib.auth.models import Group
from django.urls import reverse

from incentives.models import SpecialGroup
from zhouqu_jiazheng import roles

pytestmark = pytest.mark.django_db


def test_the_delete_action_records_who_deleted(client, django_user_model):
    roles.roles_sync()
    officer = django_user_model.objects.create_user("xy", password="pw-Test-123", is_staff=True)
    officer.groups.add(Group.objects.get(name=roles.CREDIT_OFFICER))
    client.force_login(officer)
    group = SpecialGroup.objects.create(code="test-group", name="测试群体")
    response = client.post(
        reverse("admin:incentives_specialgroup_changelist"),
        {"action": "delete_selected", "_selected_action": [group.pk], "post": "yes"},
    )
    assert response.status_code == 302
    assert not SpecialGroup.objects.filter(pk=group.pk).exists()
    deleted = SpecialGroup.history.filter(id=group.pk, history_type="-").get()
    assert deleted.history_user == officer
