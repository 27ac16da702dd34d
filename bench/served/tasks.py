"""The benchmark's trivial task for tq's Python helper: add two numbers."""
import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "..", "clients", "python"))
import tq  # noqa: E402


@tq.task
def add(x, y):
    return x + y


if __name__ == "__main__":
    tq.serve()
