"""Async tasks served 8 at a time on one event loop."""
import asyncio
import os
import sys
import time

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", ".."))
import tq  # noqa: E402


@tq.task
async def nap(ms):
    started = time.time()
    await asyncio.sleep(ms / 1000)
    return {"pid": os.getpid(), "started": started, "ended": time.time()}


@tq.task
async def forever(pidfile):
    with open(pidfile, "w") as f:
        f.write(str(os.getpid()))
    await asyncio.sleep(3600)


if __name__ == "__main__":
    tq.serve(concurrency=8)
