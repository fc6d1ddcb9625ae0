"""Deploy the approved model: publish it with a record of who approved it.

In production this pushes to a model registry; here it writes the release
record to the workspace.
"""
import json
import os
import shutil

variables = json.load(open(os.environ["PIPELANE_INPUT"]))
version = variables["modelVersion"]
os.makedirs("/workspace/release", exist_ok=True)
shutil.copy("/workspace/model.rds", f"/workspace/release/propensity-{version}.rds")
record = {"model": "propensity", "version": version, "auc": variables["auc"], "comment": variables.get("comment", "")}
json.dump(record, open("/workspace/release/release.json", "w"), indent=2)
print(f"deployed propensity {version} (AUC {variables['auc']})")
json.dump({"deployed": True, "endpoint": f"models/propensity/{version}"}, open(os.environ["PIPELANE_OUTPUT"], "w"))
