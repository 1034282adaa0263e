"""The register of interests' rules: each body's categories and words, when an entry is due an
update, which agenda items may touch a member's interests, and what the public see.

Who may write, review and read withheld details is :mod:`committees.access`; the writes are in
:mod:`committees.services`.
"""

import datetime
import re
from dataclasses import dataclass

from dateutil.relativedelta import relativedelta
from django.db.models import Q

from committees.choices import (
    COUNCIL_INTEREST_CATEGORIES,
    NHS_INTEREST_CATEGORIES,
    InterestCategory,
    InterestNature,
    InterestReview,
)
from committees.models import CommitteeMember, RegisteredInterest

#: Members are reminded this many days before an entry's update is due.
UPDATE_NOTICE_DAYS = 28

#: How long an ended interest stays on the public register: an NHS body keeps a declaration for
#: six months after the interest ends (Managing Conflicts of Interest in the NHS); a council
#: publishes the register as it stands.
PUBLIC_AFTER_ENDING_MONTHS = {"council": 0, "nhs": 6}

#: What the public read in place of withheld details, in each code's words.
WITHHELD_WORDS = {
    "council": "The member has an interest of this kind, the details of which are withheld under "
    "section 32(2) of the Localism Act 2011.",
    "nhs": "Details withheld: the body has agreed that publishing them could lead to harm to the "
    "member or someone close to them.",
}

#: The nature of the declaration a register entry calls for at a meeting.
DECLARATION_NATURE = {
    **{category: InterestNature.DISCLOSABLE_PECUNIARY for category in COUNCIL_INTEREST_CATEGORIES[:7]},
    InterestCategory.OTHER_REGISTRABLE: InterestNature.OTHER_REGISTRABLE,
    **{category: InterestNature.CONFLICT for category in NHS_INTEREST_CATEGORIES},
}

#: Words that do not tell two organisations apart: "Bath Care Ltd" is "Bath Care Limited".
_NOISE = re.compile(r"\b(the|ltd|limited|plc|llp|cic|inc|co|company)\b")


def code_of(organisation):
    """ "nhs" or "council": whose code an entry is registered under."""
    return "nhs" if organisation.is_nhs else "council"


def categories_for(organisation):
    """The categories of ``organisation``'s register, in its own words."""
    wanted = NHS_INTEREST_CATEGORIES if organisation.is_nhs else COUNCIL_INTEREST_CATEGORIES
    return [(category.value, category.label) for category in wanted]


def category_refusal(organisation, category):
    """Why ``category`` is not one of ``organisation``'s, or None."""
    if category in dict(categories_for(organisation)):
        return None
    code = "an NHS body's" if organisation.is_nhs else "a council's"
    return f"Choose one of {organisation.display_name}'s categories: {code} register does not have this one."


def withheld_words(interest):
    return WITHHELD_WORDS[code_of(interest.organisation)]


def update_notice_from(interest):
    return interest.update_due - datetime.timedelta(days=UPDATE_NOTICE_DAYS)


def is_publishable(interest, day):
    """Does ``interest`` belong on the public register on ``day``: reviewed, held by then, and
    current (or, for an NHS body, ended less than six months before)?"""
    if interest.review_status != InterestReview.ACCEPTED or interest.from_date > day:
        return False
    if interest.to_date is None:
        return True
    months = PUBLIC_AFTER_ENDING_MONTHS[code_of(interest.organisation)]
    return day <= interest.to_date + relativedelta(months=months)


@dataclass
class PublicRegister:
    """One person's part of the public register."""

    member: CommitteeMember
    committees: list
    interests: list


def public_register(partnership, day):
    """[PublicRegister] for the members on ``day`` of the partnership's committees that meet in
    public, each person once, with their reviewed entries publishable on ``day``."""
    members = (
        CommitteeMember.objects.filter(committee__partnership=partnership, committee__meets_in_public=True)
        .filter(
            Q(from_date__isnull=True) | Q(from_date__lte=day), Q(to_date__isnull=True) | Q(to_date__gte=day)
        )
        .select_related("organisation", "committee")
        .order_by("person_name", "pk")
    )
    people = {}
    for member in members:
        people.setdefault(_person(member), PublicRegister(member, [], [])).committees.append(member.committee)
    user_ids = [key for kind, key in people if kind == "user"]
    seat_ids = [key for kind, key in people if kind == "seat"]
    entries = (
        RegisteredInterest.objects.filter(partnership=partnership, review_status=InterestReview.ACCEPTED)
        .filter(Q(member__user_id__in=user_ids) | Q(member_id__in=seat_ids))
        .select_related("organisation", "member")
        .order_by("organisation__name", "category", "from_date", "pk")
    )
    for interest in entries:
        person = people.get(_person(interest.member))
        if person is not None and is_publishable(interest, day):
            person.interests.append(interest)
    return list(people.values())


def _person(member):
    return ("user", member.user_id) if member.user_id else ("seat", member.pk)


# --- Agenda items that may touch a member's interests ---------------------------------------------


def _key(text):
    return " ".join(_NOISE.sub(" ", re.sub(r"[^\w\s]", " ", text.casefold())).split())


def _terms(text):
    return {_key(line): line.strip() for line in text.splitlines() if _key(line)}


@dataclass(frozen=True)
class Match:
    item: object
    interest: RegisteredInterest
    terms: tuple

    @property
    def nature(self):
        return DECLARATION_NATURE[self.interest.category]


def matches(items, interests, day):
    """[Match] for each agenda item in ``items`` that names an organisation or topic one of
    ``interests`` (current on ``day``) names too, in the items' order."""
    current = [interest for interest in interests if interest.is_current_on(day)]
    found = []
    for item in items:
        item_terms = _terms(item.named_organisations) | _terms(item.topics)
        for interest in current:
            shared = _terms(interest.named_organisations) | _terms(interest.topics)
            common = tuple(sorted(shared[key] for key in shared.keys() & item_terms.keys()))
            if common:
                found.append(Match(item, interest, common))
    return found


def registers_of(members):
    """{member pk: [entries]}: the register of each of ``members`` (seats of one partnership's
    committees), in one query."""
    members = list(members)
    if not members:
        return {}
    partnership_id = members[0].committee.partnership_id
    entries = RegisteredInterest.objects.filter(partnership_id=partnership_id).filter(
        Q(member__user_id__in=[m.user_id for m in members if m.user_id])
        | Q(member_id__in=[m.pk for m in members if not m.user_id])
    )
    by_person = {}
    for interest in entries.select_related("member", "organisation").order_by("from_date", "pk"):
        by_person.setdefault(_person(interest.member), []).append(interest)
    return {member.pk: by_person.get(_person(member), []) for member in members}


def agenda_items(meeting):
    """The items of ``meeting``'s agenda as published (late items once on a supplement)."""
    return [item for item in meeting.items.select_related("report") if not item.awaiting_supplement]


def meeting_matches(meeting, member):
    """The matches between ``meeting``'s published items and ``member``'s register."""
    return matches(agenda_items(meeting), registers_of([member])[member.pk], meeting.date)


def declaration_prompts(meeting):
    """Reminders asking each member with an account, whose register touches the published agenda
    of ``meeting``, to declare at the meeting. An exempt item is named by its number only: an
    e-mail leaves the system."""
    from committees import access

    members = [
        m
        for m in meeting.committee.members.filter(user__isnull=False, user__is_active=True).select_related(
            "user", "committee"
        )
        if m.is_current_on(meeting.date)
    ]
    items = agenda_items(meeting)
    registers = registers_of(members)
    prompts = []
    for member in members:
        found = matches(items, registers[member.pk], meeting.date)
        if not found:
            continue
        lines = []
        for match in found:
            if access.is_exempt(match.item):
                lines.append(f"Item {match.item.number} (taken in private): see the meeting page.")
            else:
                lines.append(
                    f"Item {match.item.number}, {match.item.title}: your entry "
                    f"{match.interest.reference} names {', '.join(match.terms)}."
                )
        prompts.append(
            {
                "key": f"committees:declare:{meeting.pk}:{member.user_id}:{len(items)}",
                "recipient": member.user,
                "subject": f"Interests to declare? {meeting.committee.name}, {meeting.date:%-d %B %Y}",
                "body": "The agenda is published. These items may touch interests on your register; "
                "if so, declare them at the meeting:\n\n" + "\n".join(lines),
                "link": meeting.agenda_url + "#your-interests",
                "due": meeting.date,
                "partnership": meeting.committee.partnership,
            }
        )
    return prompts
