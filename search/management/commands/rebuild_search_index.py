from django.core.management.base import BaseCommand

from search.documents import rebuild


class Command(BaseCommand):
    help = "Make every search document again from the records (after records were written in bulk)."

    def handle(self, *args, **options):
        made = rebuild()
        if options["verbosity"]:
            self.stdout.write(f"Indexed {made} records for search.")
