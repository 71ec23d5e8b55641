import pytest
from django.urls import reverse

from registry.dossier import ENTERPRISE, DossierSection, register_section, registered_keys
from registry.models import ServiceCategory
from tests.factories.registry import EnterpriseFactory


@pytest.mark.django_db
def test_other_apps_can_slot_a_section_into_the_dossier(client, admin_user, settings, tmp_path):
    template_dir = tmp_path / "templates"
    (template_dir / "probe").mkdir(parents=True)
    (template_dir / "probe" / "section.html").write_text("<p>信用记录：{{ count }}条</p>")
    settings.TEMPLATES = [
        {**settings.TEMPLATES[0], "DIRS": [*settings.TEMPLATES[0]["DIRS"], template_dir]}
    ]
    register_section(
        DossierSection(
            "probe",
            "信用记录",
            ENTERPRISE,
            "probe/section.html",
            lambda subject, user: {"count": 3},
            order=15,
        )  # fmt: skip
    )
    try:
        enterprise = EnterpriseFactory()
        client.force_login(admin_user)
        html = client.get(
            reverse("admin:registry_enterprise_dossier", args=[enterprise.pk])
        ).content.decode()
        assert "信用记录：3条" in html
        # Sections appear in their order: after 基本信息 (10), before 资质证照 (20).
        assert html.index('id="section-profile"') < html.index('id="section-probe"')
        assert html.index('id="section-probe"') < html.index('id="section-qualifications"')
    finally:
        from registry import dossier

        dossier.DOSSIER_SECTIONS.unregister((ENTERPRISE, "probe"))
    assert "probe" not in registered_keys(ENTERPRISE)


@pytest.mark.django_db
def test_the_standard_catalogue_is_seeded():
    names = set(ServiceCategory.objects.values_list("name", flat=True))
    assert names == {
        "日常保洁", "深度保洁", "家电清洗", "母婴护理（月嫂）", "育婴", "养老护理", "病患陪护",
        "家庭烹饪", "搬家服务",
    }  # fmt: skip
    for category in ServiceCategory.objects.all():
        assert category.standard_process and category.commitment
        assert 0 < category.guide_price_min <= category.guide_price_max


@pytest.mark.django_db
def test_staff_edit_a_guide_price_and_the_change_is_audited(client, admin_user):
    category = ServiceCategory.objects.get(code="daily-cleaning")
    client.force_login(admin_user)
    url = reverse("admin:registry_servicecategory_change", args=[category.pk])
    response = client.get(url)
    data = {
        field: value
        for field, value in response.context["adminform"].form.initial.items()
        if value is not None
    }
    data.update(guide_price_min="35", guide_price_max="55")
    response = client.post(url, data)
    assert response.status_code == 302
    category.refresh_from_db()
    assert (category.guide_price_min, category.guide_price_max) == (35, 55)
    assert category.history.first().history_user == admin_user
    data.update(guide_price_min="60", guide_price_max="55")
    response = client.post(url, data)
    assert response.status_code == 200
    assert "指导价上限不能低于下限" in response.content.decode()
