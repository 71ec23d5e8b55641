from django.apps import AppConfig


class ReportingConfig(AppConfig):
    """The bureau's dashboard, the annual report, the honour-roll posters and the home page's
    programme panel: read through the other apps' selectors, never written there."""

    name = "reporting"
    verbose_name = "统计报告"

    def ready(self) -> None:
        from registry.views import MEDIA_PERMISSIONS

        # The annual report's workbooks: readers of the reports only.
        MEDIA_PERMISSIONS.register("reporting.view_annualreport", key="reports/")
