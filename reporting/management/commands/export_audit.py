"""manage.py export_audit --from 2026-06-01 --to 2026-11-30 --format xlsx --output audit.xlsx"""

from datetime import date

from django.core.management.base import BaseCommand, CommandError

from reporting.audit_export import FORMATS, audit_rows


def _day(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise CommandError(f"not a date (YYYY-MM-DD): {text}") from None


class Command(BaseCommand):
    help = (
        "Export the audit trail of a period: history rows, the admin log, personal-data "
        "reveals and logins."
    )

    def add_arguments(self, parser):
        parser.add_argument("--from", dest="start", required=True, help="first day, YYYY-MM-DD")
        parser.add_argument("--to", dest="end", required=True, help="last day, YYYY-MM-DD")
        parser.add_argument("--format", choices=sorted(FORMATS), default="csv")
        parser.add_argument("--output", help="file to write; csv only: standard output if omitted")

    def handle(self, *args, start, end, format, output, **options):
        start, end = _day(start), _day(end)
        if end < start:
            raise CommandError("--to is before --from")
        if output is None and format == "xlsx":
            raise CommandError("--format xlsx needs --output")
        write = FORMATS[format]
        if output is None:
            count = write(audit_rows(start, end), self.stdout)
        else:
            mode, encoding = ("wb", None) if format == "xlsx" else ("w", "utf-8-sig")
            with open(output, mode, encoding=encoding, newline="" if encoding else None) as stream:
                count = write(audit_rows(start, end), stream)
        self.stderr.write(f"{count} audit rows from {start} to {end}")
