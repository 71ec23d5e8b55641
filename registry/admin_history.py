"""The admin's change history (历史), shared by every register and workflow admin.

History is a record of who changed what: it is read, never written back. Reverting a record
to an older version from its history page would bypass the services (their rules, their
audit and the roles' permissions), so the version pages only show and refuse posts."""

from django.core.exceptions import PermissionDenied
from simple_history.admin import SimpleHistoryAdmin


class HistoryAdmin(SimpleHistoryAdmin):
    def revert_disabled(self, request, obj=None):
        return True

    def history_form_view(self, request, object_id, version_id, extra_context=None):
        if request.method != "GET":
            raise PermissionDenied
        return super().history_form_view(request, object_id, version_id, extra_context)
