"""Every admin page, action and custom admin view, for the superuser and for every role.

The lists are enumerated from the admin site itself, so an admin, an action or a custom view
added later is checked without anyone remembering to add it here."""

import pytest
from django.contrib import admin
from django.db import connection, transaction
from django.test import RequestFactory
from django.urls import reverse

from tests.admin_county import admin_county, role_clients
from zhouqu_jiazheng import roles

# Custom admin views that only read (pages, downloads, templates, exports): a role that may
# see the model may open them, and posting to them writes nothing.
READING_VIEWS = {
    "articles_article_posters",
    "reporting_annualreport_progress",
    "reporting_annualreport_download",
    "reporting_annualreport_print",
    "registry_enterprise_dossier",
    "registry_enterprise_dossier_print",
    "registry_worker_dossier",
    "registry_worker_dossier_print",
    "registry_ledger_template",
    "registry_ledger_export",
    "credit_creditevent_import_template",
    "credit_ratingrun_progress",
    "credit_creditreport_report",
    "complaints_complaint_report",
    "incentives_dishonesty_template",
    "incentives_redemption_coverage",
    "incentives_programme_ranking",
}
STANDARD_VIEWS = {"changelist", "add", "change", "delete", "history", "autocomplete"}
WRITES = ("add", "change", "delete")


@pytest.fixture(scope="module")
def county(django_db_setup, django_db_blocker):
    """Seeded once for the module inside a transaction that is rolled back at the end; each
    test runs in a savepoint of it."""
    with django_db_blocker.unblock(), transaction.atomic():
        objects = admin_county()
        clients = role_clients()
        yield objects, clients
        transaction.set_rollback(True)


def _request(user):
    request = RequestFactory().get("/admin/")
    request.user = user
    return request


def _read_only_on(user, model) -> bool:
    opts = model._meta
    return not any(user.has_perm(f"{opts.app_label}.{w}_{opts.model_name}") for w in WRITES)


def _database_digest() -> str:
    """A fingerprint of every row of every model the admin shows (one query)."""
    tables = sorted({model._meta.db_table for model in admin.site._registry})
    rows = " UNION ALL ".join(f'SELECT md5(t::text) AS h FROM "{table}" t' for table in tables)
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT md5(string_agg(h, '' ORDER BY h)) FROM ({rows}) AS r")
        return cursor.fetchone()[0]


def _url(model, view: str, *args) -> str:
    return reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_{view}", args=args)


# --- Pages -----------------------------------------------------------------------------------


@pytest.mark.django_db
def test_every_admin_page_opens_for_the_superuser_and_every_role(county):
    objects, clients = county
    failures = []
    for who, client in clients.items():
        for model, model_admin in admin.site._registry.items():
            obj = objects[model]
            request = _request(client.user)
            pages = [_url(model, "changelist")]
            if model_admin.has_add_permission(request):
                pages.append(_url(model, "add"))
            pages += [_url(model, "change", obj.pk), _url(model, "history", obj.pk)]
            statuses = [client.get(page).status_code for page in pages]
            failures += [
                f"{who} {p}: {s}" for p, s in zip(pages, statuses, strict=True) if s >= 500
            ]
            may_see = model_admin.has_view_or_change_permission(request)
            status = statuses[0]
            if may_see and status != 200:
                failures.append(f"{who} may see {pages[0]} but got {status}")
            if not may_see and status != 403:
                failures.append(f"{who} may not see {pages[0]} but got {status}")
    assert not failures, "\n".join(failures)


@pytest.mark.django_db
def test_card_change_page_and_the_link_after_issuing_open(county):
    from registry.models import WorkerCard

    objects, clients = county
    card = objects[WorkerCard]
    for who in ("superuser", roles.CREDIT_OFFICER, roles.LEADER):
        response = clients[who].get(_url(WorkerCard, "change", card.pk))
        assert response.status_code == 200, who
        assert card.number in response.content.decode()


# --- Actions ---------------------------------------------------------------------------------


@pytest.mark.django_db
def test_every_admin_action_declares_its_permission(county):
    undeclared = [
        f"{model._meta.label}: {name}"
        for model, model_admin in admin.site._registry.items()
        for func, name, _description in model_admin._get_base_actions()
        if not getattr(func, "allowed_permissions", None)
    ]
    assert not undeclared, "actions without a declared permission:\n" + "\n".join(undeclared)


@pytest.mark.django_db
def test_roles_are_offered_only_the_actions_they_may_run_and_others_change_nothing(county):
    objects, clients = county
    failures = []
    for role in roles.ROLES:
        client = clients[role]
        user = client.user
        for model, model_admin in admin.site._registry.items():
            request = _request(user)
            offered = set(model_admin.get_actions(request))
            read_only = _read_only_on(user, model)
            for func, name, _description in model_admin._get_base_actions():
                permissions = tuple(getattr(func, "allowed_permissions", ()) or ())
                if name in offered:
                    if read_only and permissions != ("view",):
                        failures.append(f"{role} is offered {model._meta.label}.{name}")
                    continue
                before = _database_digest()
                response = client.post(
                    _url(model, "changelist"),
                    {
                        "action": name,
                        "_selected_action": [objects[model].pk],
                        "index": 0,
                        "reason": "测试",
                        "post": "yes",
                    },
                )
                if response.status_code >= 500:
                    failures.append(f"{role} {model._meta.label}.{name}: {response.status_code}")
                if _database_digest() != before:
                    failures.append(f"{role} ran {model._meta.label}.{name} without permission")
    assert not failures, "\n".join(failures)


# --- Custom admin views ----------------------------------------------------------------------


def _custom_views(objects):
    """(model, url name, url) of every admin view added through get_urls()."""
    from registry.models import Enterprise

    values = {
        "year": 2025,
        "kind": "workers",
        "enterprise_id": objects[Enterprise].pk,
    }
    for model, model_admin in admin.site._registry.items():
        prefix = f"{model._meta.app_label}_{model._meta.model_name}_"
        obj = objects[model]
        for pattern in model_admin.get_urls():
            name = pattern.name or ""
            if not name or name.removeprefix(prefix) in STANDARD_VIEWS:
                continue
            converters = getattr(pattern.pattern, "converters", None)
            if name.endswith("_simple_history"):
                version = obj.history.order_by("history_id").first()
                assert version is not None, f"{model._meta.label} {obj.pk} has no history"
                args, kwargs = [obj.pk, version.history_id], {}
            else:
                args = []
                kwargs = {
                    key: obj.pk if key in ("object_id", "pk", "id") else values[key]
                    for key in (converters or {})
                }
            yield model, name, reverse(f"admin:{name}", args=args, kwargs=kwargs)


@pytest.mark.django_db
def test_every_custom_admin_view_refuses_writes_from_a_read_only_role(county):
    objects, clients = county
    views = list(_custom_views(objects))
    assert len(views) > 40
    failures = []
    for role in roles.ROLES:
        client = clients[role]
        for model, name, url in views:
            if not _read_only_on(client.user, model):
                continue
            before = _database_digest()
            response = client.post(url, {"reason": "测试", "outcome": "approve"})
            status = response.status_code
            if status >= 500:
                failures.append(f"{role} POST {url}: {status}")
            elif name not in READING_VIEWS and status != 403:
                failures.append(f"{role} POST {url} ({name}): {status}, expected 403")
            if _database_digest() != before:
                failures.append(f"{role} POST {url} ({name}) changed the database")
    assert not failures, "\n".join(failures)
