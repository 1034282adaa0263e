"""Reading amounts of money as people type them: "1,234.56", "£1,234.56"."""

import re
from decimal import Decimal, InvalidOperation

PENNY = Decimal("0.01")
#: The largest amount Concordat accepts anywhere: £10bn.
MAX_AMOUNT = Decimal("10000000000.00")

_GROUPED = re.compile(r"^\d{1,3}(,\d{3})+(\.\d+)?$")
_PLAIN = re.compile(r"^\d+(\.\d+)?$")


class MoneyError(ValueError):
    """An amount that cannot be accepted; the message says why (without the field name)."""


def parse_money(text, *, allow_negative=False, maximum=MAX_AMOUNT):
    """``"£1,234.56"`` -> ``Decimal("1234.56")``.

    Accepts an optional pound sign, thousands separated by commas (in
    groups of three), and up to two decimal places. Refuses anything else
    with a :class:`MoneyError` saying why.
    """
    if isinstance(text, Decimal | int):
        value = Decimal(text)
        raw = str(text)
    else:
        raw = str(text).strip()
        negative = False
        if raw.startswith(("-", "−")):
            negative = True
            raw = raw[1:].strip()
        if raw.startswith("£"):
            raw = raw[1:].strip()
        if raw.startswith(("-", "−")):
            negative = True
            raw = raw[1:].strip()
        if not raw:
            raise MoneyError("must be in pounds and pence, like 1,234.56")
        if not (_PLAIN.match(raw) or _GROUPED.match(raw)):
            raise MoneyError("must be in pounds and pence, like 1,234.56 or £1,234.56")
        try:
            value = Decimal(raw.replace(",", ""))
        except InvalidOperation as exc:  # pragma: no cover - the patterns above prevent it
            raise MoneyError("must be in pounds and pence, like 1,234.56") from exc
        if negative:
            value = -value
    if not value.is_finite():
        raise MoneyError("must be in pounds and pence, like 1,234.56")
    if value != value.quantize(PENNY):
        raise MoneyError("must have no more than two decimal places (pence)")
    if value < 0 and not allow_negative:
        raise MoneyError("must not be negative")
    if abs(value) > maximum:
        raise MoneyError(f"must be no more than £{maximum:,.0f}")
    return value.quantize(PENNY)
