"""The last step of the demo: the NHS bodies of the papers pass to their successors.

The papers name primary care trusts and a CCG that have since been abolished. This
step records each reorganisation that abolished them, in date order, through the
same service a site administrator uses (``partnership.reorganisation``), and
completes each transfer, so that every live record (a partner place, an agreement
party, a committee seat, a delegation, a membership, a post, a later year's
contribution) ends with the body that holds it today and each body's history
shows the handover. Expired and terminated agreements keep their historic parties:
the service moves only live records.

The chains (checked against the CCGs' and councils' announcements and local news of
the mergers, except where noted below):

- B&NES PCT to NHS Bath and North East Somerset CCG (1 April 2013); with Swindon and
  Wiltshire CCGs into NHS Bath and North East Somerset, Swindon and Wiltshire CCG
  (1 April 2020); to the BSW ICB (1 July 2022).
- NHS Walsall (the PCT) to NHS Walsall CCG (1 April 2013); with Dudley, Sandwell and
  West Birmingham, and Wolverhampton CCGs into NHS Black Country and West Birmingham
  CCG (1 April 2021); on 1 July 2022 the Black Country went to NHS Black Country ICB
  and West Birmingham to NHS Birmingham and Solihull ICB, so Walsall's records go to
  the Black Country ICB.
- Central and Eastern Cheshire PCT (the former Macclesfield, Congleton, Crewe and
  Nantwich and Vale Royal districts) split between NHS Eastern Cheshire, NHS South
  Cheshire and NHS Vale Royal CCGs (1 April 2013); they and NHS West Cheshire CCG
  merged into NHS Cheshire CCG (1 April 2020); to NHS Cheshire and Merseyside ICB
  (1 July 2022).
- NHS Worcestershire (the PCT) split between NHS Redditch and Bromsgrove, NHS South
  Worcestershire and NHS Wyre Forest CCGs (1 April 2013); with NHS Herefordshire CCG
  merged into NHS Herefordshire and Worcestershire CCG (1 April 2020); to NHS
  Herefordshire and Worcestershire ICB (1 July 2022).

Choices for the splits: county-wide records (the partner place, the agreements, the
pooled money, the members' seats) go to one lead successor, Eastern Cheshire CCG for
Cheshire East and South Worcestershire CCG for Worcestershire; in life they were
shared by agreement between the CCGs, which one record cannot show. The Crewe
locality's seat and delegation go to South Cheshire CCG (Crewe, Nantwich, Alsager and
Sandbach, per Cheshire East Council's minutes on the CCGs), which joins the
partnership on 1 April 2013; Vale Royal CCG (in Cheshire West and Chester) takes none.

Uncertain or simplified: that Central and Eastern Cheshire PCT covered Vale Royal
(it was formed in 2006 from Central Cheshire PCT, which did) is from memory, not a
source read here; the 2022 ICBs each took over several CCGs, and only the demo's CCG
is recorded as abolished; the ODS codes are as remembered from NHS Digital's
published lists, not checked here, the least certain being BCWB CCG's (D2P2L) and the
ICBs'.

Idempotent: a reorganisation already recorded (by name) is left as it is, or only
completed if its transfer is still open; one whose bodies someone has already abolished
by a reorganisation of their own (trying the feature on the demo) is left to them.
"""

import datetime

from django.contrib.auth import get_user_model

from partnership import reorganisation as service
from partnership.choices import OrganisationKind, PartnerRole, ReorganisationSide
from partnership.demo import ORGANISATIONS
from partnership.models import Organisation, Partner, Partnership, Reorganisation, ReorganisationBody

D = datetime.date
CCG = OrganisationKind.CCG
ICB = OrganisationKind.ICB

#: Successor bodies the core demo does not already have: key: (name, short name, kind, ODS, first day).
SUCCESSORS = {
    "swindon-ccg": ("NHS Swindon CCG", "Swindon CCG", CCG, "12D", D(2013, 4, 1)),
    "wiltshire-ccg": ("NHS Wiltshire CCG", "Wiltshire CCG", CCG, "99N", D(2013, 4, 1)),
    "walsall-ccg": ("NHS Walsall CCG", "Walsall CCG", CCG, "05Y", D(2013, 4, 1)),
    "dudley-ccg": ("NHS Dudley CCG", "Dudley CCG", CCG, "05C", D(2013, 4, 1)),
    "swb-ccg": ("NHS Sandwell and West Birmingham CCG", "SWB CCG", CCG, "05L", D(2013, 4, 1)),
    "wolverhampton-ccg": ("NHS Wolverhampton CCG", "Wolverhampton CCG", CCG, "06A", D(2013, 4, 1)),
    "bcwb-ccg": (
        "NHS Black Country and West Birmingham CCG",
        "BCWB CCG",
        CCG,
        "D2P2L",
        D(2021, 4, 1),
    ),
    "black-country-icb": (
        "NHS Black Country Integrated Care Board",
        "Black Country ICB",
        ICB,
        "QUA",
        D(2022, 7, 1),
    ),
    "bsol-icb": (
        "NHS Birmingham and Solihull Integrated Care Board",
        "BSol ICB",
        ICB,
        "QHL",
        D(2022, 7, 1),
    ),
    "eastern-cheshire-ccg": ("NHS Eastern Cheshire CCG", "Eastern Cheshire CCG", CCG, "01C", D(2013, 4, 1)),
    "south-cheshire-ccg": ("NHS South Cheshire CCG", "South Cheshire CCG", CCG, "01R", D(2013, 4, 1)),
    "vale-royal-ccg": ("NHS Vale Royal CCG", "Vale Royal CCG", CCG, "02D", D(2013, 4, 1)),
    "west-cheshire-ccg": ("NHS West Cheshire CCG", "West Cheshire CCG", CCG, "02F", D(2013, 4, 1)),
    "cheshire-ccg": ("NHS Cheshire CCG", "Cheshire CCG", CCG, "27D", D(2020, 4, 1)),
    "cheshire-merseyside-icb": (
        "NHS Cheshire and Merseyside Integrated Care Board",
        "C&M ICB",
        ICB,
        "QYG",
        D(2022, 7, 1),
    ),
    "redditch-bromsgrove-ccg": (
        "NHS Redditch and Bromsgrove CCG",
        "Redditch and Bromsgrove CCG",
        CCG,
        "05J",
        D(2013, 4, 1),
    ),
    "south-worcs-ccg": ("NHS South Worcestershire CCG", "South Worcs CCG", CCG, "05T", D(2013, 4, 1)),
    "wyre-forest-ccg": ("NHS Wyre Forest CCG", "Wyre Forest CCG", CCG, "06D", D(2013, 4, 1)),
    "herefordshire-ccg": ("NHS Herefordshire CCG", "Herefordshire CCG", CCG, "05F", D(2013, 4, 1)),
    "hw-ccg": ("NHS Herefordshire and Worcestershire CCG", "H&W CCG", CCG, "18C", D(2020, 4, 1)),
    "hw-icb": (
        "NHS Herefordshire and Worcestershire Integrated Care Board",
        "H&W ICB",
        ICB,
        "QGH",
        D(2022, 7, 1),
    ),
}

PCTS_ABOLISHED = "Health and Social Care Act 2012, s.34 (primary care trusts abolished)"
CCGS_MERGED = "CCGs merged on their application, approved by NHS England (National Health Service Act 2006)"
ICBS_ESTABLISHED = "Health and Care Act 2022 (CCGs abolished, integrated care boards established)"

#: In date order: (name, first day of the successors, legal basis, abolished, successors,
#: for a split: the lead successor that takes the demo's records, and any record whose
#: description names a place that went to another successor).
REORGANISATIONS = [
    (
        "B&NES PCT to NHS Bath and North East Somerset CCG",
        D(2013, 4, 1),
        PCTS_ABOLISHED,
        ["banes-pct"],
        ["banes-ccg"],
        None,
    ),
    ("NHS Walsall to NHS Walsall CCG", D(2013, 4, 1), PCTS_ABOLISHED, ["nhs-walsall"], ["walsall-ccg"], None),
    (
        "Central and Eastern Cheshire PCT split between three CCGs",
        D(2013, 4, 1),
        PCTS_ABOLISHED,
        ["cheshire-pct"],
        ["eastern-cheshire-ccg", "south-cheshire-ccg", "vale-royal-ccg"],
        ("eastern-cheshire-ccg", {"Crewe": "south-cheshire-ccg"}),
    ),
    (
        "NHS Worcestershire split between three CCGs",
        D(2013, 4, 1),
        PCTS_ABOLISHED,
        ["worcs-pct"],
        ["redditch-bromsgrove-ccg", "south-worcs-ccg", "wyre-forest-ccg"],
        ("south-worcs-ccg", {}),
    ),
    (
        "B&NES, Swindon and Wiltshire CCGs merged",
        D(2020, 4, 1),
        CCGS_MERGED,
        ["banes-ccg", "swindon-ccg", "wiltshire-ccg"],
        ["bsw-ccg"],
        None,
    ),
    (
        "Cheshire CCGs merged into NHS Cheshire CCG",
        D(2020, 4, 1),
        CCGS_MERGED,
        ["eastern-cheshire-ccg", "south-cheshire-ccg", "vale-royal-ccg", "west-cheshire-ccg"],
        ["cheshire-ccg"],
        None,
    ),
    (
        "Herefordshire and Worcestershire CCGs merged",
        D(2020, 4, 1),
        CCGS_MERGED,
        ["redditch-bromsgrove-ccg", "south-worcs-ccg", "wyre-forest-ccg", "herefordshire-ccg"],
        ["hw-ccg"],
        None,
    ),
    (
        "Black Country and West Birmingham CCGs merged",
        D(2021, 4, 1),
        CCGS_MERGED,
        ["walsall-ccg", "dudley-ccg", "swb-ccg", "wolverhampton-ccg"],
        ["bcwb-ccg"],
        None,
    ),
    ("BSW CCG to the BSW ICB", D(2022, 7, 1), ICBS_ESTABLISHED, ["bsw-ccg"], ["bsw-icb"], None),
    (
        "BCWB CCG to the Black Country and the Birmingham and Solihull ICBs",
        D(2022, 7, 1),
        ICBS_ESTABLISHED,
        ["bcwb-ccg"],
        ["black-country-icb", "bsol-icb"],
        ("black-country-icb", {}),
    ),
    (
        "NHS Cheshire CCG to NHS Cheshire and Merseyside ICB",
        D(2022, 7, 1),
        ICBS_ESTABLISHED,
        ["cheshire-ccg"],
        ["cheshire-merseyside-icb"],
        None,
    ),
    (
        "NHS Herefordshire and Worcestershire CCG to its ICB",
        D(2022, 7, 1),
        ICBS_ESTABLISHED,
        ["hw-ccg"],
        ["hw-icb"],
        None,
    ),
]

REASON = "Demo data: the papers' NHS bodies pass to their successors"


def started():
    """Has the demo's history been applied, even in part? Loading the papers again after
    it would bring back the abolished bodies' places, so ``load_demo`` then stops."""
    return Reorganisation.objects.filter(name__in=[spec[0] for spec in REORGANISATIONS]).exists()


def load():
    """Record and complete each reorganisation not yet done; returns {key: Organisation}."""
    bodies = {key: Organisation.objects.get(name=spec[0]) for key, spec in ORGANISATIONS.items()}
    for key, (name, short, kind, ods, first_day) in SUCCESSORS.items():
        bodies[key] = _body(name, short, kind, ods, first_day)
    admin = get_user_model().objects.get(username="admin")
    # South Cheshire CCG (Crewe, Nantwich, Alsager, Sandbach) took the Crewe locality's
    # seats and delegation: it was a partner in Cheshire East as well.
    _join("cheshire-east", bodies["south-cheshire-ccg"], D(2013, 4, 1), bodies["eastern-cheshire-ccg"])
    for spec in REORGANISATIONS:
        _reorganise(spec, bodies, admin)
    return bodies


def _body(name, short, kind, ods, first_day):
    """Created once; never updated here, since the reorganisations end its life."""
    body = Organisation.objects.filter(name=name).first()
    if body is None:
        body = Organisation(name=name, short_name=short, kind=kind, ods_code=ods, active_from=first_day)
        body._change_reason = "Demo data"
        body.save()
    return body


def _reorganise(spec, bodies, admin):
    name, takes_effect, legal_basis, abolished, successors, split = spec
    reorganisation = Reorganisation.objects.filter(name=name).first()
    if reorganisation is None:
        recorded_elsewhere = ReorganisationBody.objects.filter(
            organisation__in=[bodies[key] for key in abolished], side=ReorganisationSide.ABOLISHED
        )
        if recorded_elsewhere.exists():
            return
        reorganisation = service.record_reorganisation(
            name=name,
            takes_effect=takes_effect,
            abolished=[bodies[key] for key in abolished],
            successors=[bodies[key] for key in successors],
            user=admin,
            legal_basis=legal_basis,
            reason=REASON,
        )
    if reorganisation.is_completed:
        return
    touched = service.touched_records(reorganisation)
    if split is None:
        choices = service.default_choices(reorganisation, touched)
    else:
        lead, by_place = split
        choices = {record.key: str(bodies[_successor_for(record, lead, by_place)].pk) for record in touched}
    service.complete_transfer(reorganisation=reorganisation, choices=choices, user=admin, reason=REASON)


def _successor_for(record, lead, by_place):
    for place, successor in by_place.items():
        if place in record.label:
            return successor
    return lead


def _join(partnership_slug, body, joined, beside):
    """A successor of a split that takes records of a partnership joins it on its first day,
    beside the lead successor the partner place itself moves to."""
    if not Partner.objects.filter(partnership__slug=partnership_slug, organisation=body).exists():
        place = Partner(
            partnership=Partnership.objects.get(slug=partnership_slug),
            organisation=body,
            role=PartnerRole.PARTNER,
            joined=joined,
        )
        place._change_reason = f"Demo data: joined beside {beside.display_name}"
        place.save()
