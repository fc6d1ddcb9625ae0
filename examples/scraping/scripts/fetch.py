"""Fetch the listings page.

A real pipeline would download it (requests.get(url)). Task containers run
without a network by default, so this example reads the page saved beside it
in the repository instead: data/<source>, mounted read-only under /repo.
An empty or missing page is a business outcome, not a crash: the task raises
the BPMN error NO_DATA, which the model catches with an error boundary event.
"""
import json
import os
import pathlib

variables = json.load(open(os.environ["PIPELANE_INPUT"]))
source = variables.get("source", "listings.html")
page = pathlib.Path(__file__).resolve().parent.parent / "data" / source
text = page.read_text(encoding="utf-8") if page.is_file() else ""

if not text.strip():
    with open(os.environ["PIPELANE_ERROR"], "w") as f:
        json.dump({"code": "NO_DATA", "message": f"the page {source} is empty or missing"}, f)
    raise SystemExit(0)

pathlib.Path("/workspace/page.html").write_text(text, encoding="utf-8")
print(f"fetched {source}: {len(text)} characters")
with open(os.environ["PIPELANE_OUTPUT"], "w") as f:
    json.dump({"fetchedBytes": len(text.encode("utf-8"))}, f)
