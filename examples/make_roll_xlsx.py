#!/usr/bin/env python3
# Makes examples/roll.xlsx, the school roll of roll.csv as a school's
# management system saves it: "Legal" headers, dates of birth as Excel date
# cells (the ones roll.csv writes as real dates), the others as typed text,
# and a title row's worth of blank row before the pupils of the next year.
#   python3 examples/make_roll_xlsx.py   (needs python3-openpyxl)
import csv
import datetime
import os

import openpyxl

here = os.path.dirname(os.path.abspath(__file__))
rows = list(csv.reader(open(os.path.join(here, "roll.csv"), encoding="utf-8-sig")))
wb = openpyxl.Workbook()
ws = wb.active
ws.title = "Roll 2025-26"
ws.append(["UPN", "Legal Forename", "Legal Surname", "DOB", "Post Code", "House", "Year Group"])
for r in rows[1:]:
    dob = r[3]
    for fmt in ("%d/%m/%Y", "%Y-%m-%d", "%d.%m.%Y"):
        try:
            dob = datetime.datetime.strptime(r[3], fmt)
            break
        except ValueError:
            pass
    if r[6] == "R":
        ws.append([])  # the reception class after a blank row
    ws.append(r[:3] + [dob] + r[4:])
for row in ws.iter_rows(min_row=2):
    if isinstance(row[3].value, datetime.datetime):
        row[3].number_format = "dd/mm/yyyy"
wb.properties.creator = "sfcohort examples"
wb.properties.created = wb.properties.modified = datetime.datetime(2026, 1, 1)
wb.save(os.path.join(here, "roll.xlsx"))
