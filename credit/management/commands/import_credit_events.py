from pathlib import Path

from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files import File
from django.core.management.base import BaseCommand, CommandError

from credit.services.imports import credit_events_import


class Command(BaseCommand):
    help = (
        "从Excel（.xlsx）导入信用记录：逐行校验，全部正确才写入（全部或全不）。"
        "有错误时逐行列出并以非零状态退出。"
    )

    def add_arguments(self, parser):
        parser.add_argument("file", help="Excel工作簿（.xlsx）的路径")
        parser.add_argument("--dry-run", action="store_true", help="只校验并预览，不写入")
        parser.add_argument("--user", help="以该用户的名义导入（检查其权限，记为录入人）")

    def handle(self, *args, file, dry_run, user, **options):
        actor = None
        if user:
            actor = get_user_model().objects.filter(username=user).first()
            if actor is None:
                raise CommandError(f"用户“{user}”不存在。")
        path = Path(file)
        if not path.is_file():
            raise CommandError(f"文件不存在：{path}")
        try:
            with path.open("rb") as stream:
                result = credit_events_import(
                    actor=actor, uploaded_file=File(stream, name=path.name), dry_run=dry_run
                )
        except ValidationError as error:
            raise CommandError("；".join(error.messages)) from None
        except PermissionDenied as error:
            raise CommandError(str(error)) from None
        for error in result.errors:
            self.stderr.write(str(error))
        self.stdout.write(result.message)
        if not result.ok:
            raise CommandError("未导入任何数据。")
        if result.written:
            self.stdout.write(self.style.SUCCESS("导入完成。"))
