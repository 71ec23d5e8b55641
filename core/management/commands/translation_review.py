from django.core.management.base import BaseCommand, CommandError

from core.i18n.catalogue import (
    review_compare,
    snapshot_path,
    snapshot_record,
    translatable_languages,
)


class Command(BaseCommand):
    help = (
        "译文审定：不带参数时列出自上次审定以来新增、改动、删除和未译的条目；"
        "--record 把当前译文记为审定版本（写入 locale/<语言>/reviewed.json）并显示要填入 "
        "TRANSLATION_REVIEWED_VERSIONS 的散列值。"
    )

    def add_arguments(self, parser):
        parser.add_argument("language", nargs="?", default="bo")
        parser.add_argument("--record", action="store_true", help="记录当前译文为审定版本")

    def handle(self, *args, language, record, **options):
        if language not in translatable_languages():
            raise CommandError(f"未知语言：{language}")
        if record:
            snapshot = snapshot_record(language)
            self.stdout.write(
                f"Recorded {len(snapshot['entries'])} reviewed entries in "
                f"{snapshot_path(language)}.\nPut this in settings.py and commit both:\n"
                f'TRANSLATION_REVIEWED_VERSIONS = {{"{language}": "{snapshot["version"]}"}}'
            )
            return
        review = review_compare(language)
        self.stdout.write(
            f"{language}: current {review.catalogue.version}\n"
            f"  reviewed snapshot {review.snapshot_version or '-'} ({review.recorded_at or '-'}), "
            f"setting {review.setting_version or '-'}\n"
            f"  added {len(review.added)}, changed {len(review.changed)}, "
            f"removed {len(review.removed)}, untranslated {len(review.untranslated)}"
        )
        for title, changes in (("added", review.added), ("changed", review.changed)):
            for change in changes:
                self.stdout.write(f"{title}: {change.msgid!r} → {change.current!r}")
        for change in review.removed:
            self.stdout.write(f"removed: {change.msgid!r}")
