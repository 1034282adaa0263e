"""Finance's own rules: who may change a partnership's money, built on ``partnership.permissions``.

* A budget (its details and fixed risk shares) is changed by officers and
  finance officers of the partner bodies.
* A body's contribution, and the plans and monitoring of a line it runs, are
  entered by that body's finance officers only.
* A line is run by one body: its officers and finance officers change it.
* An S256 transfer is the paying NHS body's: its officers and finance
  officers record it.
* A year is closed or reopened by finance officers of the host body (or,
  with no host, of any partner body); they also keep the fund's own figures
  for a year (its contingency, income and the ledger totals).
* A contribution's instalments are scheduled and marked paid by the
  contributing body's finance officers.
* The statutory reports are issued by the host body's finance officers;
  each body's finance officers name the officer who receives them.

Read-only roles (auditors) change nothing. Every write service in
``finance.services`` asks these itself, so the views, admin actions, tasks
and the demo loader cannot go round them; the views ask them too, to offer
only what a person may do.
"""

from finance.models import Budget, BudgetLine, Contribution, Transfer
from partnership import permissions
from partnership.choices import Role


def _may_write(user):
    return user.is_authenticated and not permissions.is_read_only(user)


def _may_create_or_change(user, obj, partnership, owner=None):
    """A new ``obj``: a role that creates its model (for ``owner``). A stored one: permission to
    change it as stored, and to hold it as it will be saved (for ``owner``)."""
    if not _may_write(user):
        return False
    if obj.pk and not permissions.can_change(user, obj):
        return False
    return permissions.can_create(user, type(obj), partnership, owner)


def may_add_budget(user, partnership):
    return _may_write(user) and permissions.can_create(user, Budget, partnership)


def may_save_budget(user, budget):
    return _may_create_or_change(user, budget, budget.partnership)


def may_add_line(user, partnership):
    return _may_write(user) and permissions.can_create(user, BudgetLine, partnership)


def may_save_line(user, line):
    return _may_create_or_change(user, line, line.budget.partnership, line.organisation)


def may_enter_figures(user, partnership, organisation=None):
    """May ``user`` enter ``organisation``'s contribution, or the plans and monitoring of a line it
    runs (without ``organisation``: of any body they act for)? Its finance officers only."""
    return _may_write(user) and permissions.can_create(user, Contribution, partnership, organisation)


def may_add_transfer(user, partnership):
    return _may_write(user) and permissions.can_create(user, Transfer, partnership)


def may_save_transfer(user, transfer):
    return _may_create_or_change(user, transfer, transfer.agreement.partnership, transfer.from_organisation)


def may_close_year(user, budget):
    """Finance officers of the host body (or, with no host, of any partner body) close and reopen years."""
    if not _may_write(user):
        return False
    if user.is_superuser:
        return True
    bodies = [budget.host] if budget.host_id else [p.organisation for p in budget.partnership.partners.all()]
    return any(
        permissions.has_role(user, body, Role.FINANCE_OFFICER, partnership=budget.partnership)
        for body in bodies
    )


def may_keep_fund_accounts(user, budget):
    """The host's figures for a year (contingency, income, ledger totals): whoever closes its years."""
    return may_close_year(user, budget)


def may_schedule_instalments(user, contribution):
    """A contribution's instalments are its body's: its finance officers only."""
    return may_enter_figures(user, contribution.budget.partnership, contribution.organisation)


def may_issue_reports(user, budget):
    """The statutory reports are the host (lead) body's: whoever closes the fund's years."""
    return may_close_year(user, budget)


def may_name_report_recipient(user, budget, organisation):
    """Each body names its own officer to receive the reports: its finance officers only."""
    if permissions.is_read_only(user):
        return False
    if user.is_superuser:
        return True
    return organisation in permissions.bodies_acting_for(user, budget.partnership, Role.FINANCE_OFFICER)


def may_agree_contribution(user, organisation, partnership, on=None):
    """Only a finance officer acting for the contributing body (on ``on``, today) records that
    its chief finance officer agreed its contribution: never another body's officer."""
    if permissions.is_read_only(user):
        return False
    return organisation in permissions.bodies_acting_for(user, partnership, Role.FINANCE_OFFICER, on=on)
