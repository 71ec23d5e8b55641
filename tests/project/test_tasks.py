import pytest

from zhouqu_jiazheng.models import WorkerHeartbeat
from zhouqu_jiazheng.tasks import ping


@pytest.mark.django_db
def test_ping_counts_heartbeats_per_host():
    assert ping.delay(hostname="w1").get() == "pong"
    ping.delay(hostname="w1")
    assert WorkerHeartbeat.objects.get(hostname="w1").pings == 2
