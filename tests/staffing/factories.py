"""factory_boy factories for shared posts."""

from decimal import Decimal

import factory

from staffing.models import Post, PostHolding, PostShare
from tests.factories import OrganisationFactory, PartnershipFactory


class PostFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Post
        skip_postgeneration_save = True

    partnership = factory.SubFactory(PartnershipFactory)
    employer = factory.SubFactory(OrganisationFactory)
    title = factory.Sequence(lambda n: f"Joint post {n}")
    fte = Decimal("1.00")
    annual_cost = Decimal("50000.00")

    @factory.post_generation
    def holding(post, create, extracted, **kwargs):
        """The holder's holding, as ``save_post`` records it: from when the post was
        established (``holding__started_on`` to say otherwise)."""
        if create and not post.vacant and (post.holder_id or post.holder_name):
            PostHolding.objects.create(
                post=post,
                holder=post.holder,
                holder_name=post.holder_name,
                started_on=kwargs.get("started_on"),
            )


class PostShareFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = PostShare

    post = factory.SubFactory(PostFactory)
    organisation = factory.SubFactory(OrganisationFactory)
    share_percent = Decimal("50.00")


def shared_post(partnership, employer, shares, **values):
    """A post with ``shares`` ({Organisation: percent}) written directly, for test set-up."""
    post = PostFactory(partnership=partnership, employer=employer, **values)
    for organisation, percent in shares.items():
        PostShareFactory(post=post, organisation=organisation, share_percent=Decimal(percent))
    return post


def joint_commissioning_manager_post(user, partnership, employer, other, **values):
    """Walsall 2009: a Joint Commissioning Unit Manager's post, employed by ``employer``,
    shared half and half with ``other`` and jointly managed, held by ``user``."""
    return shared_post(
        partnership,
        employer,
        {employer: "50", other: "50"},
        title="Joint Commissioning Unit Manager",
        holder=user,
        jointly_managed=True,
        **values,
    )


class PostHoldingFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = PostHolding

    post = factory.SubFactory(PostFactory)
    holder_name = factory.Sequence(lambda n: f"Holder {n}")
