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


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("today", "current"),
    [("2027-02-14", "动员部署"), ("2028-06-01", "全面推进"), ("2031-11-20", "总结提升")],
)
def test_home_work_plan_is_this_years_with_the_current_phase(client, today, current):
    import time_machine

    with time_machine.travel(f"{today} 10:00 +0800", tick=False):
        html = client.get(reverse("home")).content.decode()
    year = today[:4]
    assert f"{year}年工作安排" in html
    assert re.findall(r"(20\d\d)年工作安排", html) == [year]
    marked = re.findall(r'<li class="phase-current"[^>]*><span class="phase-name">([^<（]+)', html)
    assert marked == [current]


def test_no_template_names_a_fixed_year():
    """Pages follow the current year: a year written into a template goes stale."""
    from pathlib import Path

    from django.conf import settings

    root = Path(settings.BASE_DIR)
    templates = [
        path
        for path in root.rglob("*.html")
        if ".venv" not in path.parts and "node_modules" not in path.parts
    ]
    assert templates
    for path in templates:
        text = path.read_text(encoding="utf-8")
        assert not re.search(r"20[2-9]\d年", text), path
