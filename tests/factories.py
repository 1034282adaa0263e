"""factory_boy factories for the core models; each app adds its own in tests/<app>/factories.py."""

import datetime

import factory
from django.contrib.auth import get_user_model

from partnership.choices import OrganisationKind, Role
from partnership.models import Membership, Organisation, Partner, Partnership


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        django_get_or_create = ("username",)

    username = factory.Sequence(lambda n: f"user{n}")
    first_name = factory.Faker("first_name")
    last_name = factory.Faker("last_name")
    email = factory.LazyAttribute(lambda u: f"{u.username}@example.org")
    password = factory.django.Password("password")


class OrganisationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Organisation

    name = factory.Sequence(lambda n: f"Body {n}")
    short_name = factory.Sequence(lambda n: f"B{n}")
    kind = OrganisationKind.LOCAL_AUTHORITY


class PartnershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Partnership

    name = factory.Sequence(lambda n: f"Partnership {n}")
    slug = factory.Sequence(lambda n: f"partnership-{n}")


class PartnerFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Partner

    partnership = factory.SubFactory(PartnershipFactory)
    organisation = factory.SubFactory(OrganisationFactory)


class MembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Membership

    user = factory.SubFactory(UserFactory)
    organisation = factory.SubFactory(OrganisationFactory)
    role = Role.OFFICER


def add_versions(obj, count, field, start=None):
    """``count`` more versions of ``obj`` in its history, one a minute from ``start`` (by
    default its latest version's time), each changing ``field``: written straight into the
    history table, as years of edits would be."""
    history_model = type(obj).history.model
    base = obj.history.order_by("-history_date", "-history_id").first()
    start = start or base.history_date
    copied = [f.attname for f in history_model._meta.concrete_fields if f.attname != "history_id"]
    rows = []
    for n in range(count):
        row = history_model(**{name: getattr(base, name) for name in copied})
        setattr(row, field, f"{getattr(base, field)} (version {n + 2})")
        row.history_type = "~"
        row.history_date = start + datetime.timedelta(minutes=n + 1)
        rows.append(row)
    history_model.objects.bulk_create(rows, batch_size=1000)
