"""Demo shared posts from the seed papers (shared/seeds/).

* B&NES Joint Working Framework (September 2012): joint management under
  Section 113 of the Local Government Act 1972, "staff of the B&NES Council were
  made available (effectively by partial secondment) to the PCT ... and vice
  versa"; some posts designated as ones the Council or the CCG must employ;
  recharges for S113 posts, whose net "remains minimal". The posts are the
  joint leadership named for the JCLT: the Strategic Director People and
  Communities, the CCG Chief Operating Officer, two Deputy Directors and the
  Director of Public Health, plus one vacant commissioning post.
* Walsall Cabinet, 15 July 2009: the Joint Commissioning Unit Manager,
  "employed formally by NHS Walsall, but managed jointly by the Head of
  Partnerships (NHS Walsall) and the Executive Director (Social Care and
  Inclusion)", salary "jointly funded", and not a signatory for the Council.

The papers give no costs or splits: every FTE, cost, date and percentage
below is ILLUSTRATIVE, chosen so that the B&NES recharges nearly offset, as
the framework says they do. Idempotent: posts are found by partnership and
title, and nothing unchanged is saved.
"""

import datetime
from decimal import Decimal

from django.contrib.auth import get_user_model

from partnership.choices import Role
from partnership.models import Membership
from staffing import services
from staffing.choices import EmployerDesignation
from staffing.models import Post

D = datetime.date
REASON = "Demo data"

#: (partnership, title, employer key, designation, rule, FTE, annual cost, start, end,
#:  holder name, holder username, vacant from, jointly managed, line managers, {body key: share %})
POSTS = [
    (
        "banes",
        "Strategic Director, People and Communities",
        "banes-council",
        EmployerDesignation.DESIGNATED,
        "Designated as a Council post under the S113 guidelines: the holder is the Council's "
        "statutory Director of Adult Social Services and Director of Children's Services. Made "
        "available to the CCG under Section 113 for the joint commissioning of health services.",
        "1.00",
        "140000.00",
        D(2013, 4, 1),
        None,
        "",
        "",
        None,
        True,
        "Chief Executive, B&NES Council; for CCG functions, the CCG Accountable Officer",
        {"banes-council": "70.00", "banes-ccg": "30.00"},
    ),
    (
        "banes",
        "Chief Operating Officer, B&NES CCG",
        "banes-ccg",
        EmployerDesignation.DESIGNATED,
        "Designated as a CCG post: a member of the CCG's corporate core, kept sufficient for "
        "critical mass in the event of the need to exit the joint arrangements.",
        "1.00",
        "115000.00",
        D(2013, 4, 1),
        None,
        "",
        "",
        None,
        True,
        "CCG Accountable Officer; for Council functions, the Strategic Director People and Communities",
        {"banes-ccg": "60.00", "banes-council": "40.00"},
    ),
    (
        "banes",
        "Deputy Director, Adult Care, Health and Housing Strategy and Commissioning",
        "banes-council",
        EmployerDesignation.OPEN,
        "Employer chosen under the S113 guidelines for new posts: the Council, as the team it leads "
        "was mostly Council-employed.",
        "1.00",
        "95000.00",
        D(2013, 4, 1),
        None,
        "",
        "",
        None,
        True,
        "Strategic Director People and Communities and CCG Chief Operating Officer",
        {"banes-council": "50.00", "banes-ccg": "50.00"},
    ),
    (
        "banes",
        "Deputy Director, Integrated Commissioning (Health)",
        "banes-ccg",
        EmployerDesignation.OPEN,
        "Employer chosen under the S113 guidelines for new posts: the CCG.",
        "1.00",
        "95000.00",
        D(2013, 4, 1),
        None,
        "",
        "",
        None,
        True,
        "CCG Chief Operating Officer and Strategic Director People and Communities",
        {"banes-council": "50.00", "banes-ccg": "50.00"},
    ),
    (
        "banes",
        "Director of Public Health",
        "banes-council",
        EmployerDesignation.DESIGNATED,
        "Designated as a Council post: public health passed to the Council on 1 April 2013. The "
        "CCG takes a share for healthcare public health advice.",
        "1.00",
        "120000.00",
        D(2013, 4, 1),
        None,
        "",
        "",
        None,
        False,
        "Chief Executive, B&NES Council",
        {"banes-council": "80.00", "banes-ccg": "20.00"},
    ),
    (
        "banes",
        "Commissioning Manager, Mental Health",
        "banes-ccg",
        EmployerDesignation.OPEN,
        "Employer chosen under the S113 guidelines: the CCG.",
        "1.00",
        "52000.00",
        D(2013, 4, 1),
        None,
        "",
        "",
        D(2026, 1, 5),
        True,
        "Deputy Director, Integrated Commissioning (Health)",
        {"banes-council": "50.00", "banes-ccg": "50.00"},
    ),
    (
        "walsall",
        "Joint Commissioning Unit Manager",
        "nhs-walsall",
        EmployerDesignation.DESIGNATED,
        "Employed formally by NHS Walsall (Cabinet report, 15 July 2009, 3.3.3). Not a signatory for "
        "the Council, as not an employee of the Council (4.1.1): budgets and accountability rest with "
        "the Council service manager who holds its delegated authority.",
        "1.00",
        "65000.00",
        D(2009, 10, 1),
        D(2013, 3, 31),  # NHS Walsall was abolished on 31 March 2013
        "Jo Carter",
        "jcu-manager",
        None,
        True,
        "Head of Partnerships (NHS Walsall) and Executive Director, Social Care and Inclusion "
        "(Walsall Council)",
        {"nhs-walsall": "50.00", "walsall-council": "50.00"},
    ),
]


def load(context):
    from agreements.choices import AgreementKind
    from agreements.models import Agreement

    organisations = context["organisations"]
    partnerships = context["partnerships"]
    users = get_user_model().objects
    posts = {}
    for (
        partnership_key,
        title,
        employer_key,
        designation,
        rule,
        fte,
        cost,
        start,
        end,
        holder_name,
        holder_username,
        vacant_from,
        jointly_managed,
        line_managers,
        shares,
    ) in POSTS:
        partnership = partnerships[partnership_key]
        agreement = (
            Agreement.objects.filter(partnership=partnership, kind=AgreementKind.S113).order_by("pk").first()
        )
        values = {
            "employer": organisations[employer_key],
            "agreement": agreement,
            "employer_designation": designation,
            "designated_employer_rule": rule,
            "fte": Decimal(fte),
            "annual_cost": Decimal(cost),
            "start_date": start,
            "end_date": end,
            "holder_name": holder_name,
            "holder": users.filter(username=holder_username).first() if holder_username else None,
            "vacant": vacant_from is not None,
            "vacant_from": vacant_from,
            "jointly_managed": jointly_managed,
            "line_managers": line_managers,
        }
        post = Post.objects.filter(partnership=partnership, title=title).first()
        if post is None:
            post = Post(partnership=partnership, title=title)
        for name, value in values.items():
            setattr(post, name, value)
        services.save_post(
            post=post,
            shares={organisations[key]: Decimal(percent) for key, percent in shares.items()},
            user=_officer(organisations[employer_key]),
            reason=REASON,
        )
        posts[(partnership_key, title)] = post
    context["posts"] = posts
    return context


def _officer(organisation):
    """The demo's officer of ``organisation``, who keeps its posts."""
    return Membership.objects.filter(organisation=organisation, role=Role.OFFICER).order_by("pk").first().user
