"""Report clearance: the reviews a report needs before it is approved for publication, and where
each stands.

A report needs a review of each kind (finance, legal, monitoring officer or governance lead) for
which the body that writes it names reviewers in the partnership, and, for a joint report, a
review by the lead of each partner body it is written with. A review counts for the report as it
stood when it was given (its fingerprint): any change to the text, costs or appendices since
leaves it to be given again. Who may give each review is :func:`committees.access.may_clear`;
the writes are ``services.record_clearance`` and ``services.finalise_report``, which refuses a
report with a review outstanding.
"""

import hashlib
import json
from dataclasses import dataclass

from committees.choices import ClearanceKind, ClearanceOutcome
from committees.models import ClearanceReviewer, Report

#: The reviews a body may require of its reports (a joint report's partner leads are any of the
#: partner body's officers, named by no one).
BODY_KINDS = (ClearanceKind.FINANCE, ClearanceKind.LEGAL, ClearanceKind.MONITORING_OFFICER)


def fingerprint(report):
    """A digest of what a reviewer reads: the report's title, cover sheet and sections, its cost
    lines and its appendices."""
    fields = ["title", "exempt", "exempt_paragraph", "attachments", "contact_person", *Report.SECTION_FIELDS]
    content = {
        "report": [str(getattr(report, name)) for name in fields],
        "costs": [
            [line.label, line.year_label, str(line.amount), line.note]
            for line in report.cost_lines.order_by("order", "pk")
        ],
        "appendices": [[a.pk, a.title, a.file.name] for a in report.appendices.order_by("pk")],
    }
    return hashlib.sha256(json.dumps(content, sort_keys=True).encode()).hexdigest()


@dataclass
class Requirement:
    kind: str
    organisation: object
    latest: object = None  # the last review given, if any
    current: bool = False  # given on the report as it stands now

    @property
    def label(self):
        return ClearanceKind(self.kind).label

    @property
    def cleared(self):
        return self.current and self.latest.outcome == ClearanceOutcome.CLEARED


def requirements(report, fingerprint_now=None):
    """[Requirement] for ``report``, each with its latest review (one query for the reviews, one
    for the kinds its body requires, one for the joint bodies)."""
    kinds = set(
        ClearanceReviewer.objects.filter(
            partnership_id=report.partnership_id, organisation_id=report.organisation_id
        ).values_list("kind", flat=True)
    )
    needed = [(kind, report.organisation) for kind in BODY_KINDS if kind in kinds]
    needed += [(ClearanceKind.PARTNER_LEAD, body) for body in report.joint_with.order_by("name")]
    latest = {}
    for clearance in report.clearances.select_related("reviewed_by").order_by("created_at", "pk"):
        latest[(clearance.kind, clearance.organisation_id)] = clearance
    now = fingerprint_now or fingerprint(report)
    found = []
    for kind, body in needed:
        last = latest.get((kind, body.pk))
        found.append(Requirement(kind, body, last, last is not None and last.fingerprint == now))
    return found


def outstanding(report):
    """The requirements of ``report`` not yet cleared on the report as it stands."""
    return [requirement for requirement in requirements(report) if not requirement.cleared]


def describe(requirement):
    if requirement.kind == ClearanceKind.PARTNER_LEAD:
        return f"the lead of {requirement.organisation.display_name}"
    return f"{requirement.label.lower()} ({requirement.organisation.display_name})"
