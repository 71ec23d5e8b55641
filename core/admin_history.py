"""The admin's change history (历史), shared by every register and workflow admin.

History is a record of who changed what: it is read, never written back. Reverting a record
to an older version from its history page would bypass the services (their rules, their
audit and the roles' permissions), so the version pages only show and refuse posts.

Changes are shown as staff read them: a choice by its label, a yes/no field as 是/否, an
empty value as 空, dates and times in local time (Asia/Shanghai)."""

import datetime

from django.core.exceptions import PermissionDenied
from django.utils import timezone
from simple_history.admin import SimpleHistoryAdmin
from simple_history.template_utils import HistoricalRecordContextHelper

EMPTY = "空"


def history_value(field, value) -> object:
    """A stored value of `field` as staff read it."""
    if value is None or value == "":
        return EMPTY
    if isinstance(value, bool):
        return "是" if value else "否"
    if getattr(field, "flatchoices", None):
        return dict(field.flatchoices).get(value, value)
    if isinstance(value, datetime.datetime):
        if timezone.is_aware(value):
            value = timezone.localtime(value)
        return f"{value:%Y-%m-%d %H:%M}"
    if isinstance(value, datetime.date):
        return f"{value:%Y-%m-%d}"
    return value


class ReadableHistoryHelper(HistoricalRecordContextHelper):
    def prepare_delta_change_value(self, change, value):
        value = super().prepare_delta_change_value(change, value)
        if isinstance(value, list):
            return value or [EMPTY]
        return history_value(self.model._meta.get_field(change.field), value)


class HistoryAdmin(SimpleHistoryAdmin):
    object_history_list_template = "admin/history/object_history_list.html"

    def revert_disabled(self, request, obj=None):
        return True

    def get_historical_record_context_helper(self, request, historical_record):
        return ReadableHistoryHelper(self.model, historical_record)

    def history_form_view(self, request, object_id, version_id, extra_context=None):
        if request.method != "GET":
            raise PermissionDenied
        return super().history_form_view(request, object_id, version_id, extra_context)
