"""The demo county behind `manage.py seed_demo` (and `make run`).

Each app contributes its own demo data; this module only orders them. Everything is
idempotent: seeding twice leaves the same rows.
"""

from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.db import transaction

from complaints.demo import complaints_demo_seed
from credit.demo import credit_demo_seed
from incentives.demo import incentives_demo_seed
from registry.demo import registry_demo_seed

from . import roles

# Printed by seed_demo, which refuses to run in production without --force.
DEMO_PASSWORD = "Zhouqu-2025"  # noqa: S105


@dataclass(frozen=True)
class DemoAccount:
    username: str
    full_name: str
    role: str | None
    superuser: bool = False


DEMO_ACCOUNTS = (
    DemoAccount("admin", "系统管理员", roles.SYSTEM_ADMIN, superuser=True),
    DemoAccount("xinyong", "信用股 杨卓玛", roles.CREDIT_OFFICER),
    DemoAccount("tousu", "投诉受理 王建国", roles.COMPLAINT_OFFICER),
    DemoAccount("lingdao", "分管领导 扎西", roles.LEADER),
)


@transaction.atomic
def demo_accounts_seed() -> list[DemoAccount]:
    User = get_user_model()
    for account in DEMO_ACCOUNTS:
        user, created = User.objects.get_or_create(
            username=account.username,
            defaults={
                "first_name": account.full_name,
                "is_staff": True,
                "is_superuser": account.superuser,
            },
        )
        if created:
            user.set_password(DEMO_PASSWORD)
            user.save(update_fields=["password"])
        if account.role:
            user.groups.add(Group.objects.get(name=account.role))
    return list(DEMO_ACCOUNTS)


def demo_seed(*, stdout=None) -> list[DemoAccount]:
    roles.roles_sync()
    accounts = demo_accounts_seed()
    created = registry_demo_seed()
    rated = credit_demo_seed()
    incentives = incentives_demo_seed()
    complaints = complaints_demo_seed()
    if stdout is not None:
        stdout.write(
            f"档案：新增企业 {created['enterprises']} 家、从业人员 {created['workers']} 人。"
        )
        for year, count in rated.items():
            stdout.write(f"信用评价：{year}年度评价 {count} 个主体。")
        stdout.write(
            f"守信激励：企业参与 {incentives['participations']} 项次、登记居民 "
            f"{incentives['residents']} 人、优惠核销 {incentives['redemptions']} 次。"
        )
        stdout.write(
            f"投诉与评价：新增投诉 {complaints['complaints']} 件、"
            f"服务评价 {complaints['reviews']} 条。"
        )
    return accounts
