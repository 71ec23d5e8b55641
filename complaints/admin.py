from . import admin_reviews  # noqa: F401
