from django.apps import AppConfig


class DemoConfig(AppConfig):
    """The demo county (`manage.py seed_demo`): each app's demo data, seeded in the order the
    programme's story happened. No production app imports it."""

    name = "demo"
    verbose_name = "演示数据"
