"""The credit pledge (信用承诺书): staff publish versions, an enterprise signs the version in
force in the portal (who, when, which version), a new version asks it to sign again, a
signature is never edited, and a serious negative credit record of an enterprise that signed
is a breach of its pledge — marked revoked when the record is revoked."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from credit.models import EventKind, PledgeBreach, PledgeSignature, PledgeText, Severity
from credit.selectors_pledges import pledge_status
from credit.services import credit_event_record, credit_event_revoke
from credit.services.pledges import pledge_publish, pledge_sign
from credit.services.repair import credit_event_mark_repaired
from registry.models import Enterprise
from tests.factories.registry import EnterpriseFactory
from tests.portal_clients import portal_client

pytestmark = pytest.mark.django_db

BODY = "一、依法诚信经营。\n二、明码标价。\n三、持证上岗。"


@pytest.fixture
def staff(django_user_model):
    return django_user_model.objects.create_user("xinyong-pledge", is_staff=True)


@pytest.fixture
def first(staff):
    return pledge_publish(actor=staff, title="家政服务企业信用承诺书", body=BODY)


def sign(enterprise, pledge, actor=None, name="王秀兰"):
    return pledge_sign(
        actor=actor, enterprise=enterprise, pledge=pledge, signer_name=name, agreed=True
    )


def serious_penalty(enterprise, staff, day=None, **kwargs):
    return credit_event_record(
        actor=staff,
        kind=kwargs.pop("kind", EventKind.PENALTY),
        severity=kwargs.pop("severity", Severity.SERIOUS),
        occurred_on=day or timezone.localdate(),
        title="无证经营被行政处罚",
        enterprise=enterprise,
        **kwargs,
    )


# --- Versions ------------------------------------------------------------------------------


def test_each_publication_is_a_new_version_and_the_old_one_stays_as_it_was(staff, first):
    second = pledge_publish(
        actor=staff, title="家政服务企业信用承诺书（修订）", body=BODY + "\n四、保护隐私。"
    )

    assert (first.version, second.version) == (1, 2)
    assert PledgeText.objects.current() == second
    first.refresh_from_db()
    assert first.title == "家政服务企业信用承诺书" and first.body == BODY
    assert second.history.first().history_user == staff


@pytest.mark.parametrize(
    ("title", "body", "message"),
    [("", BODY, "请填写承诺书标题。"), ("承诺书", "  ", "请填写承诺内容。")],
)
def test_a_version_needs_a_title_and_a_text(staff, title, body, message):
    with pytest.raises(ValidationError) as refused:
        pledge_publish(actor=staff, title=title, body=body)
    assert message in refused.value.messages
    assert not PledgeText.objects.exists()


# --- Signing -------------------------------------------------------------------------------


def test_signing_binds_the_version_in_force_with_who_and_when(first):
    client = portal_client()
    signature = sign(client.enterprise, first, actor=client.account.user)

    assert signature.pledge == first
    assert signature.signed_by == client.account.user
    assert signature.signer_name == "王秀兰"
    assert abs(signature.signed_at - timezone.now()) < datetime.timedelta(minutes=1)
    assert signature.history.first().history_user == client.account.user
    assert not pledge_status(client.enterprise).needs_signature


def test_a_new_version_asks_the_enterprise_to_sign_again_and_keeps_the_old_signature(staff, first):
    enterprise = EnterpriseFactory()
    old = sign(enterprise, first)
    second = pledge_publish(actor=staff, title="信用承诺书（第二版）", body=BODY)

    status = pledge_status(enterprise)
    assert status.needs_signature and status.latest == old and status.signature is None
    with pytest.raises(ValidationError, match="已更新为第2版"):
        sign(enterprise, first)  # the stale version is no longer signed
    new = sign(enterprise, second)
    assert pledge_status(enterprise).signature == new
    assert set(PledgeSignature.objects.filter(enterprise=enterprise)) == {old, new}
    old.refresh_from_db()
    assert old.pledge == first


def test_a_signature_is_never_made_twice_nor_edited(first):
    enterprise = EnterpriseFactory()
    signature = sign(enterprise, first)
    with pytest.raises(ValidationError, match="已签署第1版"):
        sign(enterprise, first, name="另一个人")
    assert PledgeSignature.objects.get(enterprise=enterprise).signer_name == "王秀兰"
    assert signature.history.count() == 1


@pytest.mark.parametrize(
    ("name", "agreed", "message"),
    [
        ("王", True, "请填写签署人姓名（至少两个字）。"),
        ("王秀兰", False, "请勾选“我已阅读并承诺”。"),
    ],
)
def test_a_signature_needs_a_name_and_the_tick(first, name, agreed, message):
    with pytest.raises(ValidationError) as refused:
        pledge_sign(
            actor=None,
            enterprise=EnterpriseFactory(),
            pledge=first,
            signer_name=name,
            agreed=agreed,
        )
    assert message in refused.value.messages


def test_no_signature_without_a_published_text_or_by_a_closed_enterprise(first):
    closed = EnterpriseFactory(business_status=Enterprise.BusinessStatus.SUSPENDED)
    with pytest.raises(ValidationError, match="歇业"):
        sign(closed, first)
    PledgeText.objects.all().delete()
    with pytest.raises(ValidationError, match="尚未发布"):
        sign(EnterpriseFactory(), None)


# --- Breaches ------------------------------------------------------------------------------


def test_a_serious_negative_record_after_signing_is_a_breach_of_the_pledge(staff, first):
    enterprise = EnterpriseFactory()
    signature = sign(enterprise, first)
    event = serious_penalty(enterprise, staff)

    breach = PledgeBreach.objects.get(event=event)
    assert breach.signature == signature and not breach.is_revoked
    assert breach.history.first().history_user == staff


@pytest.mark.parametrize("case", ["general", "positive", "unsigned", "before_signing", "worker"])
def test_other_records_are_no_breach(staff, first, case):
    enterprise = EnterpriseFactory()
    if case != "unsigned":
        sign(enterprise, first)
    if case == "general":
        serious_penalty(enterprise, staff, severity=Severity.GENERAL)
    elif case == "positive":
        serious_penalty(enterprise, staff, kind=EventKind.AWARD)
    elif case == "unsigned":
        serious_penalty(enterprise, staff)
    elif case == "before_signing":
        serious_penalty(enterprise, staff, day=timezone.localdate() - datetime.timedelta(days=3))
    else:
        from tests.factories.registry import WorkerFactory

        credit_event_record(
            actor=staff,
            kind=EventKind.PENALTY,
            severity=Severity.SERIOUS,
            occurred_on=timezone.localdate(),
            title="个人违规",
            worker=WorkerFactory(),
        )
    assert not PledgeBreach.objects.exists()


def test_revoking_the_record_marks_the_breach_revoked_and_restoring_it_unmarks_it(staff, first):
    enterprise = EnterpriseFactory()
    sign(enterprise, first)
    event = serious_penalty(enterprise, staff, source_ref="complaints.Complaint:7")

    credit_event_revoke(actor=staff, event=event, reason="复议撤销")
    breach = PledgeBreach.objects.get(event=event)
    assert breach.is_revoked

    # The source fact comes back (recorded again): so does the breach, not a second one.
    serious_penalty(enterprise, staff, source_ref="complaints.Complaint:7")
    breach.refresh_from_db()
    assert not breach.is_revoked and PledgeBreach.objects.count() == 1


def test_a_repaired_record_keeps_its_breach_but_the_profile_no_longer_shows_it(
    client, staff, first
):
    enterprise = EnterpriseFactory()
    sign(enterprise, first)
    event = serious_penalty(enterprise, staff)
    profile = reverse("enterprises:profile", args=[enterprise.pk])
    assert "违背承诺记录" in client.get(profile).content.decode()

    credit_event_mark_repaired(actor=staff, event=event, reason="已整改")
    assert PledgeBreach.objects.filter(event=event, revoked_at__isnull=True).exists()
    assert "违背承诺记录" not in client.get(profile).content.decode()


# --- Pages ---------------------------------------------------------------------------------


def test_the_enterprise_reads_and_signs_the_pledge_in_the_portal(first):
    client = portal_client()
    url = reverse("portal:credit_pledge")
    home = client.get(reverse("portal:home")).content.decode()
    assert "尚未签署信用承诺书" in home and url in home

    page = client.get(url).content.decode()
    assert "家政服务企业信用承诺书（第1版）" in page and "明码标价" in page

    refused = client.post(url, {"version": 1, "signer_name": "王秀兰"})
    assert refused.status_code == 200
    assert "请勾选“我已阅读并承诺”。" in refused.content.decode()
    assert not PledgeSignature.objects.exists()

    response = client.post(url, {"version": 1, "signer_name": "王秀兰", "agreed": "on"})
    assert response.status_code == 302
    signature = PledgeSignature.objects.get()
    assert signature.enterprise == client.enterprise and signature.signed_by == client.account.user
    page = client.get(url).content.decode()
    assert "已于" in page and "签署人：王秀兰" in page
    assert "尚未签署" not in client.get(reverse("portal:home")).content.decode()


def test_the_portal_home_asks_to_sign_again_after_a_new_version(staff, first):
    client = portal_client()
    sign(client.enterprise, first)
    assert "已更新" not in client.get(reverse("portal:home")).content.decode()
    pledge_publish(actor=staff, title="信用承诺书（第二版）", body=BODY)
    home = client.get(reverse("portal:home")).content.decode()
    assert "信用承诺书已更新为第2版" in home and reverse("portal:credit_pledge") in home
    page = client.get(reverse("portal:credit_pledge")).content.decode()
    assert "本企业签署的是第1版" in page and "签署承诺书" in page


def test_a_version_published_while_reading_is_not_signed_blindly(staff, first):
    client = portal_client()
    pledge_publish(actor=staff, title="信用承诺书（第二版）", body=BODY)
    response = client.post(
        reverse("portal:credit_pledge"), {"version": 1, "signer_name": "王秀兰", "agreed": "on"}
    )
    assert response.status_code == 200
    assert "已更新为第2版" in response.content.decode()
    assert not PledgeSignature.objects.exists()


def test_the_portal_page_needs_a_portal_login(admin_user, first):
    url = reverse("portal:credit_pledge")
    response = Client().get(url)
    assert response.status_code == 302 and response.url.startswith("/portal/login/")
    staff_client = Client()
    staff_client.force_login(admin_user)
    assert staff_client.get(url).status_code == 403


def test_the_profile_shows_the_signed_pledge_and_whether_it_is_the_current_one(
    client, staff, first
):
    enterprise = EnterpriseFactory()
    profile = reverse("enterprises:profile", args=[enterprise.pk])
    assert "尚未签署信用承诺书" in client.get(profile).content.decode()

    sign(enterprise, first)
    page = client.get(profile).content.decode()
    assert "（第1版），为现行版本" in page and "明码标价" in page

    pledge_publish(actor=staff, title="信用承诺书（第二版）", body=BODY)
    assert "尚未签署最新版本" in client.get(profile).content.decode()


# --- Back office ---------------------------------------------------------------------------


def test_staff_publish_a_new_version_from_the_admin_and_list_signatures(admin_client, first):
    old_only = EnterpriseFactory(name="只签了旧版的家政公司")
    sign(old_only, first)
    both = EnterpriseFactory(name="两版都签了的家政公司")
    sign(both, first)
    add = reverse("admin:credit_pledgetext_add")
    form = admin_client.get(add).content.decode()
    assert "明码标价" in form  # a new version starts from the text in force
    response = admin_client.post(
        add, {"title": "信用承诺书（修订）", "body": BODY + "\n四、接受监督。"}
    )
    assert response.status_code == 302
    second = PledgeText.objects.current()
    assert second.version == 2 and second.published_by is not None
    first.refresh_from_db()
    assert first.body == BODY

    sign(both, second)
    listing = reverse("admin:credit_pledgesignature_changelist")
    page = admin_client.get(listing, {"current": "no"}).content.decode()
    assert "只签了旧版的家政公司" in page and "两版都签了的家政公司" not in page
    assert admin_client.get(reverse("admin:credit_pledgebreach_changelist")).status_code == 200
    change = reverse("admin:credit_pledgetext_change", args=[first.pk])
    assert admin_client.post(change, {"title": "改", "body": "改"}).status_code == 403
