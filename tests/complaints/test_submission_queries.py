"""The cost of a resident's valid complaint submission, in database queries."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from complaints.models import Complaint, ComplaintUpdate, Notification
from tests.complaints.test_pages import NEW, form_data
from tests.factories.registry import EnterpriseFactory, township

pytestmark = pytest.mark.django_db

# Reading the township and the enterprise chosen, the duplicate check, the case, its
# history row, its first timeline line, its acknowledgement in the outbox, and the session.
MAX_QUERIES = 10


def statements(captured) -> list[str]:
    """The statements that do work. The test runs inside a transaction of its own, which
    turns each transaction the view opens into a SAVEPOINT … RELEASE pair that a served
    request sends as BEGIN … COMMIT; those pairs are not counted."""
    return [
        query["sql"]
        for query in captured
        if not query["sql"].startswith(("SAVEPOINT", "RELEASE SAVEPOINT"))
    ]


def test_a_valid_public_submission_costs_at_most_ten_queries(client):
    enterprise = EnterpriseFactory(name="舟曲县查询计数家政服务有限公司", township=township())
    client.get(NEW)  # the form page, as a resident opens it before posting
    data = form_data(enterprise_query=enterprise.name, township=enterprise.township_id)
    with CaptureQueriesContext(connection) as captured:
        response = client.post(NEW, data)
    assert response.status_code == 302
    complaint = Complaint.objects.get()
    assert complaint.enterprise == enterprise
    assert ComplaintUpdate.objects.filter(complaint=complaint, event="received").exists()
    assert Notification.objects.filter(complaint=complaint).exists()
    done = statements(captured.captured_queries)
    listing = "\n".join(f"{i}. {sql[:200]}" for i, sql in enumerate(done))
    assert len(done) <= MAX_QUERIES, f"{len(done)} queries:\n{listing}"


def test_a_submission_naming_no_enterprise_is_refused_on_the_form(client):
    data = form_data(enterprise_query="", enterprise_choice="")
    response = client.post(NEW, data)
    assert response.status_code == 200
    assert not Complaint.objects.exists()
