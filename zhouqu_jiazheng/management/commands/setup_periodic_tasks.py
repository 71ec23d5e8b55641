from django.core.management.base import BaseCommand

from zhouqu_jiazheng.services import periodic_tasks_sync


class Command(BaseCommand):
    help = "按代码中的声明创建或更新定时任务（django-celery-beat），可重复运行。"

    def handle(self, *args, **options):
        for change in periodic_tasks_sync():
            self.stdout.write(change)
