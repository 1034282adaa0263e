"""Staffing's own rules, built on ``partnership.permissions``.

* Who may change a post: officers of the body that employs it (and, for a
  new post or a new employer, of that employer).
* Whom the holder of a jointly managed post may not sign for: every body but
  their employer. Walsall 2009: the Joint Commissioning Unit managers "will
  not be signatories for the Council as they will not be an employee of the
  Council". Declared to ``agreements.access.signing_authority`` through
  ``StaffingConfig.signing_rules()``.
"""

from partnership import permissions
from partnership.models import Partner
from staffing.models import Post


def may_save_post(user, post):
    """May ``user`` create ``post``, or change it as it is stored and as it will be saved?"""
    if permissions.is_read_only(user):
        return False
    partnership = post.partnership
    if post.pk and not permissions.can_change(user, post):
        return False
    return permissions.can_create(user, Post, partnership, post.employer)


def jointly_managed_posts(user, on_date):
    """The jointly managed posts ``user`` holds on ``on_date``."""
    if not user.is_authenticated:
        return []
    return list(
        Post.objects.held_by_on(user, on_date)
        .filter(jointly_managed=True)
        .select_related("employer", "partnership")
    )


def employment_forbids_signing(user, organisation, on_date):
    """Why ``user``'s employment forbids them to sign for ``organisation`` on ``on_date``, or None.

    The holder of a jointly managed post employed by another body of a
    partnership ``organisation`` is in signs only for their employer, whatever
    role they were given, unless they are employed by ``organisation`` too.
    """
    posts = jointly_managed_posts(user, on_date)
    if any(post.employer_id == organisation.pk for post in posts):
        return None
    elsewhere = [post for post in posts if post.employer_id != organisation.pk]
    if not elsewhere:
        return None
    shared = set(
        Partner.objects.filter(
            organisation=organisation, partnership__in=[post.partnership_id for post in elsewhere]
        ).values_list("partnership_id", flat=True)
    )
    for post in elsewhere:
        if post.partnership_id in shared:
            person = user.get_full_name() or user.username
            employer = post.employer.name
            return (
                f"{person} holds the jointly managed post “{post}”, employed by {employer}, so signs "
                f"only for {employer}: they are not an employee of {organisation.name}."
            )
    return None
