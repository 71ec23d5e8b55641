"""The cost of a resident's valid complaint submission, in database queries."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from complaints.models import Complaint, ComplaintUpdate, Notification
from core.search import frequent_trigrams
from registry.models import Enterprise
from tests.complaints.test_pages import NEW, form_data
from tests.factories.registry import EnterpriseFactory, township

pytestmark = pytest.mark.django_db

# Reading the township and the enterprise chosen, the duplicate check, the case, its
# history row, its first timeline line and its acknowledgement in the outbox; then the
# acknowledgement page reads the case. The case's id is kept in a signed cookie, so no
# session row is written or read.
MAX_QUERIES = 8


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
    # The names' frequent trigrams (core.search), read once an hour by each process.
    frequent_trigrams(Enterprise, "name")
    data = form_data(enterprise_query=enterprise.name, township=enterprise.township_id)
    with CaptureQueriesContext(connection) as captured:
        response = client.post(NEW, data)
        acknowledged = client.get(response.url)
    assert response.status_code == 302
    complaint = Complaint.objects.get()
    assert complaint.enterprise == enterprise
    assert ComplaintUpdate.objects.filter(complaint=complaint, event="received").exists()
    assert Notification.objects.filter(complaint=complaint).exists()
    assert complaint.tracking_number in acknowledged.content.decode()
    done = statements(captured.captured_queries)
    listing = "\n".join(f"{i}. {sql[:200]}" for i, sql in enumerate(done))
    assert len(done) <= MAX_QUERIES, f"{len(done)} queries:\n{listing}"
    assert not any("django_session" in sql for sql in done), listing
    # One transaction, without a savepoint inside it: a served request sends BEGIN and
    # COMMIT around it, 10 statements in all.
    pairs = [sql for sql in captured.captured_queries if sql["sql"].startswith("SAVEPOINT")]
    assert len(pairs) == 1, listing


def test_a_submission_naming_no_enterprise_is_refused_on_the_form(client):
    data = form_data(enterprise_query="", enterprise_choice="")
    response = client.post(NEW, data)
    assert response.status_code == 200
    assert not Complaint.objects.exists()
