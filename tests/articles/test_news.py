"""Publicity articles: drafts stay private, /news/ lists and filters, the home page shows the
latest articles, the honour-roll highlights and the programme's key facts."""

import datetime
import io
import re

import pytest
from django.contrib.auth.models import Group
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone
from PIL import Image

from articles import services
from articles.models import Article
from tests.factories.incentives import grade
from tests.factories.registry import EmploymentFactory, EnterpriseFactory, WorkerFactory
from zhouqu_jiazheng import roles

pytestmark = pytest.mark.django_db


def article(*, published: bool = True, kind=Article.Kind.CASE, days_ago: int = 0, **fields):
    item = Article.objects.create(
        title=fields.pop("title", "诚信经营的好榜样"),
        kind=kind,
        summary=fields.pop("summary", "一家家政企业的守信故事。"),
        body=fields.pop("body", "第一段。\n\n第二段。"),
        **fields,
    )
    if published:
        services.article_publish(actor=None, article=item)
        Article.objects.filter(pk=item.pk).update(
            published_at=timezone.now() - datetime.timedelta(days=days_ago)
        )
        item.refresh_from_db()
    return item


def png_upload(name="cover.png") -> SimpleUploadedFile:
    buffer = io.BytesIO()
    Image.new("RGB", (40, 30), (200, 30, 30)).save(buffer, format="PNG")
    return SimpleUploadedFile(name, buffer.getvalue(), content_type="image/png")


def test_a_draft_is_not_public(client):
    draft = article(published=False, title="尚未审定的草稿")
    assert client.get(reverse("news:detail", args=[draft.pk])).status_code == 404
    assert "尚未审定的草稿" not in client.get(reverse("news:list")).content.decode()
    assert "尚未审定的草稿" not in client.get(reverse("home")).content.decode()


def test_publishing_dates_the_article_and_unpublishing_hides_it_again(client):
    item = article(published=False)
    services.article_publish(actor=None, article=item)
    item.refresh_from_db()
    assert item.status == Article.Status.PUBLISHED and item.published_at is not None
    assert client.get(item.get_absolute_url()).status_code == 200

    first_published = item.published_at
    services.article_unpublish(actor=None, article=item)
    assert client.get(item.get_absolute_url()).status_code == 404
    services.article_publish(actor=None, article=item)
    item.refresh_from_db()
    assert item.published_at == first_published
    with pytest.raises(ValidationError):
        services.article_publish(actor=None, article=item)


def test_list_is_newest_first_and_filters_by_kind(client):
    article(title="旧的案例", days_ago=10)
    article(title="新的政策解读", kind=Article.Kind.POLICY, days_ago=1)
    article(title="放假通知", kind=Article.Kind.NOTICE, days_ago=3)

    html = client.get(reverse("news:list")).content.decode()
    positions = [html.index(t) for t in ("新的政策解读", "放假通知", "旧的案例")]
    assert positions == sorted(positions)

    policy = client.get(reverse("news:list"), {"kind": "policy"}).content.decode()
    assert "新的政策解读" in policy
    assert "旧的案例" not in policy and "放假通知" not in policy
    # An unknown kind lists everything instead of failing.
    assert "旧的案例" in client.get(reverse("news:list"), {"kind": "bogus"}).content.decode()


def test_list_paginates(client):
    for n in range(12):
        article(title=f"第{n:02d}号通知", kind=Article.Kind.NOTICE, days_ago=n)
    first = client.get(reverse("news:list")).content.decode()
    second = client.get(reverse("news:list"), {"page": 2}).content.decode()
    assert "第00号通知" in first and "第11号通知" not in first
    assert "第11号通知" in second and "第00号通知" not in second
    assert "第2页，共2页" in second


def test_detail_renders_plain_text_paragraphs_and_escapes_html(client):
    item = article(body="第一段文字。\n\n<script>alert(1)</script>第二段。")
    html = client.get(item.get_absolute_url()).content.decode()
    assert "<p>第一段文字。</p>" in html
    assert "<script>alert(1)</script>" not in html
    assert "&lt;script&gt;" in html


def test_cover_is_stripped_of_metadata_and_served_only_while_published(client):
    item = Article(title="有封面的案例", kind=Article.Kind.CASE, body="正文", cover=png_upload())
    services.article_save(actor=None, article=item)
    services.article_publish(actor=None, article=item)
    cover_url = reverse("news:cover", args=[item.pk])
    assert cover_url in client.get(item.get_absolute_url()).content.decode()
    response = client.get(cover_url)
    assert response.status_code == 200
    assert b"".join(response.streaming_content).startswith(b"\x89PNG")

    services.article_unpublish(actor=None, article=item)
    assert client.get(cover_url).status_code == 404


def test_a_cover_must_be_an_image():
    fake = SimpleUploadedFile("cover.png", b"%PDF-1.7 not an image", content_type="image/png")
    with pytest.raises(ValidationError):
        services.article_save(
            actor=None, article=Article(title="坏封面", kind="case", body="正文", cover=fake)
        )


def test_home_links_the_news_section(client):
    html = client.get(reverse("home")).content.decode()
    assert f'href="{reverse("news:list")}"' in html


def test_home_shows_articles_highlights_and_key_facts_in_bounded_queries(
    client, django_assert_max_num_queries
):
    for n in range(6):
        article(title=f"案例{n}", days_ago=n)
    honoured = EnterpriseFactory(name="舟曲县巾帼家政服务有限公司")
    grade(honoured, "AAA")
    grade(EnterpriseFactory(name="普通家政公司"), "A")
    worker = WorkerFactory(name="扎西卓玛")
    EmploymentFactory(worker=worker, enterprise=honoured)
    grade(worker, "AAA")
    for _ in range(3):
        EnterpriseFactory()

    with django_assert_max_num_queries(12):
        html = client.get(reverse("home")).content.decode()

    # The newest four articles, newest first.
    assert "案例0" in html and "案例3" in html and "案例4" not in html
    # Honour-roll highlights: the AAA enterprise, the worker's masked name only.
    assert "舟曲县巾帼家政服务有限公司" in html
    assert "扎**玛" in html and "扎西卓玛" not in html
    assert "普通家政公司" not in html
    # Key facts: 5 enterprises and 1 worker registered; 2025: 3 rated, 1 AAA enterprise.
    facts = re.sub(r"\s+", " ", html.split('id="key-facts-title"')[1].split("</section>")[0])
    values = re.findall(r'key-fact-value">(\d+)<', facts)
    assert values == ["5", "1", "3", "1"]
    assert "2025年度" in facts

    # The panel is cached: a second view does not count the registers again.
    with django_assert_max_num_queries(4):
        client.get(reverse("home"))


def test_home_without_ratings_or_articles_still_renders(client):
    html = client.get(reverse("home")).content.decode()
    assert "工作进展" in html
    assert "诚信红榜" in html  # the section link, not a highlight box
    assert "honor-box" not in html


def test_credit_officer_edits_articles_and_leader_only_reads(client, django_user_model):
    roles.roles_sync()
    officer = django_user_model.objects.create_user("xinyong", password="x", is_staff=True)
    officer.groups.add(Group.objects.get(name=roles.CREDIT_OFFICER))
    leader = django_user_model.objects.create_user("lingdao", password="x", is_staff=True)
    leader.groups.add(Group.objects.get(name=roles.LEADER))
    item = article(published=False, title="待发布的通知")

    client.force_login(officer)
    response = client.post(
        reverse("admin:articles_article_changelist"),
        {"action": "publish", "_selected_action": [item.pk]},
    )
    assert response.status_code == 302
    item.refresh_from_db()
    assert item.status == Article.Status.PUBLISHED
    assert item.history.first().history_user == officer

    client.force_login(leader)
    change_url = reverse("admin:articles_article_change", args=[item.pk])
    assert client.get(change_url).status_code == 200  # view only
    response = client.post(change_url, {"title": "改标题", "kind": "notice", "body": "x"})
    assert response.status_code == 403
    response = client.post(
        reverse("admin:articles_article_changelist"),
        {"action": "unpublish", "_selected_action": [item.pk]},
    )
    item.refresh_from_db()
    assert item.status == Article.Status.PUBLISHED and item.title == "待发布的通知"
    assert client.get(reverse("admin:articles_article_add")).status_code == 403


def test_admin_creates_an_article_with_its_author(staff_client):
    response = staff_client.post(
        reverse("admin:articles_article_add"),
        {"title": "家政服务合同示范文本解读", "kind": "policy", "summary": "", "body": "正文"},
    )
    assert response.status_code == 302
    item = Article.objects.get()
    assert item.author == staff_client.user
    assert item.status == Article.Status.DRAFT
