#!/usr/bin/env bash
# Excel workbooks in and out: import and lookup --batch read .xlsx (made
# here by python3-openpyxl and by sfcohort's own writer, which write inline
# strings, and by python3-xlsxwriter, which writes shared strings, rich text
# and cached formula results as Excel does), and --format xlsx writes
# workbooks that read back the same.
source "$SRC/tests/cli/lib.sh"
export SFCOHORT_TODAY=2026-01-15

PY=""
for p in python3 /usr/bin/python3; do
  if "$p" -c 'import openpyxl, xlsxwriter' 2>/dev/null; then PY=$p && break; fi
done
if [ -z "$PY" ]; then
  fail "python3-openpyxl and python3-xlsxwriter are needed (they are in the Makefile's PACKAGES)"
  finish
  exit
fi

expect_rc 0 "init" sf -q init
expect_rc 0 "import the example cohort" sf -q import "$SRC/examples/cohort.csv"

# The workbooks: one per case, written by openpyxl as Excel would save them.
"$PY" - <<'PY'
import datetime, zipfile
import openpyxl
from openpyxl.utils.datetime import CALENDAR_MAC_1904

D = datetime.datetime
HEAD = ["UPN", "Legal Forename", "Legal Surname", "DOB", "Post Code", "House"]

def book(rows, path, head=HEAD, epoch=None, title="Roll"):
    wb = openpyxl.Workbook()
    if epoch:
        wb.epoch = epoch
    ws = wb.active
    ws.title = title
    ws.append(head)
    for r in rows:
        ws.append(r)
    for row in ws.iter_rows(min_row=2):
        for c in row:
            if isinstance(c.value, D):
                c.number_format = "dd/mm/yyyy"
    return wb, ws

# A school roll: Legal names, dates as date cells (serial numbers) and as
# text, a postcode left empty, a blank row, bad dates, an Excel error.
rows = [
    ["A1", "Jon", "Smith", D(2009, 3, 14), "HD1 2AB", 12],
    ["A2", "Kayleigh", "Smith", "30/06/2012", "HD1 2AB", "12"],
    ["A3", "Aysha", "Husain", D(2010, 10, 4), None, 27],
    [],
    ["A5", "Kasia", "Nowak", "31/09/2015", "LS11 6AD", 3],
    ["A6", "Tyler", "Hirst", D(2012, 4, 3, 0, 0), "HD1 3DH", "Flat 3"],
    ["A7", "Tyler", "Hirst", D(2012, 4, 3, 13, 45), "HD1 3DH", "Flat 3"],
    ["A8", "=HYPERLINK(\"http://x\")", "#N/A", D(2012, 4, 3), "HD1 3DH", "Flat 3"],
]
wb, ws = book(rows, "roll.xlsx")
ws.cell(row=9, column=2).data_type = "s"  # text, as typed: not a formula
ws2 = wb.create_sheet("Year 7")
ws2.append(HEAD)
ws2.append(["B1", "Jon", "Smith", D(2009, 3, 14), "HD1 2AB", 12])
wb.save("roll.xlsx")

# The same dates in the 1904 date system (Excel for Mac's old default).
wb, ws = book([["A1", "Jon", "Smith", D(2009, 3, 14), "HD1 2AB", 12]], "mac.xlsx",
              epoch=CALENDAR_MAC_1904)
wb.save("mac.xlsx")

# A cohort list with a header cell merged across two columns and a date
# whose cell lost its date format (a plain serial number).
head = ["Family Ref", "UPN", "Forename", "Surname", "DOB", "Address", None, "Date Joined"]
wb, ws = book([["F9", "P9", "Anna", "Bąk", D(2011, 5, 6), "2 Mill Lane", "Leeds", 45292]],
              "merged.xlsx", head=head)
ws.merge_cells("F1:G1")
wb.save("merged.xlsx")

# The last header cell merged across the last two columns.
wb, ws = book([["F8", "P8", "Al", "Ng", D(2011, 5, 6), "3 Mill Lane", "Leeds"]], "trailing.xlsx",
              head=head[:6])
ws.merge_cells("F1:G1")
wb.save("trailing.xlsx")

# Damaged: a sheet whose XML does not parse, and a zip that is no workbook.
with zipfile.ZipFile("mac.xlsx") as z, zipfile.ZipFile("badxml.xlsx", "w") as out:
    for item in z.infolist():
        data = z.read(item.filename)
        if item.filename == "xl/worksheets/sheet1.xml":
            data = data.replace(b"</sheetData>", b"<row><c></sheetData>")
        out.writestr(item, data)
with zipfile.ZipFile("notbook.xlsx", "w") as out:
    out.writestr("hello.txt", "hello")
PY

# Shared strings (with a rich-text run), a formula's cached result, a
# boolean, a date in the 1904 system: as Excel writes them.
"$PY" - <<'PY'
import datetime
import xlsxwriter
wb = xlsxwriter.Workbook("shared.xlsx", {"date_1904": True})
ws = wb.add_worksheet("Pupils")
date = wb.add_format({"num_format": "dd/mm/yyyy"})
bold = wb.add_format({"bold": True})
for c, h in enumerate(["UPN", "Legal Forename", "Legal Surname", "DOB", "Post Code", "House", "FSM"]):
    ws.write_string(0, c, h)
ws.write_string(1, 0, "S1")
ws.write_rich_string(1, 1, "Jo", bold, "n")
ws.write_formula(1, 2, '=PROPER("smith")', None, "Smith")
ws.write_datetime(1, 3, datetime.datetime(2009, 3, 14), date)
ws.write_string(1, 4, "HD1 2AB")
ws.write_number(1, 5, 12)
ws.write_boolean(1, 6, True)
ws.write_string(2, 0, "S2")
ws.write_string(2, 1, "Kayleigh")
ws.write_string(2, 2, "Smith")
ws.write_string(2, 3, "30/06/2012")
ws.write_string(2, 4, "HD1 2AB")
ws.write_string(2, 5, "12")
wb.close()
PY
same "$("$PY" -c 'import zipfile; print("xl/sharedStrings.xml" in zipfile.ZipFile("shared.xlsx").namelist())')" \
  "True" "the workbook has shared strings"
expect_rc 0 "batch from shared strings" sf -q lookup --batch shared.xlsx
has "S1,Jon,Smith,2009-03-14,HD1 2AB,12,TRUE,strong" out "rich text, a formula's value, a 1904 date, a boolean"
has "S2,Kayleigh,Smith,30/06/2012,HD1 2AB,12,,exact" out "shared strings"

# A batch from the workbook: headers by the alias table, dates both ways.
expect_rc 0 "batch from a workbook" sf lookup --batch roll.xlsx --output out.csv --no-bom
has "columns: given_name <- 'Legal Forename', surname <- 'Legal Surname', dob <- 'DOB', postcode <- 'Post Code', house <- 'House'" err "the columns fed"
has "1 blank row skipped" err "the blank row counted"
has "3 errors (rows 6, 8, 9)" err "errors by the row numbers Excel shows"
expect_file xlsx-batch.csv out.csv
same "$(grep -c '^A[0-9],.*,\(exact\|strong\),' out.csv)" "3" "dates as serials and as text all found"
has "A5,Kasia,Nowak,31/09/2015,LS11 6AD,3,error" out.csv "a bad date is match=error"
has "dob '2012-04-03 13:45' has a time of day" out.csv "a time of day other than midnight is not a date"
has "'Legal Surname' holds the Excel error #N/A" out.csv "an Excel error is its row's error"

# --sheet, and a sheet that is not there.
expect_rc 0 "--sheet" sf -q lookup --batch roll.xlsx --sheet "Year 7"
has "B1,Jon,Smith,2009-03-14,HD1 2AB,12,strong" out "the named sheet read"
expect_rc 2 "no such sheet" sf lookup --batch roll.xlsx --sheet "Year 8"
has "roll.xlsx: no sheet 'Year 8'" err "names the sheet"
has "hint: the workbook's sheets are 'Roll', 'Year 7'" err "lists the sheets"
expect_rc 2 "--sheet for a CSV file" sf lookup --batch "$SRC/examples/roll.csv" --sheet x
has "a sheet was named, but this is a CSV file" err "a CSV has no sheets"

# The 1904 date system.
expect_rc 0 "1904 workbook" sf -q lookup --batch mac.xlsx
has "A1,Jon,Smith,2009-03-14,HD1 2AB,12,strong" out "a 1904 serial is the same date"

# Damaged workbooks: one clear error naming the file, exit 2.
head -c 700 roll.xlsx > cut.xlsx
printf 'upn,surname,dob\n' > text.xlsx
for f in cut.xlsx text.xlsx notbook.xlsx badxml.xlsx; do
  expect_rc 2 "damaged $f" sf lookup --batch "$f"
  one_line_error "damaged $f"
  has "error: $f: " err "damaged $f: names the file"
done
has "sheet 'Roll': the XML does not parse" err "bad XML names the sheet"
has "(line 1: mismatched tag) in or after row 3" err "and the row"
expect_rc 2 "a workbook on standard input" sf lookup --batch - < roll.xlsx
has "a workbook is read from a file, not standard input" err "stdin workbook"

# Import: a merged header cell names both columns; a plain serial in a date
# column is a date; a row's bad cell is that row's error.
expect_rc 0 "import a merged header" sf import merged.xlsx --dry-run
has "the column 'Address (2)' is not a known field" err "the merged cell's second column"
expect_rc 0 "import a merged last header cell" sf import trailing.xlsx --dry-run
has "the column 'Address (2)' is not a known field" err "the last merged cell's second column"
expect_rc 0 "import the workbook" sf -q import merged.xlsx
expect_rc 0 "person show" sf person show P9
has "2011-05-06" out "the date of birth"
has "2024-01-01" out "a plain serial in Date Joined"
"$PY" - <<'PY'
import openpyxl
wb = openpyxl.Workbook()
ws = wb.active
ws.append(["Family ID", "Forename", "Surname", "DOB"])
ws.append(["F10", "Ann", "Lee", "01/02/2010"])
ws.append(["F10", "Bob", "Lee", "#DIV/0!"])
wb.save("cells.xlsx")
wb = openpyxl.Workbook()
ws = wb.active
ws.append(["Forename", "Surname", "DOB", "Consent", "Siblings", "Weight"])
ws.append(["Jon", "Smith", "14/03/2009", True, 2, 41.5])
wb.save("kinds.xlsx")
# (openpyxl cuts a cell at Excel's 32,767 characters: the long one is CSV.)
with open("long.csv", "w") as f:
    f.write("Family ID,Forename,Surname,DOB,Notes\nF10,Ann,Lee,01/02/2010,ok\n")
    f.write("F10,Cy,Lee,01/02/2011," + "x" * 40000 + "\n")
PY
expect_rc 2 "an error cell in an import" sf import cells.xlsx
has "cells.xlsx: row 3: 'DOB' holds the Excel error #DIV/0!" err "row and column named"
expect_rc 0 "the rest imported" sf -q import cells.xlsx --rejects rej.csv
has '3,F10,Bob,Lee,,'"'"'DOB'"'"' holds the Excel error #DIV/0!' rej.csv "the rejects file"

expect_rc 0 "booleans and numbers" sf -q lookup --batch kinds.xlsx
has "Jon,Smith,14/03/2009,TRUE,2,41.5,strong" out "TRUE, 2 and 41.5 as Excel shows them"

# Output: a workbook, to a file only, renamed into place.
expect_rc 2 "xlsx to standard output" sf lookup --batch roll.xlsx --format xlsx
has "hint: name the workbook with --output FILE.xlsx" err "the hint"
expect_rc 0 "batch to a workbook" sf -q lookup --batch roll.xlsx --format xlsx --output res.xlsx
"$PY" - > cells.txt <<'PY'
import openpyxl
ws = openpyxl.load_workbook("res.xlsx").active
print("title", ws.title, "freeze", ws.freeze_panes, "bold", ws["A1"].font.b)
for row in ws.iter_rows(min_row=1, max_row=ws.max_row):
    print("|".join("%s:%s" % (c.data_type, c.value) for c in row[:9]))
PY
expect_file xlsx-cells.txt cells.txt
has "s:=HYPERLINK" cells.txt "a formula-like value is a text cell"
has "d:2009-03-14 00:00:00" cells.txt "a date of birth is a date"
expect_rc 0 "our workbook read back" sf -q lookup --batch res.xlsx --output back.csv --no-bom
same "$(cut -d, -f1-6 back.csv | sed -n 2p)" "A1,Jon,Smith,2009-03-14,HD1 2AB,12" "read back"
expect_rc 2 "a failed batch leaves no workbook" sf lookup --batch long.csv --format xlsx --output none.xlsx
has "none.xlsx: row 3, column E: longer than an Excel cell holds" err "a cell too long for Excel"
same "$(ls none.xlsx .sfcohort* 2>/dev/null)" "" "nothing half-written"

# Round trip: export xlsx, import it into a new database: the same people.
expect_rc 0 "export xlsx" sf export --plaintext --format xlsx --output cohort.xlsx
expect_rc 2 "export xlsx to standard output" sf export --plaintext --format xlsx
expect_rc 0 "export csv" sf -q export --plaintext --output before.csv
expect_rc 0 "init a second database" sf -q --db two.db init
expect_rc 0 "import the exported workbook" sf --db two.db import cohort.xlsx
expect_rc 0 "export it again" sf -q --db two.db export --plaintext --output after.csv
same "$(sha256sum < after.csv)" "$(sha256sum < before.csv)" "export xlsx -> import xlsx: the same people"

# A report as a workbook.
expect_rc 0 "report xlsx" sf -q report --format xlsx --output report.xlsx
same "$("$PY" -c 'import openpyxl; ws = openpyxl.load_workbook("report.xlsx").active; print(ws["A1"].value, ws.freeze_panes, [r[2] for r in ws.iter_rows(values_only=True) if r[0] == "families" and r[1] == "active"])')" \
  "section A2 [12]" "report figures as numbers"
expect_rc 2 "report xlsx to standard output" sf report --format xlsx
finish
