"""Ending a pooled fund: the settlement between the bodies, and what stops the fund closing.

At exit nothing is carried into a next year: each body's closing balance of the final year
goes back to it, on top of the year end's settlement under the agreement's rules. So a body
owes the fund its overspend cover, less any underspend returned and its closing balance; a
negative amount is what the fund owes the body. The fund closes only when every amount is
paid, the final year is closed (if it has any figures), every contribution to it is received (its
instalments paid), and every member of staff and asset is back with its body.
"""

from dataclasses import dataclass
from decimal import Decimal

from finance.cover import ZERO


@dataclass
class SettlementRow:
    body: object
    settlement: Decimal  # the final year's, under the agreement's rules
    closing: Decimal  # the final year's closing balance, returned at exit
    paid: Decimal

    @property
    def due(self):
        """Owed by the body to the fund (positive) or by the fund to the body (negative)."""
        return self.settlement - self.closing

    @property
    def outstanding(self):
        return self.due - self.paid


def settlement(working, payments):
    """One row per body of the final year's accounts ``working``, with ``payments`` made."""
    paid = {}
    for payment in payments:
        paid[payment.organisation_id] = paid.get(payment.organisation_id, ZERO) + payment.amount
    return [
        SettlementRow(
            body=account.body,
            settlement=account.settlement,
            closing=account.closing,
            paid=paid.get(account.body.pk, ZERO),
        )
        for account in (working.accounts if working else [])
    ]


def close_problems(final_year, rows, returns):
    """Why the fund cannot close yet (an empty list when it can), each in words."""
    problems = []
    if not final_year.is_closed and (final_year.contributions or final_year.lines):
        problems.append(f"Close the final year, {final_year.label}, first: its accounts are not final.")
    for row in rows:
        if row.outstanding > 0:
            problems.append(f"{row.body.name} still owes the fund £{row.outstanding:,}.")
        elif row.outstanding < 0:
            problems.append(f"The fund still owes {row.body.name} £{-row.outstanding:,}.")
    for account in final_year.working.accounts if final_year.working else []:
        if account.outstanding:
            problems.append(
                f"{account.body.name} has paid £{account.received:,} of its contribution of "
                f"£{account.contribution:,} for {final_year.label}."
            )
    for item in returns:
        if item.returned_on is None:
            problems.append(
                f"{item.get_kind_display()} not yet returned to {item.returned_to.name}: {item.description}."
            )
    return problems
