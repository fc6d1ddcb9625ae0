#!/usr/bin/env bash
# The error path: the fetch found nothing. Say so in the report instead of failing.
set -euo pipefail
message=$(python3 -c 'import json,os; print(json.load(open(os.environ["PIPELANE_INPUT"])).get("errorMessage", "no data"))')
printf '# Second-hand bike prices\n\nNo report today: %s.\n' "$message" > /workspace/report.md
python3 -c 'import json,os; json.dump({"report": open("/workspace/report.md").read(), "reportFile": "report.md"}, open(os.environ["PIPELANE_OUTPUT"], "w"))'
echo "wrote the no-data report"
