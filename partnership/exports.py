"""The one place that makes exported spreadsheet cells safe to open.

A spreadsheet reads a cell that begins with ``=``, ``+``, ``-``, ``@``, a tab
or a carriage return as a formula, so user text such as an agreement titled
``=HYPERLINK(...)`` would run when a CSV or XLSX export is opened. Every
export (the registers' CSV/XLSX, the audit log CSV, the finance workbooks)
passes its text cells through :func:`safe_cell`, which prefixes such text
with a single quote. Numbers stay numbers: only text is touched, and text
that is just a number (``-1,250.00``) is left alone.

Registers' exports are also made here, in constant memory: CSV streamed as it
is written, XLSX by openpyxl's write-only mode into a temporary file, both
from a server-side cursor (:func:`table_rows`).
"""

import csv
import re
import tempfile

from django.http import FileResponse, StreamingHttpResponse
from django.utils.encoding import force_str
from django_tables2.export import TableExport
from django_tables2.rows import BoundRow
from openpyxl import Workbook

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


#: Records read from the database cursor, and made into rows, at a time.
CHUNK_SIZE = 500


def table_rows(table, exclude_columns=(), chunk_size=None):
    """The header and every row of ``table`` (a django-tables2 table over a queryset) as an
    export writes them, each cell made safe, reading the records a chunk at a time from a
    server-side cursor, so memory does not grow with the rows.

    The cells come from the table's own columns (``value_``/``render_`` methods), one
    :class:`BoundRow` per record, never a table over all the records.
    """
    columns = [
        column
        for column in table.columns.iterall()
        if not (column.column.exclude_from_export or column.name in exclude_columns)
    ]
    yield safe_row([force_str(column.header, strings_only=True) for column in columns])
    for record in table.data.data.iterator(chunk_size=chunk_size or CHUNK_SIZE):
        row = BoundRow(record, table=table)
        yield safe_row([force_str(row.get_cell_value(column.name), strings_only=True) for column in columns])
        # Prefetched children point back at their record: a cycle that only the garbage
        # collector would free, so chunks would pile up between its runs.
        record.__dict__.pop("_prefetched_objects_cache", None)


class _Line:
    """A file-like object whose ``write`` hands back what it was given (for ``csv.writer``)."""

    def write(self, text):
        return text


def csv_response(rows, filename):
    """``rows`` streamed as a CSV download (with a byte-order mark, for Excel)."""
    writer = csv.writer(_Line())

    def lines():
        yield "\ufeff"
        for row in rows:
            yield writer.writerow(row)

    response = StreamingHttpResponse(lines(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def xlsx_response(rows, filename, title="Sheet 1"):
    """``rows`` as an XLSX download, written by openpyxl's write-only mode to a temporary file
    (so memory does not grow with the rows) and sent from it."""
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(title=title[:31])
    for row in rows:
        sheet.append(row)
    file = tempfile.TemporaryFile()  # noqa: SIM115 - the response sends and closes it
    workbook.save(file)
    file.seek(0)
    return FileResponse(
        file,
        as_attachment=True,
        filename=filename,
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )


def table_export_response(table, export_format, filename, exclude_columns=(), title="Sheet 1"):
    """``table``'s rows as a streamed CSV or a write-only XLSX download."""
    rows = table_rows(table, exclude_columns)
    if export_format == TableExport.XLSX:
        return xlsx_response(rows, filename, title)
    return csv_response(rows, filename)


class SafeTableExport(TableExport):
    """The export formats a register offers: CSV or XLSX only (the other tablib formats need
    libraries that are not installed). The rows are written by :func:`table_export_response`."""

    @classmethod
    def is_valid_format(cls, export_format):
        return export_format in (cls.CSV, cls.XLSX)
