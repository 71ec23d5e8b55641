from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from zhouqu_jiazheng.demo import DEMO_PASSWORD, DEMO_PORTAL_USERNAME, demo_seed


class Command(BaseCommand):
    help = "载入演示数据（可重复运行，不会产生重复记录）。"

    def add_arguments(self, parser):
        parser.add_argument(
            "--force",
            action="store_true",
            help="DEBUG 关闭时也载入（会创建使用公开密码的演示账号，切勿用于生产）。",
        )

    def handle(self, *args, **options):
        if not settings.DEBUG and not options["force"]:
            raise CommandError("生产模式下不载入演示数据；确需载入请加 --force。")
        accounts = demo_seed(stdout=self.stdout)
        self.stdout.write(self.style.SUCCESS("演示数据已就绪。"))
        self.stdout.write(
            f"后台 http://127.0.0.1:8000/admin/ 演示账号（密码均为 {DEMO_PASSWORD}）："
        )
        for account in accounts:
            self.stdout.write(f"  {account.username:<10} {account.role or ''}")
        self.stdout.write(
            f"企业服务平台 http://127.0.0.1:8000/portal/login/ 演示企业账号：{DEMO_PORTAL_USERNAME}"
            f"（密码同上）"
        )
