"""Incentives' waiting work on the dashboard's inbox (core.inbox): residents registered
online and special-group proofs waiting for staff."""

from django.db.models import Q

from core.inbox import INBOX_SOURCES, InboxSource

from .models import GroupMembership, Resident


def register() -> None:
    INBOX_SOURCES.register(
        InboxSource(
            "online_residents",
            70,
            Resident,
            "居民网上登记待核实",
            lambda today: Q(source=Resident.Source.ONLINE, verified_at__isnull=True),
            {"source__exact": Resident.Source.ONLINE, "verified_at__isempty": "1"},
            note="核对姓名与身份证号后，在列表中勾选“核实所选居民”",
        )
    )
    INBOX_SOURCES.register(
        InboxSource(
            "group_memberships",
            71,
            GroupMembership,
            "特殊群体认定待核实",
            lambda today: Q(status=GroupMembership.Status.PENDING),
            {"status__exact": GroupMembership.Status.PENDING},
            note="查看证明材料后核实或填写原因退回",
        )
    )
