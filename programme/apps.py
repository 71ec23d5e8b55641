from django.apps import AppConfig


class ProgrammeConfig(AppConfig):
    """The year's work plan (工作计划) and the self-inspections (工作自查)."""

    name = "programme"
    verbose_name = "工作计划与自查"

    def ready(self) -> None:
        from core import page_cache
        from registry.views import MEDIA_PERMISSIONS

        from . import inbox_sources
        from .models import PlanPhase, WorkPlan

        page_cache.bump_on_change([page_cache.HOME], WorkPlan, PlanPhase)

        # Self-inspection evidence: staff who may read the self-inspections.
        MEDIA_PERMISSIONS.register("programme.view_selfinspection", key="programme/")
        inbox_sources.register()
