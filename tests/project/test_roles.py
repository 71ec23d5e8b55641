import pytest
from django.contrib.auth.models import Group, Permission

from zhouqu_jiazheng import roles


@pytest.mark.django_db
def test_the_four_roles_exist():
    assert set(Group.objects.values_list("name", flat=True)) >= set(roles.ROLES)


@pytest.mark.django_db
def test_leader_can_only_look():
    leader = Group.objects.get(name=roles.LEADER)
    codenames = list(leader.permissions.values_list("codename", flat=True))
    assert codenames, "领导 must be able to see the registers"
    assert all(code.startswith("view_") for code in codenames)
    assert leader.permissions.filter(codename="view_township").exists()


@pytest.mark.django_db
def test_credit_officer_keeps_registers_but_not_users():
    officer = Group.objects.get(name=roles.CREDIT_OFFICER)
    assert officer.permissions.filter(codename="change_township").exists()
    assert not officer.permissions.filter(content_type__app_label="auth").exists()


@pytest.mark.django_db
def test_system_admin_manages_accounts():
    admin = Group.objects.get(name=roles.SYSTEM_ADMIN)
    assert admin.permissions.filter(codename="change_user").exists()


@pytest.mark.django_db
def test_sync_is_idempotent_and_repairs_drift():
    leader = Group.objects.get(name=roles.LEADER)
    leader.permissions.add(Permission.objects.get(codename="delete_township"))
    first = roles.roles_sync()
    second = roles.roles_sync()
    assert first == second
    assert not leader.permissions.filter(codename="delete_township").exists()
