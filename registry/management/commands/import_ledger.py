from pathlib import Path

from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files import File
from django.core.management.base import BaseCommand, CommandError

from registry.models import LedgerImport
from registry.services.ledger import (
    error_text,
    ledger_import_confirm,
    ledger_import_create,
    ledger_import_validate,
)


class Command(BaseCommand):
    help = (
        "从Excel（.xlsx）导入台账：逐行校验，全部正确才写入（全部或全不）。"
        "有错误时逐行列出并以非零状态退出。"
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--kind",
            required=True,
            choices=LedgerImport.Kind.values,
            help="台账类型：" + "，".join(f"{k.value}={k.label}" for k in LedgerImport.Kind),
        )
        parser.add_argument("file", help="Excel工作簿（.xlsx）的路径")
        parser.add_argument("--dry-run", action="store_true", help="只校验并预览，不写入")
        parser.add_argument("--user", help="以该用户的名义导入（检查其权限，记入历史）")

    def handle(self, *args, kind, file, dry_run, user, **options):
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
                ledger_import = ledger_import_create(
                    actor=actor, kind=kind, uploaded_file=File(stream, name=path.name)
                )
            if dry_run:
                ledger_import = ledger_import_validate(ledger_import=ledger_import)
            else:
                ledger_import = ledger_import_confirm(
                    actor=actor, ledger_import=ledger_import, in_process=True
                )
        except (ValidationError, PermissionDenied) as error:
            messages = error.messages if isinstance(error, ValidationError) else [str(error)]
            raise CommandError("；".join(messages)) from None
        for error in ledger_import.errors or []:
            self.stderr.write(error_text(error))
        self.stdout.write(f"台账导入 #{ledger_import.pk}：{ledger_import.get_status_display()}")
        if ledger_import.message:
            self.stdout.write(ledger_import.message)
        ok = {LedgerImport.Status.PREVIEWED, LedgerImport.Status.DONE}
        if ledger_import.status not in ok:
            raise CommandError("未导入任何数据。")
        if ledger_import.status == LedgerImport.Status.DONE:
            self.stdout.write(self.style.SUCCESS("导入完成。"))
