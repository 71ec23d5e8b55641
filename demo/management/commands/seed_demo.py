import sys

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from demo.seed import FULL, LIGHT, demo_logins, demo_seed


class Command(BaseCommand):
    help = "载入演示数据（可重复运行，不会产生重复记录），最后列出演示账号。"

    def add_arguments(self, parser):
        parser.add_argument(
            "--force",
            action="store_true",
            help="DEBUG 关闭时也载入（会创建使用公开密码的演示账号，切勿用于生产）。",
        )
        parser.add_argument(
            "--light",
            action="store_true",
            help=(
                f"只载入一个小县（{LIGHT.enterprises}家企业、{LIGHT.workers}名从业人员，"
                f"完整演示为{FULL.enterprises}家、{FULL.workers}名），用于快速测试。"
            ),
        )

    def handle(self, *args, **options):
        if not settings.DEBUG and not options["force"]:
            raise CommandError("生产模式下不载入演示数据；确需载入请加 --force。")
        size = LIGHT if options["light"] else FULL
        demo_seed(
            stdout=self.stdout,
            enterprises=size.enterprises,
            workers=size.workers,
            residents=size.residents,
        )
        self.stdout.write(self.style.SUCCESS("演示数据已就绪。"))
        # The seed logs (SMS, tasks) to stderr: flush it so the logins come last.
        sys.stderr.flush()
        for line in demo_logins():
            self.stdout.write(line)
        self.stdout.flush()
