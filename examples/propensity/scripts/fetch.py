"""Fetch the customer table into the instance's workspace.

In production this is a warehouse query; here the table is a file of the
repository (containers have no network). The dataset's owner, named in its
metadata, approves the model trained on it: the approval task is assigned
from this task's output.
"""
import csv
import json
import os
import pathlib
import sys

# This example's directory in the repository (mounted read-only under /repo).
here = pathlib.Path(__file__).resolve().parent.parent
variables = json.load(open(os.environ["PIPELANE_INPUT"]))
source = variables.get("source") or "data/customers.csv"
path = here / source
if not path.is_file():
    print(f"fetch: the source {source} does not exist in the repository", file=sys.stderr)
    sys.exit(2)

with open(path, newline="") as f:
    rows = list(csv.DictReader(f))
if len(rows) < 50:
    print(f"fetch: only {len(rows)} rows in {source}; at least 50 are needed to train", file=sys.stderr)
    sys.exit(3)

with open("/workspace/customers.csv", "w", newline="") as f:
    writer = csv.DictWriter(f, fieldnames=list(rows[0].keys()))
    writer.writeheader()
    writer.writerows(rows)

meta = json.load(open(here / "data" / "dataset.json"))
print(f"fetched {len(rows)} rows of {meta['name']} (owner {meta['owner']})")
json.dump({"rows": len(rows), "dataset": meta["name"], "owner": meta["owner"]}, open(os.environ["PIPELANE_OUTPUT"], "w"))
