"""Celery 5 with the same trivial task, Redis as broker and result backend.

The broker URL comes from CELERY_BROKER (db 0) and results go to db 1, so
the benchmark counts finished tasks with DBSIZE on db 1.
"""
import os

from celery import Celery

broker = os.environ["CELERY_BROKER"]
app = Celery("bench", broker=broker + "/0", backend=broker + "/1")
app.conf.update(worker_hijack_root_logger=False, worker_log_color=False, result_expires=3600)


@app.task
def add(x, y):
    return x + y
