"""A producer's client for tq's HTTP API (`tq serve`), standard library only.

    import tq
    client = tq.Client("http://127.0.0.1:5001", token="...")
    job_id = client.enqueue("send_email", {"to": "a@b.c"}, queue="high", delay="30s")
    client.wait(job_id, timeout=30)["result"]

URL and token default to $TQ_URL (else http://127.0.0.1:5001) and $TQ_TOKEN.
Durations are "30s"/"5m" strings or numbers of seconds.
"""

import asyncio
import json
import os
import time
import urllib.error
import urllib.parse
import urllib.request

__all__ = ["Client", "AsyncClient", "TqError", "AuthError", "BadRequest", "NotFound", "Unavailable"]


class TqError(Exception):
    """An error answer of the API: `status`, and the `field` or `line` to blame when one is."""

    def __init__(self, message, status=None, field=None, line=None):
        super().__init__(message)
        self.status = status
        self.field = field
        self.line = line


class AuthError(TqError):
    """401/403: no token, a wrong one, or one that may not do this."""


class BadRequest(TqError):
    """400/413/415: the job is wrong (see `field`, and `line` in a bulk) or too large."""


class NotFound(TqError):
    """404: no such job (or its result expired)."""


class Unavailable(TqError):
    """503, or no answer: Redis or the server is away; try again after `retry_after` seconds."""

    def __init__(self, message, status=None, retry_after=None):
        super().__init__(message, status)
        self.retry_after = retry_after


def _duration(value):
    if value is None or isinstance(value, str):
        return value
    return f"{int(round(value * 1000))}ms"


class Client:
    """Enqueue jobs and read their status over `tq serve`'s /api/v1/."""

    def __init__(self, url=None, token=None, timeout=30.0):
        self.url = (url or os.environ.get("TQ_URL") or "http://127.0.0.1:5001").rstrip("/")
        self.token = token if token is not None else os.environ.get("TQ_TOKEN")
        self.timeout = timeout

    def _call(self, method, path, body=None, content_type="application/json", headers=None, timeout=None):
        request = urllib.request.Request(self.url + path, data=body, method=method)
        if body is not None:
            request.add_header("Content-Type", content_type)
        if self.token:
            request.add_header("Authorization", f"Bearer {self.token}")
        for k, v in (headers or {}).items():
            request.add_header(k, v)
        try:
            with urllib.request.urlopen(request, timeout=timeout or self.timeout) as response:
                return json.loads(response.read() or b"null")
        except urllib.error.HTTPError as e:
            try:
                doc = json.loads(e.read() or b"{}")
            except ValueError:
                doc = {}
            message = doc.get("error") or f"HTTP {e.code}"
            if e.code in (401, 403):
                raise AuthError(message, e.code) from None
            if e.code in (400, 413, 415):
                raise BadRequest(message, e.code, doc.get("field"), doc.get("line")) from None
            if e.code == 404:
                raise NotFound(message, e.code) from None
            if e.code == 503:
                retry = e.headers.get("Retry-After")
                raise Unavailable(message, e.code, float(retry) if retry else None) from None
            raise TqError(message, e.code) from None
        except (urllib.error.URLError, ConnectionError, TimeoutError) as e:
            raise Unavailable(f"cannot reach tq at {self.url}: {getattr(e, 'reason', e)}") from None

    @staticmethod
    def _job(task, args=None, delay=None, at=None, max_retries=None, timeout=None, unique_for=None,
             unique_key=None, expires=None, redact=None, retry_base=None, retry_cap=None, key=None):
        job = {"task": task}
        if args is not None:
            job["args"] = args
        for key, value in (("delay", _duration(delay)), ("at", at), ("max_retries", max_retries),
                           ("timeout", _duration(timeout)), ("unique_for", _duration(unique_for)),
                           ("unique_key", unique_key), ("expires", _duration(expires)), ("redact", redact),
                           ("retry_base", _duration(retry_base)), ("retry_cap", _duration(retry_cap)),
                           ("key", key)):
            if value is not None:
                job[key] = value
        return job

    def enqueue(self, task, args=None, queue="default", idempotency_key=None, **options):
        """Puts one job on `queue`; returns its id (for a duplicate, the id of the job holding the name).

        options: delay, at, max_retries, timeout, unique_for, unique_key, expires, redact, retry_base, retry_cap,
        key (fairness key: a tenant; jobs of different keys take turns, key limits apply per key)."""
        body = json.dumps(self._job(task, args, **options)).encode()
        headers = {"Idempotency-Key": idempotency_key} if idempotency_key else None
        return self._call("POST", f"/api/v1/queues/{urllib.parse.quote(queue, safe='')}/jobs", body, headers=headers)["id"]

    def enqueue_many(self, jobs, queue="default"):
        """Puts many jobs on `queue` in one request (each a dict: task, args and options);
        none is enqueued if any is wrong. Returns their ids in order."""
        lines = "\n".join(json.dumps(self._job(**job)) for job in jobs).encode()
        path = f"/api/v1/queues/{urllib.parse.quote(queue, safe='')}/jobs"
        return self._call("POST", path, lines, content_type="application/x-ndjson")["ids"]

    def status(self, job_id):
        """The job's status: the document of `tq status --json`."""
        return self._call("GET", f"/api/v1/jobs/{urllib.parse.quote(job_id, safe='')}")

    def wait(self, job_id, timeout=30.0):
        """Waits until the job succeeded or died (its final status), or raises TimeoutError."""
        deadline = time.monotonic() + timeout
        while True:
            left = max(0.0, deadline - time.monotonic())
            wait = min(left, 60.0)
            path = f"/api/v1/jobs/{urllib.parse.quote(job_id, safe='')}?wait={int(wait * 1000)}ms"
            status = self._call("GET", path, timeout=wait + self.timeout)
            if status["state"] in ("succeeded", "dead", "cancelled"):
                return status
            if time.monotonic() >= deadline:
                raise TimeoutError(f"job {job_id} still {status['state']} after {timeout}s")


class AsyncClient:
    """The same calls for asyncio code (each runs the blocking call in a thread)."""

    def __init__(self, url=None, token=None, timeout=30.0):
        self._client = Client(url, token, timeout)

    async def enqueue(self, task, args=None, queue="default", idempotency_key=None, **options):
        return await asyncio.to_thread(self._client.enqueue, task, args, queue, idempotency_key, **options)

    async def enqueue_many(self, jobs, queue="default"):
        return await asyncio.to_thread(self._client.enqueue_many, jobs, queue)

    async def status(self, job_id):
        return await asyncio.to_thread(self._client.status, job_id)

    async def wait(self, job_id, timeout=30.0):
        return await asyncio.to_thread(self._client.wait, job_id, timeout)
