"""The one place that makes exported spreadsheet cells safe to open.

A spreadsheet reads a cell that begins with ``=``, ``+``, ``-``, ``@``, a tab
or a carriage return as a formula, so user text such as an agreement titled
``=HYPERLINK(...)`` would run when a CSV or XLSX export is opened. Every
export (the registers' CSV/XLSX, the audit log CSV, the finance workbooks)
passes its text cells through :func:`safe_cell`, which prefixes such text
with a single quote. Numbers stay numbers: only text is touched, and text
that is just a number (``-1,250.00``) is left alone.
"""

import re

from django_tables2.export import TableExport

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
PLAIN_NUMBER = re.compile(r"[-+]?£?[\d,]*\.?\d+%?")


def safe_cell(value):
    """``value`` as it may go into a spreadsheet cell: text that could run as a formula quoted."""
    if not isinstance(value, str):
        return value
    if value.startswith(FORMULA_STARTS) and not PLAIN_NUMBER.fullmatch(value):
        return "'" + value
    return value


def safe_row(values):
    return [safe_cell(value) for value in values]


def safe_workbook(workbook):
    """Quote every text cell of an openpyxl ``workbook`` that could run as a formula."""
    for sheet in workbook.worksheets:
        for row in sheet.iter_rows():
            for cell in row:
                if isinstance(cell.value, str):
                    cell.value = safe_cell(cell.value)
    return workbook


class SafeTableExport(TableExport):
    """django-tables2's export, in CSV or XLSX only, with every cell through :func:`safe_cell`."""

    @classmethod
    def is_valid_format(cls, export_format):
        # Not the other tablib formats: some need libraries that are not installed.
        return export_format in (cls.CSV, cls.XLSX)

    def table_to_dataset(self, table, exclude_columns, dataset_kwargs=None):
        dataset = super().table_to_dataset(table, exclude_columns, dataset_kwargs)
        rows = (safe_row(row) for row in dataset)
        return type(dataset)(*rows, headers=dataset.headers, title=dataset.title)
