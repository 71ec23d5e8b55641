from django.apps import AppConfig


class ReviewsConfig(AppConfig):
    name = "reviews"
    verbose_name = "服务评价"

    def ready(self) -> None:
        from . import dossier_sections, report_sections

        dossier_sections.register()
        report_sections.register()
