"""The tasks the helper's tests serve (sync, one job at a time)."""
import os
import sys
import time

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", ".."))
import tq  # noqa: E402


@tq.task
def add(x, y):
    return {"sum": x + y, "pid": os.getpid()}


@tq.task(name="who.am.i")
def whoami():
    job = tq.current_job()
    return {"id": job.id, "attempt": job.attempt, "queue": job.queue}


@tq.task
def boom(message):
    print("working on it")
    raise ValueError(message)


tries = {}


@tq.task
def busy_twice():
    job = tq.current_job()
    tries[job.id] = tries.get(job.id, 0) + 1
    if tries[job.id] <= 2:
        raise tq.Snooze(0.05)
    return {"tries": tries[job.id]}


@tq.task
def throttled(log):
    # The API it calls said 429: the whole queue backs off for a second.
    if tq.current_job().delivery == 1:
        with open(log, "a") as f:
            f.write(f"{time.time()}\n")
        raise tq.Snooze(pause_queue=1.0)
    return {"at": time.time()}


@tq.task
def stamp():
    return {"at": time.time()}


@tq.task
def reject(reason):
    raise tq.PermanentError(reason)


if __name__ == "__main__":
    tq.serve()
