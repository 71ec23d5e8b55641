from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from core.backups.common import BackupError
from core.backups.create import create_backup


class Command(BaseCommand):
    help = "备份数据库与媒体文件到一个带时间戳的目录（含清单与校验和），可按份数保留。"

    def add_arguments(self, parser):
        parser.add_argument("--to", required=True, type=Path, help="存放备份的目录")
        parser.add_argument("--keep", type=int, default=None, help="只保留最新的 N 份备份")

    def handle(self, *args, **options):
        if options["keep"] is not None and options["keep"] < 1:
            raise CommandError("--keep 至少为 1")
        try:
            result = create_backup(
                options["to"],
                database=settings.DATABASES["default"],
                media_root=Path(settings.MEDIA_ROOT),
                keep=options["keep"],
                base_dir=Path(settings.BASE_DIR),
            )
        except BackupError as error:
            raise CommandError(str(error)) from error
        manifest = result.manifest
        rows = sum(manifest["database"]["tables"].values())
        self.stdout.write(
            f"备份完成：{result.folder}（{len(manifest['database']['tables'])} 张表，"
            f"{rows} 行，{len(manifest['media'])} 个媒体文件）"
        )
        for path in result.pruned:
            self.stdout.write(f"已删除过期备份：{path}")
