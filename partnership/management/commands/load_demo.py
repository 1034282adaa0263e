import importlib

from django.conf import settings
from django.core import mail
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.test.utils import override_settings

#: Apps whose ``demo.load(context)`` builds their part of the demo, in dependency order.
DEMO_APPS = ["agreements", "finance", "staffing", "committees"]


class Command(BaseCommand):
    help = "Load the demo partnerships of shared/seeds/ with a demo login for each role. Safe to run again."

    def add_arguments(self, parser):
        parser.add_argument(
            "--force",
            action="store_true",
            help="Load even with DEBUG off. Never do this on a production database: the demo logins share one password.",
        )

    def handle(self, *args, force=False, **options):
        if not settings.DEBUG and not force:
            raise CommandError(
                "Refusing to load demo data with DEBUG off: demo logins must not reach a production "
                "database. Pass --force if this really is a demonstration system."
            )
        from partnership import demo

        # The demo's history makes the e-mails its events would send its people (reports issued,
        # reminders): kept here, neither printed nor sent, since its addresses are not real.
        kept = getattr(mail, "outbox", None)
        mail.outbox = []
        try:
            with override_settings(EMAIL_BACKEND="django.core.mail.backends.locmem.EmailBackend"):
                self.load(demo)
            if mail.outbox:
                self.stdout.write(
                    f"({len(mail.outbox)} e-mails to the demo's people were made and not sent.)"
                )
        finally:
            if kept is None:
                del mail.outbox
            else:
                mail.outbox = kept
        self.stdout.write(self.style.SUCCESS("Demo data loaded."))
        self.stdout.write(
            f"\nDemo logins (password for all: {demo.DEMO_PASSWORD}):\n"
            "  admin                          site administrator (Django admin)\n"
            "  <body>-<role>                  e.g. banes-council-officer, banes-ccg-signatory\n"
            f"    bodies: {', '.join(demo.DEMO_BODIES)}\n"
            "    (the people of the abolished NHS bodies now act for their successors, today the ICBs)\n"
            f"    roles:  {', '.join(demo.ROLE_SLUGS.values())}\n"
            "  jcu-manager                    Walsall JCU manager (S113: acts for both bodies, signs only for the NHS body)\n"
            "  external-auditor               external auditor of the B&NES partnership only\n"
            "  banes-cabinet-member           councillor on the B&NES board: keeps their register of interests\n"
            "  banes-ccg-chair                CCG Chair on the B&NES board: keeps their register of interests\n"
        )

    def load(self, demo):
        from partnership import demo_history

        with transaction.atomic():
            if demo_history.started():
                self.stdout.write(
                    "The demo's NHS bodies have already passed to their successors, so the papers are not "
                    "loaded again (that would bring back the abolished bodies' places)."
                )
            else:
                context = demo.load()
                for app in DEMO_APPS:
                    try:
                        module = importlib.import_module(f"{app}.demo")
                    except ModuleNotFoundError as exc:
                        if exc.name != f"{app}.demo":
                            raise
                        continue
                    self.stdout.write(f"Loading demo {app}…")
                    module.load(context)
            self.stdout.write("Passing the NHS bodies to their successors…")
            try:
                demo_history.load()
            except ValidationError as exc:
                raise CommandError(
                    f"The demo's NHS bodies could not pass to their successors: {' '.join(exc.messages)}"
                ) from exc
