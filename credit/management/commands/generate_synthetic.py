"""A province-scale synthetic data set for benchmarks (PostgreSQL only): see
`credit.synthetic`. Prints the rows and the time of each stage."""

from django.core.management.base import BaseCommand, CommandError
from django.db import connection

from credit.synthetic import generate

__all__ = ["Command", "generate"]


class Command(BaseCommand):
    help = "生成省级规模的合成数据（仅用于性能测试，需PostgreSQL）。"

    def add_arguments(self, parser):
        parser.add_argument("--enterprises", type=int, default=100_000)
        parser.add_argument("--workers", type=int, default=1_000_000)
        parser.add_argument("--inputs", type=int, default=10_000_000, help="每年的信用记录条数。")
        parser.add_argument("--year", type=int, default=2025)
        parser.add_argument(
            "--history-years", type=int, default=1, help="连续生成信用记录的年数（含当年）。"
        )

    def handle(self, *args, **options):
        if connection.vendor != "postgresql":
            raise CommandError("合成数据只能生成到PostgreSQL数据库。")
        if options["history_years"] < 1:
            raise CommandError("--history-years 至少为1。")

        def show(stage):
            rate = f"{stage.rows / stage.seconds:,.0f} 行/秒" if stage.rows else ""
            self.stdout.write(
                f"{stage.name}: {stage.rows:,} 行，{stage.seconds:.1f} 秒 {rate}".rstrip()
            )

        report = generate(
            enterprises=options["enterprises"],
            workers=options["workers"],
            inputs=options["inputs"],
            year=options["year"],
            history_years=options["history_years"],
            on_stage=show,
        )
        self.stdout.write(
            self.style.SUCCESS(
                f"合成数据已生成：共 {report.rows:,} 行，{report.seconds:.1f} 秒"
                f"（{report.rows / max(report.seconds, 1e-9):,.0f} 行/秒）。"
            )
        )
