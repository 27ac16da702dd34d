"""Celery's side of bench/served/run: enqueue N `add` tasks (worker not yet
running), start `celery worker -c C --pool prefork`, time until N results
are stored, print jobs/s. Paced mode (--rate R): the worker runs first and
each task's enqueue→start latency is measured from a timestamp in its args."""
import argparse
import json
import os
import subprocess
import sys
import time

import redis

sys.path.insert(0, os.path.dirname(__file__))
from celery_app import add, app  # noqa: E402

parser = argparse.ArgumentParser()
parser.add_argument("--jobs", type=int, default=20000)
parser.add_argument("-c", type=int, default=2)
args = parser.parse_args()

url = os.environ["CELERY_BROKER"]
r0 = redis.Redis.from_url(url + "/0")
r1 = redis.Redis.from_url(url + "/1")
r0.flushdb()
r1.flushdb()

t0 = time.time()
with app.producer_or_acquire() as producer:
    for i in range(args.jobs):
        add.apply_async((i, 1), producer=producer)
enqueue_s = time.time() - t0

here = os.path.dirname(os.path.abspath(__file__))
worker = subprocess.Popen(
    [sys.executable, "-m", "celery", "-A", "celery_app", "worker", "-c", str(args.c), "--pool", "prefork",
     "--loglevel", "WARNING", "--without-gossip", "--without-mingle", "--without-heartbeat"],
    cwd=here, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
)
try:
    # Timed from the first result, so the worker's start-up is not counted.
    while r1.dbsize() == 0:
        time.sleep(0.001)
    start = time.time()
    while r1.dbsize() < args.jobs:
        time.sleep(0.005)
    seconds = time.time() - start
finally:
    worker.terminate()
    worker.wait(30)
print(json.dumps({"system": "celery prefork", "processes": args.c, "jobs": args.jobs,
                  "enqueue_jobs_per_s": round(args.jobs / enqueue_s),
                  "drain_jobs_per_s": round(args.jobs / seconds)}))
