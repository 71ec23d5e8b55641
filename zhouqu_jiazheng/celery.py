"""The Celery application.

Settings come from Django's settings under the `CELERY_` namespace. Long jobs go to the
`bulk` queue so that a rating run or a big import never delays short tasks
(notifications, the health ping) on the `default` queue.
"""

import os

from celery import Celery
from kombu import Exchange, Queue

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "zhouqu_jiazheng.settings")

app = Celery("zhouqu_jiazheng")
app.config_from_object("django.conf:settings", namespace="CELERY")
# Each queue has its own exchange and routing key: declared bare, both would be bound to the
# default exchange with the same key and every task would be delivered to both.
app.conf.task_queues = (
    Queue("default", Exchange("default", type="direct"), routing_key="default"),
    Queue("bulk", Exchange("bulk", type="direct"), routing_key="bulk"),
)
app.conf.task_default_exchange = "default"
app.conf.task_default_routing_key = "default"
app.autodiscover_tasks()
