from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from credit.models import RatingRun
from credit.services import rating_run_year


class Command(BaseCommand):
    help = "运行年度信用评价：run_rating --year 2025 [--sync]"

    def add_arguments(self, parser):
        parser.add_argument("--year", type=int, default=timezone.localdate().year)
        parser.add_argument(
            "--sync", action="store_true", help="在本进程中逐批计算，不经过任务队列。"
        )
        parser.add_argument("--chunk-size", type=int, default=None)

    def handle(self, *args, **options):
        try:
            run = rating_run_year(
                actor=None, year=options["year"], sync=options["sync"],
                chunk_size=options["chunk_size"], origin=RatingRun.Origin.COMMAND,
            )  # fmt: skip
        except ValidationError as exc:
            raise CommandError("".join(exc.messages)) from exc
        if options["sync"]:
            self.stdout.write(self.style.SUCCESS(f"{run.year}年度评价完成：{run.message}"))
        else:
            self.stdout.write(
                f"已提交{run.year}年度评价（批次 {run.pk}，共{run.chunks_total}批）。"
            )
