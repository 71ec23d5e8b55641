"""Every page of the worker's record sees only the signed-in worker: another worker's ids
answer 404 whatever the method and change nothing; anonymous visitors, enterprise portal
accounts and staff are sent to the worker's sign-in. The pages are found from the URL conf,
so a page added later is checked without anyone remembering to."""

import pytest
import time_machine
from django.urls import reverse

from credit.models import Objection, RepairRequest
from credit.worker_urls import urlpatterns
from tests.factories.credit_workflows import PUBLISHED_AT
from tests.portal_clients import portal_client

from .worker_sign_in import OUR_MOBILE, sign_in

pytestmark = pytest.mark.django_db

OPEN = {"sign_in"}  # the only page without a signed-in worker
WITH_ID = [p.name for p in urlpatterns if "<int:pk>" in str(p.pattern)]
WITHOUT_ID = [p.name for p in urlpatterns if "<int:pk>" not in str(p.pattern)]
# Which of the other worker's objects each page with an id takes.
THEIR_OBJECT = {"rating": "their_rating", "objection_new": "their_rating"}


@pytest.fixture(autouse=True)
def clock():
    with time_machine.travel(PUBLISHED_AT, tick=False) as traveller:
        yield traveller


def their_id(name, rated_workers):
    return rated_workers[THEIR_OBJECT.get(name, "their_penalty")].pk


def test_every_page_is_checked():
    assert set(WITH_ID) == {"rating", "objection_new", "repair_new"}
    assert set(WITHOUT_ID) == {"record", "sign_in", "sign_out", "consent"}


@pytest.mark.parametrize("name", WITH_ID)
@pytest.mark.parametrize("method", ["get", "post"])
def test_another_workers_ids_answer_404_and_change_nothing(
    client, rated_workers, sms, django_capture_on_commit_callbacks, name, method
):
    sign_in(client, OUR_MOBILE, sms, django_capture_on_commit_callbacks)
    url = reverse(f"workers:{name}", args=[their_id(name, rated_workers)])
    response = getattr(client, method)(url, {"reasons": "不是我的记录"})
    assert response.status_code == 404
    assert not Objection.objects.exists() and not RepairRequest.objects.exists()


@pytest.mark.parametrize("who", ["anonymous", "portal", "staff"])
@pytest.mark.parametrize("name", WITH_ID + [n for n in WITHOUT_ID if n not in OPEN])
@pytest.mark.parametrize("method", ["get", "post"])
def test_only_a_signed_in_worker_gets_in(client, rated_workers, staff_client, name, method, who):
    visitor = {
        "anonymous": client,
        "portal": portal_client(rated_workers["ours"].employments.get().enterprise),
        "staff": staff_client,
    }[who]
    args = [rated_workers["rating"].pk if name in THEIR_OBJECT else rated_workers["penalty"].pk]
    url = reverse(f"workers:{name}", args=args if name in WITH_ID else [])
    response = getattr(visitor, method)(url, {"reasons": "x", "decision": "give"})
    if name == "sign_out" or (method == "get" and name == "consent"):
        assert response.status_code in (302, 405)
    else:
        assert response.status_code == 302
        assert response.url == reverse("workers:sign_in")
    assert not Objection.objects.exists() and not RepairRequest.objects.exists()
    assert not rated_workers["ours"].name_consents.exists()
