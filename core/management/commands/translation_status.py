from django.core.management.base import BaseCommand, CommandError

from core.i18n.catalogue import catalogue_read, reviewed_version, translatable_languages


class Command(BaseCommand):
    help = "显示各语言译文的版本（已译条目的散列值）和条目数，以及是否为审定版本。"

    def add_arguments(self, parser):
        parser.add_argument("languages", nargs="*", help="语言代码，默认全部（如 bo）")

    def handle(self, *args, languages, **options):
        known = translatable_languages()
        for language in languages or known:
            if language not in known:
                raise CommandError(f"未知语言：{language}（可选：{'、'.join(known)}）")
            catalogue = catalogue_read(language)
            reviewed = reviewed_version(language)
            state = "审定版本" if catalogue.version == reviewed else "试译（未审定）"
            self.stdout.write(
                f"{language}: version {catalogue.version}\n"
                f"  entries {catalogue.total}, translated {len(catalogue.translated)}, "
                f"untranslated {len(catalogue.untranslated)}, fuzzy {len(catalogue.fuzzy)}\n"
                f"  reviewed version {reviewed or '-'}: {state}"
            )
