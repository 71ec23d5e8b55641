"""`make run`'s set-up in embedded mode (SQLite, Celery in process), in a fresh interpreter:
every other test runs on PostgreSQL, where the SQL written for both databases could use a
construct SQLite does not have without anyone noticing."""

import json
import os
import subprocess
import sys

from tests.project.test_settings import CONFIG_VARIABLES, ROOT

CHECK = """
import json, django
django.setup()
from credit.models import Rating
from credit.selectors import rating_explanation
from registry.models import Worker
worker_rating = Rating.objects.filter(worker__isnull=False).first()
print(json.dumps({
    "enterprise_ratings": Rating.objects.filter(enterprise__isnull=False).count(),
    "worker_ratings": Rating.objects.filter(worker__isnull=False).count(),
    "workers": Worker.objects.count(),
    "explained": len(rating_explanation(worker_rating).rows),
}))
"""


def run(environment, *arguments) -> str:
    result = subprocess.run(
        [sys.executable, *arguments], cwd=ROOT, env=environment, capture_output=True,
        text=True, timeout=600,
    )  # fmt: skip
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    return result.stdout


def test_make_run_set_up_works_on_sqlite(tmp_path):
    environment = {k: v for k, v in os.environ.items() if k not in CONFIG_VARIABLES}
    environment.update(
        DJANGO_SETTINGS_MODULE="zhouqu_jiazheng.settings",
        DATABASE_URL=f"sqlite:///{tmp_path / 'db.sqlite3'}",
        MEDIA_ROOT=str(tmp_path / "media"),
    )
    run(environment, "manage.py", "migrate", "--noinput", "-v", "0")
    run(environment, "manage.py", "setup_periodic_tasks")
    run(environment, "manage.py", "seed_demo")
    figures = json.loads(run(environment, "-c", CHECK).strip().splitlines()[-1])
    assert figures["enterprise_ratings"] > 0
    assert figures["worker_ratings"] > 0 and figures["workers"] > 0
    assert figures["explained"] > 0
