"""Parse the listings table of /workspace/page.html into /workspace/listings.csv."""
import csv
import json
import os
from html.parser import HTMLParser


class Table(HTMLParser):
    def __init__(self):
        super().__init__()
        self.rows, self.row, self.cell = [], None, None

    def handle_starttag(self, tag, attrs):
        if tag == "tr":
            self.row = []
        elif tag in ("td", "th") and self.row is not None:
            self.cell = ""

    def handle_data(self, data):
        if self.cell is not None:
            self.cell += data

    def handle_endtag(self, tag):
        if tag in ("td", "th") and self.cell is not None:
            self.row.append(self.cell.strip())
            self.cell = None
        elif tag == "tr" and self.row:
            self.rows.append(self.row)
            self.row = None


table = Table()
table.feed(open("/workspace/page.html", encoding="utf-8").read())
header, *items = table.rows
with open("/workspace/listings.csv", "w", newline="", encoding="utf-8") as f:
    writer = csv.writer(f)
    writer.writerow(header)
    writer.writerows(items)

print(f"parsed {len(items)} listings with columns {', '.join(header)}")
with open(os.environ["PIPELANE_OUTPUT"], "w") as f:
    json.dump({"listings": len(items)}, f)
