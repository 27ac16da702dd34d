"""tq for Python: run tasks in warm processes of a tq worker.

    import tq

    @tq.task
    def send_email(to, subject):
        ...
        return {"sent": True}

    if __name__ == "__main__":
        tq.serve()

Run it with `tq worker -Q default --serve 'python3 tasks.py'`. The worker
starts the file once per process and sends it job after job over the warm
handler protocol of tq's SPEC.md (JSON lines on fd 3 and fd 4), so print()
and logging stay free for your own output.

A job's args are passed as keyword arguments when they are a JSON object,
as positional arguments when they are an array, as one argument otherwise
(none for null). What the task returns is the job's result (JSON). An
exception fails the attempt (retried with backoff); raise PermanentError to
send the job straight to the dead-letter queue. `async def` tasks run on one
event loop, `concurrency` at a time; `tq.current_job()` tells a task which
job it runs. Standard library only.

Producers enqueue through `tq serve`'s HTTP API with tq.Client (see client.py).
"""

import asyncio
import contextvars
import inspect
import json
import os
import sys
import threading
import traceback

from .client import AsyncClient, AuthError, BadRequest, Client, NotFound, TqError, Unavailable

__all__ = [
    "task", "serve", "PermanentError", "Snooze", "Job", "current_job",
    "Client", "AsyncClient", "TqError", "AuthError", "BadRequest", "NotFound", "Unavailable",
]

PROTOCOL = 1
_tasks = {}
_current = contextvars.ContextVar("tq_current_job", default=None)


class PermanentError(Exception):
    """Raise from a task to fail its job for good: no retry, straight to the DLQ."""


class Snooze(Exception):
    """Raise from a task to run its job again after `seconds` (default 1),
    without spending an attempt: the other side is busy (an HTTP 429, say).

    pause_queue / pause_key (seconds) also hold back every job of the job's
    queue, or of its fairness key, for every worker: the whole fleet backs
    off, not just this job. Without `seconds`, the job waits out the pause."""

    def __init__(self, seconds=None, pause_queue=None, pause_key=None):
        if seconds is None and pause_queue is None and pause_key is None:
            seconds = 1.0
        super().__init__(f"snoozed for {seconds if seconds is not None else max(pause_queue or 0, pause_key or 0)}s")
        self.seconds = seconds
        self.pause_queue = pause_queue
        self.pause_key = pause_key


class Job:
    """The job a task runs: id, task, queue, attempt, delivery, deadline_ms (server clock)."""

    def __init__(self, msg):
        self.id = msg["id"]
        self.task = msg["task"]
        self.queue = msg.get("queue")
        self.attempt = msg.get("attempt", 1)
        self.delivery = msg.get("delivery", 1)
        self.deadline_ms = msg.get("deadline_ms")
        self.args = msg.get("args")

    def __repr__(self):
        return f"Job(id={self.id!r}, task={self.task!r}, attempt={self.attempt})"


def current_job():
    """The Job the calling task runs (None outside a task)."""
    return _current.get()


def task(fn=None, *, name=None):
    """Registers a function as a task, named after it unless `name` is given.

    @tq.task, @tq.task(name="emails.send"), or tq.task(fn, name="x").
    """

    def register(f):
        _tasks[name or f.__name__] = f
        return f

    if fn is None:
        return register
    return register(fn)


def _call(fn, args):
    if isinstance(args, dict):
        return fn(**args)
    if isinstance(args, list):
        return fn(*args)
    if args is None:
        return fn()
    return fn(args)


class _Channel:
    """The two protocol descriptors the worker gave this process."""

    def __init__(self):
        try:
            self.fd_in = int(os.environ["TQ_PROTOCOL_IN"])
            self.fd_out = int(os.environ["TQ_PROTOCOL_OUT"])
        except (KeyError, ValueError):
            sys.exit("tq.serve(): not started by a tq worker (run it with `tq worker --serve 'python3 this.py'`)")
        self.lock = threading.Lock()

    def send(self, msg):
        # Output printed for a job is in its pipes before its answer.
        for stream in (sys.stdout, sys.stderr):
            try:
                stream.flush()
            except Exception:
                pass
        data = (json.dumps(msg, separators=(",", ":")) + "\n").encode()
        with self.lock:
            view = memoryview(data)
            while view:
                n = os.write(self.fd_out, view)
                view = view[n:]


def _failure(job_id, exc):
    if isinstance(exc, Snooze):
        answer = {"type": "failed", "id": job_id, "error": str(exc)}
        for field, seconds in (("snooze_ms", exc.seconds), ("pause_queue_ms", exc.pause_queue),
                               ("pause_key_ms", exc.pause_key)):
            if seconds is not None:
                answer[field] = max(0, int(seconds * 1000))
        return answer
    return {
        "type": "failed",
        "id": job_id,
        "error": str(exc) or type(exc).__name__,
        "error_type": type(exc).__name__,
        "traceback": "".join(traceback.format_exception(type(exc), exc, exc.__traceback__)),
        "retry": not isinstance(exc, PermanentError),
    }


def _answer(job_id, result):
    try:
        json.dumps(result)
    except (TypeError, ValueError) as exc:
        return _failure(job_id, PermanentError(f"result is not JSON: {exc}"))
    return {"type": "done", "id": job_id, "result": result}


def _run_sync(msg):
    """Runs one job to its answer (in this thread)."""
    job = Job(msg)
    fn = _tasks.get(job.task)
    if fn is None:
        return _failure(job.id, PermanentError(f"task {job.task!r} is not registered in this process"))
    token = _current.set(job)
    try:
        result = _call(fn, job.args)
        if inspect.isawaitable(result):
            result = asyncio.run(result)
        return _answer(job.id, result)
    except BaseException as exc:  # a task's SystemExit fails its job, not the process
        if isinstance(exc, KeyboardInterrupt):
            raise
        return _failure(job.id, exc)
    finally:
        _current.reset(token)


def _serve_one_at_a_time(channel):
    with os.fdopen(channel.fd_in, "rb") as jobs:
        for line in jobs:
            try:
                msg = json.loads(line)
            except ValueError:
                continue
            if msg.get("type") == "job":
                channel.send(_run_sync(msg))
            # A cancel for the job that just ran arrives after its answer: nothing to stop.


async def _serve_concurrently(channel, concurrency):
    loop = asyncio.get_running_loop()
    reader = asyncio.StreamReader(limit=2**24)
    await loop.connect_read_pipe(lambda: asyncio.StreamReaderProtocol(reader), os.fdopen(channel.fd_in, "rb", 0))
    running = {}
    slots = asyncio.Semaphore(concurrency)

    async def run(msg):
        job = Job(msg)
        fn = _tasks.get(job.task)
        try:
            if fn is None:
                raise PermanentError(f"task {job.task!r} is not registered in this process")
            _current.set(job)
            if inspect.iscoroutinefunction(fn):
                result = await _call(fn, job.args)
            else:
                # Plain functions run in threads, so they do not stop the loop.
                ctx = contextvars.copy_context()
                result = await loop.run_in_executor(None, lambda: ctx.run(_call, fn, job.args))
            answer = _answer(job.id, result)
        except asyncio.CancelledError:
            answer = _failure(job.id, RuntimeError("cancelled by the worker"))
        except Exception as exc:
            answer = _failure(job.id, exc)
        finally:
            running.pop(job.id, None)
            slots.release()
        channel.send(answer)

    while True:
        line = await reader.readline()
        if not line:
            break
        try:
            msg = json.loads(line)
        except ValueError:
            continue
        kind = msg.get("type")
        if kind == "job":
            await slots.acquire()
            running[msg["id"]] = asyncio.ensure_future(run(msg))
        elif kind == "cancel":
            t = running.get(msg.get("id"))
            if t is not None:
                t.cancel()
    # fd 3 closed: finish what runs, then leave.
    if running:
        await asyncio.gather(*running.values(), return_exceptions=True)


def serve(concurrency=None):
    """Serves the registered tasks to the worker that started this process,
    until it closes fd 3. `concurrency`: jobs at once (default 1, or 8 when a
    task is `async def`); above 1, jobs run on an asyncio event loop."""
    if not _tasks:
        sys.exit("tq.serve(): no task registered (decorate a function with @tq.task)")
    if concurrency is None:
        concurrency = 8 if any(inspect.iscoroutinefunction(f) for f in _tasks.values()) else 1
    concurrency = max(1, int(concurrency))
    channel = _Channel()
    # Prints reach the worker's log (and a failed job's output tail) line by line.
    for stream in (sys.stdout, sys.stderr):
        try:
            stream.reconfigure(line_buffering=True)
        except Exception:
            pass
    channel.send({"type": "ready", "protocol": PROTOCOL, "tasks": sorted(_tasks), "concurrency": concurrency})
    if concurrency == 1:
        _serve_one_at_a_time(channel)
    else:
        asyncio.run(_serve_concurrently(channel, concurrency))
