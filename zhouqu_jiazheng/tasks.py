import socket

from celery import shared_task

from .services import heartbeat_record


@shared_task(name="zhouqu_jiazheng.tasks.ping", soft_time_limit=20, time_limit=30)
def ping(hostname: str | None = None) -> str:
    """Prove the wiring: broker → worker → database."""
    heartbeat_record(hostname=hostname or socket.gethostname())
    return "pong"
