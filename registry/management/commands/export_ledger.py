from pathlib import Path

from django.core.management.base import BaseCommand

from registry.models import LedgerImport
from registry.services.ledger import ledger_export, ledger_filename, ledger_template


class Command(BaseCommand):
    help = (
        "导出台账为Excel（.xlsx）；身份证号、从业人员手机号一律脱敏。"
        "加 --template 导出空白导入模板。"
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--kind",
            required=True,
            choices=LedgerImport.Kind.values,
            help="台账类型：" + "，".join(f"{k.value}={k.label}" for k in LedgerImport.Kind),
        )
        parser.add_argument("-o", "--output", help="输出文件路径（默认当前目录下按类型和日期命名）")
        parser.add_argument("--template", action="store_true", help="导出导入模板而不是数据")

    def handle(self, *args, kind, output, template, **options):
        if template:
            content, name = ledger_template(kind=kind), ledger_filename(kind, "导入模板")
        else:
            content, name = ledger_export(kind=kind), ledger_filename(kind, "导出")
        path = Path(output or name)
        path.write_bytes(content)
        self.stdout.write(self.style.SUCCESS(f"已写入 {path}（{len(content)} 字节）"))
