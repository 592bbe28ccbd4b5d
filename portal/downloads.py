"""Files people download: CSV that spreadsheets open correctly and safely.

Every CSV starts with a byte-order mark, so Excel reads it as UTF-8, and
every cell that a spreadsheet would run as a formula is made plain text.
"""

import csv
import io

from flask import Response

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(value):
    """A spreadsheet shows text starting with = + - @ as a formula: make it plain text."""
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(FORMULA_STARTS) else text


def csv_text(rows):
    """The rows as CSV text with a byte-order mark, every cell made safe."""
    buffer = io.StringIO()
    buffer.write("\ufeff")
    writer = csv.writer(buffer)
    for row in rows:
        writer.writerow([safe_cell(cell) for cell in row])
    return buffer.getvalue()


def csv_download(rows, filename):
    """A CSV file to save, named `filename`."""
    return Response(
        csv_text(rows),
        headers={
            "Content-Type": "text/csv; charset=utf-8",
            "Content-Disposition": f'attachment; filename="{filename}"',
        },
    )
