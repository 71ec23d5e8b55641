from django.apps import AppConfig
from django.contrib.admin import apps as admin_apps
from django.db.models.signals import post_migrate


class ProjectConfig(AppConfig):
    """The composition root: home page, health, roles, the periodic schedule."""

    default = True
    name = "zhouqu_jiazheng"
    verbose_name = "平台"

    def ready(self) -> None:
        from .roles import roles_sync_after_migrate

        # Permissions rows exist only after contrib.auth's own post_migrate handler has run,
        # which is connected first because auth is installed first.
        post_migrate.connect(roles_sync_after_migrate, dispatch_uid="zhouqu_roles_sync")


class BureauAdminConfig(admin_apps.AdminConfig):
    """contrib.admin with the bureau's site, whose index is the dashboard."""

    default = False  # the project's own AppConfig stays this module's default
    default_site = "zhouqu_jiazheng.admin_site.BureauAdminSite"
