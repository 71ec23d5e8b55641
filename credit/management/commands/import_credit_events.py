from core.spreadsheets.commands import ImportCommand
from credit.services.imports import credit_events_import


class Command(ImportCommand):
    help = (
        "从Excel（.xlsx）导入信用记录：逐行校验，全部正确才写入（全部或全不）。"
        "有错误时逐行列出并以非零状态退出。"
    )
    user_help = "以该用户的名义导入（检查其权限，记为录入人）"

    def run_import(self, *, actor, uploaded_file, dry_run, **options):
        return credit_events_import(actor=actor, uploaded_file=uploaded_file, dry_run=dry_run)

    def report(self, result) -> None:
        for error in result.errors:
            self.stderr.write(str(error))
        self.stdout.write(result.message)
        self.finish(ok=result.ok, written=result.written)
