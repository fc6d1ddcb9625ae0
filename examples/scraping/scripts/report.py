"""Write the report: /workspace/report.md, and the same text as the variable `report`."""
import csv
import json
import os

variables = json.load(open(os.environ["PIPELANE_INPUT"]))
rows = list(csv.DictReader(open("/workspace/summary.csv", encoding="utf-8")))

lines = [
    "# Second-hand bike prices",
    "",
    f"{variables['listings']} listings from {variables.get('source', 'listings.html')}; "
    f"mean price {variables['meanPrice']:.2f} EUR over {variables['categories']} categories.",
    "",
    "| Category | Listings | Mean price | Median price |",
    "|---|---:|---:|---:|",
]
lines += [f"| {r['category']} | {r['listings']} | {float(r['mean_price']):.2f} | {float(r['median_price']):.2f} |" for r in rows]
lines += ["", f"Cheapest category on average: **{variables['cheapestCategory']}**."]
report = "\n".join(lines) + "\n"

with open("/workspace/report.md", "w", encoding="utf-8") as f:
    f.write(report)
print(report)
with open(os.environ["PIPELANE_OUTPUT"], "w") as f:
    json.dump({"report": report, "reportFile": "report.md"}, f)
