import datetime

import factory
from django.contrib.contenttypes.models import ContentType

from partnership.choices import ReorganisationSide, TransferOutcome
from partnership.models import AccessChange, Membership, Reorganisation, ReorganisationBody, TransferredRecord
from tests.factories import OrganisationFactory


class AccessChangeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = AccessChange

    subject = factory.Sequence(lambda n: f"person{n}")
    description = "superuser: no → yes"


class ReorganisationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Reorganisation

    name = factory.Sequence(lambda n: f"Reorganisation {n}")
    takes_effect = datetime.date(2013, 4, 1)


class ReorganisationBodyFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ReorganisationBody

    reorganisation = factory.SubFactory(ReorganisationFactory)
    organisation = factory.SubFactory(OrganisationFactory)
    side = ReorganisationSide.ABOLISHED


class TransferredRecordFactory(factory.django.DjangoModelFactory):
    """What a transfer did to one record: here, a membership moved to a successor."""

    class Meta:
        model = TransferredRecord

    reorganisation = factory.SubFactory(ReorganisationFactory)
    kind = "Membership"
    record_label = factory.Sequence(lambda n: f"person{n}: officer")
    content_type = factory.LazyFunction(lambda: ContentType.objects.get_for_model(Membership))
    object_id = factory.Sequence(str)
    from_organisation = factory.SubFactory(OrganisationFactory)
    to_organisation = factory.SubFactory(OrganisationFactory)
    outcome = TransferOutcome.MOVED
