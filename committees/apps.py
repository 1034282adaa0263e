from django.apps import AppConfig


class CommitteesConfig(AppConfig):
    name = "committees"
    verbose_name = "Committees and meetings"
    attention_title = "Meetings and actions"
    default_auto_field = "django.db.models.BigAutoField"

    def partnership_sections(self, partnership, user):
        from django.urls import reverse

        def link(name):
            return reverse(f"committees:{name}", kwargs={"partnership": partnership.slug})

        return [
            {
                "title": "Committees",
                "url": link("committee_list"),
                "description": "Boards and committees, members, quorum, meetings and minutes.",
            },
            {
                "title": "Committee reports",
                "url": link("report_list"),
                "description": "Papers to meetings, with the cover sheet and cost table.",
            },
            {
                "title": "Report clearance",
                "url": link("clearance_settings"),
                "description": "The reviews each body requires of its reports before publication.",
            },
            {
                "title": "Forward plan",
                "url": link("planned_decision_list"),
                "description": "Decisions to come, key decisions among them, and when each is due.",
            },
            {
                "title": "Register of interests",
                "url": link("interest_list"),
                "description": "Members' interests, whichever body nominated them, and their review.",
            },
            {
                "title": "Actions register",
                "url": link("action_list"),
                "description": "Actions from every meeting, who owns them and when they are due.",
            },
            {
                "title": "Delegations",
                "url": link("delegation_list"),
                "description": "Authority each body has delegated to committees, posts and people.",
            },
        ]

    def read_rules(self):
        """Exempt (Part 2) business, and withheld register entries: who may read them, for
        partnership.permissions."""
        from committees.access import WITHHELD_INTEREST, rules
        from committees.models import RegisteredInterest

        return {**rules(), RegisteredInterest: WITHHELD_INTEREST}

    def attention_items(self, user):
        from committees.reminders import attention_items

        return attention_items(user)

    def sweep_reminders(self):
        """The hourly sweep: the reminders now due, and the forward plan's entries published for
        today announced to its subscribers."""
        from committees.reminders import sweep_reminders
        from committees.services import announce_plan_entries_due

        announce_plan_entries_due()
        return sweep_reminders()
