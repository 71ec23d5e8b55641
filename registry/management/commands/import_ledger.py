from core.spreadsheets.commands import ImportCommand
from core.spreadsheets.errors import error_text
from registry.models import LedgerImport
from registry.services.ledger import (
    ledger_import_confirm,
    ledger_import_create,
    ledger_import_validate,
)


class Command(ImportCommand):
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
        super().add_arguments(parser)

    def run_import(self, *, actor, uploaded_file, dry_run, kind, **options):
        ledger_import = ledger_import_create(actor=actor, kind=kind, uploaded_file=uploaded_file)
        if dry_run:
            return ledger_import_validate(ledger_import=ledger_import)
        return ledger_import_confirm(actor=actor, ledger_import=ledger_import, in_process=True)

    def report(self, ledger_import) -> None:
        for error in ledger_import.errors or []:
            self.stderr.write(error_text(error))
        self.stdout.write(f"台账导入 #{ledger_import.pk}：{ledger_import.get_status_display()}")
        if ledger_import.message:
            self.stdout.write(ledger_import.message)
        ok = {LedgerImport.Status.PREVIEWED, LedgerImport.Status.DONE}
        self.finish(
            ok=ledger_import.status in ok,
            written=ledger_import.status == LedgerImport.Status.DONE,
        )
