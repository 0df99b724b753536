"""The digest's XLSX attachment: the full lead list, one sheet per digest section.

Officers filter and forward these sheets, so cells keep their types (money as numbers in a rupiah
format, dates as dates) and scraped text can never run as a formula when the file is opened.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from io import BytesIO

from openpyxl import Workbook
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from leads.export import safe_cell
from leads.lead_row import LEAD_COLUMNS, LeadRow

XLSX_MIME = ("application", "vnd.openxmlformats-officedocument.spreadsheetml.sheet")
MONEY_COLUMNS = frozenset({"value", "jkk", "jkm", "estimated_contribution"})
DATE_COLUMNS = frozenset({"contract_signed_on", "deadline"})
RUPIAH_FORMAT = '"Rp"#,##0'
DATE_FORMAT = "yyyy-mm-dd"
_WIDTHS = {"name": 48, "agency": 30, "work_unit": 30, "contractor_name": 30, "url": 40}


def _fill(sheet: Worksheet, rows: Iterable[LeadRow]) -> None:
    """Header row of LEAD_COLUMNS, then one row per lead with per-column number formats."""
    sheet.append(list(LEAD_COLUMNS))
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    count = 0
    for lead in rows:
        sheet.append([safe_cell(v) for v in lead.as_dict().values()])
        count += 1
    for index, name in enumerate(LEAD_COLUMNS, start=1):
        letter = get_column_letter(index)
        sheet.column_dimensions[letter].width = _WIDTHS.get(name, 16)
        fmt = RUPIAH_FORMAT if name in MONEY_COLUMNS else DATE_FORMAT if name in DATE_COLUMNS else None
        if fmt is not None:
            for (cell,) in sheet.iter_rows(min_row=2, max_row=count + 1, min_col=index, max_col=index):
                cell.number_format = fmt
    sheet.freeze_panes = "A2"
    sheet.auto_filter.ref = f"A1:{get_column_letter(len(LEAD_COLUMNS))}{count + 1}"


def workbook_bytes(sections: Sequence[tuple[str, Sequence[LeadRow]]]) -> bytes:
    """An .xlsx file with one sheet per (title, leads) section, in order; empty sections keep headers."""
    book = Workbook()
    book.remove(book.active)
    for title, rows in sections:
        _fill(book.create_sheet(title=title[:31]), rows)
    buffer = BytesIO()
    book.save(buffer)
    return buffer.getvalue()
