from django.apps import AppConfig
from django.urls import reverse


class StaffingConfig(AppConfig):
    name = "staffing"
    verbose_name = "Shared staff"
    default_auto_field = "django.db.models.BigAutoField"

    def partnership_sections(self, partnership, user):
        kwargs = {"partnership": partnership.slug}
        return [
            {
                "title": "Shared posts",
                "url": reverse("staffing:list", kwargs=kwargs),
                "description": "Posts employed by one body and shared with another (Section 113), "
                "each body's share, and who may sign for which body.",
            },
            {
                "title": "Recharges between bodies",
                "url": reverse("staffing:recharges", kwargs=kwargs),
                "description": "What each body owes the employers of shared posts, year by year, "
                "and the net position between each pair of bodies.",
            },
        ]

    def attention_items(self, user):
        """Vacant posts employed by a body the user acts for as an officer."""
        from partnership import permissions
        from partnership.choices import Role
        from staffing.models import Post

        bodies = {m.organisation_id for m in permissions.user_memberships(user) if m.role == Role.OFFICER}
        if not bodies:
            return []
        from django.utils import timezone

        today = timezone.localdate()
        posts = (
            permissions.restrict(Post.objects.all(), user)
            .filter(vacant=True, employer_id__in=bodies)
            .in_existence_on(today)
            .select_related("partnership", "employer")
            .order_by("vacant_from", "title")
        )
        items = []
        for post in posts:
            since = f" since {post.vacant_from:%-d %B %Y}" if post.vacant_from else ""
            items.append(
                {
                    "text": f"Vacant post: {post.title} ({post.employer.display_name}){since}",
                    "url": post.get_absolute_url(),
                    "partnership": post.partnership,
                    "due": None,
                    "overdue": False,
                }
            )
        return items

    def signing_rules(self):
        """The Walsall rule: a jointly managed post's holder signs only for the employer."""
        from staffing.access import employment_forbids_signing

        return [employment_forbids_signing]
