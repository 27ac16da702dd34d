"""A served task that enqueues follow-up work with tq.Client(), which finds
tq serve through TQ_URL and TQ_TOKEN inherited from the worker."""
import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", ".."))
import tq  # noqa: E402


@tq.task
def fan_out(n):
    return tq.Client().enqueue_many([{"task": "tq.echo", "args": {"part": i}} for i in range(n)])


if __name__ == "__main__":
    tq.serve()
