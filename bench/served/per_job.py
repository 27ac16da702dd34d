"""The same task as a process per job (tq worker --handler add='python3 per_job.py')."""
import json
import sys

args = json.load(sys.stdin)
print(json.dumps(args["x"] + args["y"]))
