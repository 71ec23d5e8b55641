"""The Celery application.

Settings come from Django's settings under the `CELERY_` namespace. Long jobs go to the
`bulk` queue so that a rating run or a big import never delays short tasks
(notifications, the health ping) on the `default` queue.
"""

import os

from celery import Celery
from kombu import Queue

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "zhouqu_jiazheng.settings")

app = Celery("zhouqu_jiazheng")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.conf.task_queues = (Queue("default"), Queue("bulk"))
app.autodiscover_tasks()
