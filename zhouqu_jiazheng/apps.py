from django.apps import AppConfig
from django.contrib.admin import apps as admin_apps
from django.db.models.signals import post_migrate

from core.public_sections import PUBLIC_SECTIONS, PublicSection

SECTIONS = (PublicSection("news:list", "政策与案例", "政策解读、典型案例和通知公告。", order=40),)


class ProjectConfig(AppConfig):
    """The composition root: home page, health, roles, the periodic schedule, demo data."""

    default = True
    name = "zhouqu_jiazheng"
    verbose_name = "平台"

    def ready(self) -> None:
        from registry.views import MEDIA_PERMISSIONS

        from .roles import roles_sync_after_migrate

        MEDIA_PERMISSIONS.register("zhouqu_jiazheng.view_annualreport", key="reports/")
        for section in SECTIONS:
            PUBLIC_SECTIONS.register(section)

        # Permissions rows exist only after contrib.auth's own post_migrate handler has run,
        # which is connected first because auth is installed first.
        post_migrate.connect(roles_sync_after_migrate, dispatch_uid="zhouqu_roles_sync")


class BureauAdminConfig(admin_apps.AdminConfig):
    """contrib.admin with the bureau's site, whose index is the dashboard."""

    default = False  # the project's own AppConfig stays this module's default
    default_site = "zhouqu_jiazheng.admin_site.BureauAdminSite"
