from django.apps import AppConfig


class ArticlesConfig(AppConfig):
    """Publicity articles (宣传): typical cases, policy explanations and notices."""

    name = "articles"
    verbose_name = "宣传"
