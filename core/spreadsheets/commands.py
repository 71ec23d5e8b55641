"""The shell side of an import: `manage.py <import command> FILE [--dry-run] [--user NAME]`.

A command names its service call (`run_import`) and prints what came back (`report`); the
base finds the user, opens the file and turns a refused file or a missing permission into
a CommandError (a non-zero exit)."""

from abc import ABC, abstractmethod
from pathlib import Path

from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files import File
from django.core.management.base import BaseCommand, CommandError


class ImportCommand(BaseCommand, ABC):
    user_help = "以该用户的名义导入（检查其权限，记入历史）"

    def add_arguments(self, parser):
        parser.add_argument("file", help="Excel工作簿（.xlsx）的路径")
        parser.add_argument("--dry-run", action="store_true", help="只校验并预览，不写入")
        parser.add_argument("--user", help=self.user_help)

    @abstractmethod
    def run_import(self, *, actor, uploaded_file, dry_run: bool, **options):
        """Call the importer's service; what it returns goes to `report`."""

    @abstractmethod
    def report(self, outcome) -> None:
        """Print what the service returned."""

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
                outcome = self.run_import(
                    actor=actor,
                    uploaded_file=File(stream, name=path.name),
                    dry_run=dry_run,
                    **options,
                )
        except ValidationError as error:
            raise CommandError("；".join(error.messages)) from None
        except PermissionDenied as error:
            raise CommandError(str(error)) from None
        self.report(outcome)

    def finish(self, *, ok: bool, written: bool) -> None:
        if not ok:
            raise CommandError("未导入任何数据。")
        if written:
            self.stdout.write(self.style.SUCCESS("导入完成。"))
