import factory

from partnership.models import AccessChange


class AccessChangeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = AccessChange

    subject = factory.Sequence(lambda n: f"person{n}")
    description = "superuser: no → yes"
