"""Whole numbers typed or sent in an address, read once, the same way everywhere."""

#: Digits in a database integer (bigint) that can never overflow it.
LONGEST_ID = 18


def whole_number(text, longest=LONGEST_ID):
    """The whole number ``text`` spells in at most ``longest`` of the digits 0 to 9, else None.

    ``str.isdigit()`` alone is not enough: it is true of "²" and "١٢", which ``int()``
    refuses or the database does not take, and of twenty nines, past any integer column.
    """
    if isinstance(text, str) and text.isascii() and text.isdigit() and len(text) <= longest:
        return int(text)
    return None
