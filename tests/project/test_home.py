import re

import pytest
from django.urls import reverse


@pytest.mark.django_db
def test_home_explains_the_programme_in_chinese(client):
    response = client.get(reverse("home"))
    assert response.status_code == 200
    html = response.content.decode()
    assert '<html lang="zh-Hans">' in html
    assert "信易+家政" in html
    for phrase in ("一企一档、一人一档", "AAA 诚信示范", "守信激励"):
        assert phrase in html


@pytest.mark.django_db
def test_home_loads_no_asset_from_outside(client):
    html = client.get(reverse("home")).content.decode()
    sources = re.findall(r'(?:src|href)="([^"]+)"', html)
    assert sources, "the page links nothing at all"
    for source in sources:
        assert not source.startswith(("http://", "https://", "//")), source


@pytest.mark.django_db
def test_every_link_on_home_leads_to_a_page(client):
    html = client.get(reverse("home")).content.decode()
    for href in set(re.findall(r'href="(/[^"]*)"', html)):
        response = client.get(href)
        assert response.status_code == 200, href


@pytest.mark.django_db
def test_public_css_sets_a_large_base_font(client):
    from django.contrib.staticfiles import finders

    with open(finders.find("css/site.css"), encoding="utf-8") as stylesheet:
        css = stylesheet.read()
    # 112.5 % of the browser's 16 px = 18 px.
    assert re.search(r"html\s*{[^}]*font-size:\s*112\.5%", css)
