"""Demo data for the core: the bodies and partnerships of the five papers in
shared/seeds/, and a demo person for each role in each body.

Every function here is idempotent (keyed by natural keys), so load_demo can
run again without duplicating anything.
"""

import datetime

from django.contrib.auth import get_user_model

from partnership.choices import OrganisationKind, PartnerRole, PartnershipStatus, Role
from partnership.models import Membership, Organisation, Partner, Partnership

DEMO_PASSWORD = "concordat-demo"

ROLE_SLUGS = {
    Role.OFFICER: "officer",
    Role.FINANCE_OFFICER: "finance",
    Role.SIGNATORY: "signatory",
    Role.COMMITTEE_SECRETARY: "secretary",
    Role.AUDITOR: "auditor",
    Role.ADMINISTRATOR: "admin",
}

D = datetime.date

#: key: (name, short name, kind, ODS, ONS, active from, active to, successor key). The NHS
#: bodies of the papers have neither: their abolition and successors are recorded by the
#: reorganisations of ``partnership.demo_history``, the last step of ``load_demo``.
ORGANISATIONS = {
    "bsw-icb": (
        "NHS Bath and North East Somerset, Swindon and Wiltshire Integrated Care Board",
        "BSW ICB",
        OrganisationKind.ICB,
        "QOX",
        "",
        D(2022, 7, 1),
        None,
        None,
    ),
    "bsw-ccg": (
        "NHS Bath and North East Somerset, Swindon and Wiltshire CCG",
        "BSW CCG",
        OrganisationKind.CCG,
        "92G",
        "",
        D(2020, 4, 1),
        None,
        None,
    ),
    "banes-ccg": (
        "NHS Bath and North East Somerset Clinical Commissioning Group",
        "B&NES CCG",
        OrganisationKind.CCG,
        "11E",
        "",
        D(2012, 4, 1),
        None,
        None,
    ),
    "banes-pct": (
        "NHS Bath and North East Somerset (PCT)",
        "B&NES PCT",
        OrganisationKind.PCT,
        "5FL",
        "",
        D(2006, 10, 1),
        None,
        None,
    ),
    "banes-council": (
        "Bath and North East Somerset Council",
        "B&NES Council",
        OrganisationKind.LOCAL_AUTHORITY,
        "",
        "E06000022",
        D(1996, 4, 1),
        None,
        None,
    ),
    "cheshire-east-council": (
        "Cheshire East Council",
        "Cheshire East",
        OrganisationKind.LOCAL_AUTHORITY,
        "",
        "E06000049",
        D(2009, 4, 1),
        None,
        None,
    ),
    "cheshire-pct": (
        "NHS Central and Eastern Cheshire Primary Care Trust",
        "CEC PCT",
        OrganisationKind.PCT,
        "5NP",
        "",
        D(2006, 10, 1),
        None,
        None,
    ),
    "worcs-council": (
        "Worcestershire County Council",
        "Worcestershire CC",
        OrganisationKind.LOCAL_AUTHORITY,
        "",
        "E10000034",
        D(1998, 4, 1),
        None,
        None,
    ),
    "worcs-pct": (
        "NHS Worcestershire (Primary Care Trust)",
        "Worcestershire PCT",
        OrganisationKind.PCT,
        "5PL",
        "",
        D(2006, 10, 1),
        None,
        None,
    ),
    "walsall-council": (
        "Walsall Metropolitan Borough Council",
        "Walsall Council",
        OrganisationKind.LOCAL_AUTHORITY,
        "",
        "E08000030",
        D(1974, 4, 1),
        None,
        None,
    ),
    "nhs-walsall": (
        "NHS Walsall (Primary Care Trust)",
        "NHS Walsall",
        OrganisationKind.PCT,
        "5M1",
        "",
        D(2006, 10, 1),
        None,
        None,
    ),
}

#: slug: (name, area, status, established, description, [(org key, role, joined, left)])
PARTNERSHIPS = {
    "banes": (
        "Bath and North East Somerset health and care partnership",
        "Bath and North East Somerset",
        PartnershipStatus.ACTIVE,
        D(2012, 9, 1),
        "The Council and the CCG work together under the Joint Working Framework of September 2012, "
        "which superseded the Council's arrangements with the PCT. In 2017 Cabinet proposed an "
        "Integrated Health and Care Board with delegated powers from both bodies, in shadow form "
        "from January 2018.",
        [
            ("banes-council", PartnerRole.HOST, D(2012, 9, 1), None),
            ("banes-ccg", PartnerRole.PARTNER, D(2012, 9, 1), None),
            ("banes-pct", PartnerRole.PARTNER, D(2006, 10, 1), D(2013, 3, 31)),
        ],
    ),
    "cheshire-east": (
        "Cheshire East health and wellbeing partnership",
        "Cheshire East",
        PartnershipStatus.ACTIVE,
        D(2009, 4, 1),
        "Cheshire East Council and Central and Eastern Cheshire PCT: closer working across seven "
        "dimensions of jointness (strategy, structure, staffing, skills, sites, systems and style), "
        "with a Joint Commissioning Board holding delegated authority over agreed resources.",
        [
            ("cheshire-east-council", PartnerRole.PARTNER, D(2009, 4, 1), None),
            ("cheshire-pct", PartnerRole.PARTNER, D(2009, 4, 1), None),
        ],
    ),
    "worcestershire": (
        "Worcestershire joint commissioning partnership",
        "Worcestershire",
        PartnershipStatus.ACTIVE,
        D(2008, 4, 1),
        "The concordat between Worcestershire County Council and Worcestershire PCT: two joint "
        "commissioning units (adults, children) under Section 75 framework agreements replacing the "
        "Section 31 agreements that expired in March 2008.",
        [
            ("worcs-council", PartnerRole.PARTNER, D(2008, 4, 1), None),
            ("worcs-pct", PartnerRole.PARTNER, D(2008, 4, 1), None),
        ],
    ),
    "walsall": (
        "Walsall joint commissioning partnership",
        "Walsall",
        PartnershipStatus.ACTIVE,
        D(2009, 4, 1),
        "Walsall Council and NHS Walsall: a Joint Commissioning Unit under a Section 75 agreement, "
        "with aligned budgets of about £97m. Each body keeps sovereignty over its money and may "
        "dissolve the arrangement.",
        [
            ("walsall-council", PartnerRole.PARTNER, D(2009, 4, 1), None),
            ("nhs-walsall", PartnerRole.HOST, D(2009, 4, 1), None),
        ],
    ),
}

#: Bodies with a demo person in every role.
DEMO_BODIES = [
    "banes-council",
    "banes-ccg",
    "cheshire-east-council",
    "cheshire-pct",
    "worcs-council",
    "worcs-pct",
    "walsall-council",
    "nhs-walsall",
]

#: Named people from the papers, as extra demo logins: username: (first, last, [(org, role, job)]).
NAMED_PEOPLE = {
    "jcu-manager": (
        "Jo",
        "Carter",
        [
            (
                "nhs-walsall",
                Role.OFFICER,
                "Joint Commissioning Unit Manager (employed by NHS Walsall)",
            ),
            (
                "walsall-council",
                Role.OFFICER,
                "Joint Commissioning Unit Manager (S113, jointly managed)",
            ),
            ("nhs-walsall", Role.SIGNATORY, "Joint Commissioning Unit Manager"),
        ],
    ),
    # Members of the B&NES Integrated Health and Care Board, who keep their own register of interests.
    "banes-cabinet-member": (
        "Cabinet Member",
        "(Adult Care)",
        [("banes-council", Role.OFFICER, "Cabinet Member for Adult Care, Health and Wellbeing")],
    ),
    "banes-ccg-chair": ("CCG", "Chair", [("banes-ccg", Role.OFFICER, "Clinical Chair")]),
}


def load(stdout=None):
    """Create or update the core demo records; returns {key: Organisation}."""
    organisations = {}
    for key, (name, short, kind, ods, ons, start, end, _successor) in ORGANISATIONS.items():
        organisations[key] = _update_or_create(
            Organisation,
            {"name": name},
            short_name=short,
            kind=kind,
            ods_code=ods,
            ons_code=ons,
            active_from=start,
            active_to=end,
        )
    for key, spec in ORGANISATIONS.items():
        successor = organisations.get(spec[7])
        org = organisations[key]
        if org.successor_id != (successor.pk if successor else None):
            org.successor = successor
            org._change_reason = "Demo data"
            org.save()

    partnerships = {}
    for slug, (name, area, status, established, description, partners) in PARTNERSHIPS.items():
        partnership = _update_or_create(
            Partnership,
            {"slug": slug},
            name=name,
            area=area,
            status=status,
            established=established,
            description=description,
        )
        partnerships[slug] = partnership
        for org_key, role, joined, left in partners:
            _update_or_create(
                Partner,
                {"partnership": partnership, "organisation": organisations[org_key]},
                role=role,
                joined=joined,
                left=left,
            )

    User = get_user_model()
    admin, created = User.objects.get_or_create(
        username="admin",
        defaults={
            "first_name": "Site",
            "last_name": "Administrator",
            "is_staff": True,
            "is_superuser": True,
            "email": "admin@concordat.invalid",
        },
    )
    if created:
        admin.set_password(DEMO_PASSWORD)
        admin.save()

    for org_key in DEMO_BODIES:
        org = organisations[org_key]
        for role, slug in ROLE_SLUGS.items():
            user = _demo_user(f"{org_key}-{slug}", org.display_name, Role(role).label)
            _membership(user, org, role, f"{Role(role).label}, {org.display_name}")

    for username, (first, last, roles) in NAMED_PEOPLE.items():
        user = _demo_user(username, first, last, exact=True)
        for org_key, role, job in roles:
            _membership(user, organisations[org_key], role, job)

    external = _update_or_create(
        Organisation,
        {"name": "Grant Thornton UK LLP (external audit)"},
        short_name="External audit",
        kind=OrganisationKind.OTHER,
    )
    auditor = _demo_user("external-auditor", "External", "Auditor")
    if not Membership.objects.filter(user=auditor, organisation=external, role=Role.AUDITOR).exists():
        Membership.objects.create(
            user=auditor,
            organisation=external,
            role=Role.AUDITOR,
            partnership=partnerships["banes"],
            job_title="Engagement lead, B&NES partnership audit",
        )
    return {"organisations": organisations, "partnerships": partnerships}


def _update_or_create(model, lookup, **values):
    """Like update_or_create, but saves (and writes history) only when something changed."""
    obj = model.objects.filter(**lookup).first()
    if obj is None:
        obj = model(**lookup, **values)
        obj._change_reason = "Demo data"
        obj.save()
        return obj
    changed = [name for name, value in values.items() if getattr(obj, name) != value]
    if changed:
        for name in changed:
            setattr(obj, name, values[name])
        obj._change_reason = "Demo data"
        obj.save()
    return obj


def _demo_user(username, first, last, exact=False):
    User = get_user_model()
    user, created = User.objects.get_or_create(
        username=username,
        defaults={"first_name": first, "last_name": last, "email": f"{username}@concordat.invalid"},
    )
    if created:
        user.set_password(DEMO_PASSWORD)
        user.save()
    return user


def _membership(user, organisation, role, job_title):
    if not Membership.objects.filter(
        user=user, organisation=organisation, role=role, partnership__isnull=True
    ).exists():
        Membership.objects.create(user=user, organisation=organisation, role=role, job_title=job_title)
