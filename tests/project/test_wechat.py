"""WeChat's in-app browser: every public page answers its user agent as it answers any
other browser (WeChat is told apart only to show hints), and nothing relies on what it does
not do: no new windows (target="_blank", window.open)."""

import re
from pathlib import Path

import pytest
from django.conf import settings

from tests.incentives.test_pages import county  # noqa: F401 (fixture)
from tests.project.test_redis_down import county_objects, sample_urls  # noqa: F401 (fixture)
from tests.user_agents import WECHAT

pytestmark = pytest.mark.django_db

NEW_WINDOW = re.compile(r"""target\s*=\s*["']?_blank|window\.open\s*\(""")


def test_every_public_page_answers_wechat_as_any_browser_and_opens_no_window(
    client,
    county_objects,  # noqa: F811
):
    urls = sample_urls(*county_objects)
    assert len(urls) > 25
    for url in urls:
        plain = client.get(url)
        wechat = client.get(url, HTTP_USER_AGENT=WECHAT)
        assert wechat.status_code == plain.status_code, url
        assert wechat.status_code < 500, url
        if "text/html" in wechat.get("Content-Type", ""):
            html = wechat.content.decode()
            assert not NEW_WINDOW.search(html), url
            assert "您正在微信中浏览" not in plain.content.decode(), url


def test_the_sites_scripts_open_no_window():
    scripts = list((Path(settings.BASE_DIR) / "static" / "js").rglob("*.js"))
    assert scripts
    for script in scripts:
        assert not NEW_WINDOW.search(script.read_text(encoding="utf-8")), script
