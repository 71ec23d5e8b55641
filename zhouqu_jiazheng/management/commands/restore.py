from pathlib import Path

import environ
from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from core.backups.common import BackupError
from core.backups.restore import restore_backup


class Command(BaseCommand):
    help = (
        "从备份目录恢复：先核对校验和，再恢复到空数据库与空媒体目录，"
        "最后与清单比对各表行数和文件校验和。"
    )

    def add_arguments(self, parser):
        parser.add_argument("source", type=Path, help="备份目录（backup-…）")
        parser.add_argument(
            "--database-url", default=None, help="目标数据库，默认为本机配置的 DATABASE_URL"
        )
        parser.add_argument(
            "--media-root", type=Path, default=None, help="目标媒体目录，默认为 MEDIA_ROOT"
        )
        parser.add_argument("--force", action="store_true", help="允许覆盖非空的数据库与媒体目录")

    def handle(self, *args, **options):
        url = options["database_url"]
        database = environ.Env.db_url_config(url) if url else settings.DATABASES["default"]
        media_root = options["media_root"] or Path(settings.MEDIA_ROOT)
        try:
            report = restore_backup(
                options["source"], database=database, media_root=media_root, force=options["force"]
            )
        except BackupError as error:
            raise CommandError(str(error)) from error
        for name, (expected, actual) in sorted(report.table_problems.items()):
            self.stderr.write(f"表 {name}：备份 {expected} 行，恢复后 {actual} 行")
        for problem in report.file_problems:
            self.stderr.write(f"媒体文件 {problem}")
        if not report.ok:
            raise CommandError("恢复后的数据与备份清单不一致，见上")
        self.stdout.write(
            f"恢复完成：{len(report.tables)} 张表的行数与清单一致，"
            f"{report.files_checked} 个媒体文件校验和一致。"
        )
