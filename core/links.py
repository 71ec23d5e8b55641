"""Absolute addresses for what leaves the screen: QR codes on printed cards and posters,
links handed to new portal users.

With `SITE_URL` set (e.g. https://jiazheng.zhouqu.gov.cn) every such address uses it, so a
card printed from an office PC that reached the site by an internal address still opens for
a resident on the street. Without it the address the page was requested at is used.
"""

from django.conf import settings


def absolute_url(request, path: str) -> str:
    if settings.SITE_URL:
        return settings.SITE_URL.rstrip("/") + path
    return request.build_absolute_uri(path)


def absolute_url_builder(request):
    """`absolute_url` bound to `request`, for code that takes a path → URL function."""
    return lambda path: absolute_url(request, path)
