"""tq.Client against a real `tq serve`, a real worker and a real redis-server
(started by tests/clients.rs, which sets TQ_BIN and TQ_REDIS_URL)."""
import asyncio
import os
import socket
import subprocess
import sys
import tempfile
import time
import unittest
import uuid

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
import tq  # noqa: E402

TQ = os.environ.get("TQ_BIN", "tq")


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class ClientTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        env = {k: v for k, v in os.environ.items() if not k.startswith("TQ_") or k == "TQ_REDIS_URL"}
        env["TQ_PREFIX"] = "pyc" + uuid.uuid4().hex[:8]
        port = free_port()
        cls.url = f"http://127.0.0.1:{port}"
        cls.logs = [tempfile.TemporaryFile(), tempfile.TemporaryFile()]
        cls.server = subprocess.Popen(
            [TQ, "serve", "--listen", f"127.0.0.1:{port}", "--auth-token", "admin", "--enqueue-token", "app"],
            env=env, stdout=subprocess.DEVNULL, stderr=cls.logs[0])
        tasks = f"{sys.executable} {os.path.join(os.path.dirname(os.path.abspath(__file__)), 'apps', 'producer_tasks.py')}"
        worker_env = dict(env, TQ_URL=cls.url, TQ_TOKEN="app")
        cls.worker = subprocess.Popen([TQ, "worker", "-Q", "default,mail", "-c", "8", "--serve", tasks], env=worker_env,
                                      stdout=subprocess.DEVNULL, stderr=cls.logs[1])
        deadline = time.time() + 20
        while True:
            try:
                socket.create_connection(("127.0.0.1", port), timeout=1).close()
                break
            except OSError:
                if time.time() > deadline:
                    raise
                time.sleep(0.02)
        cls.client = tq.Client(cls.url, token="app")

    @classmethod
    def tearDownClass(cls):
        for p in (cls.server, cls.worker):
            p.terminate()
            p.wait(30)
        for log in cls.logs:
            log.close()

    def test_enqueue_wait_and_status(self):
        job_id = self.client.enqueue("tq.echo", {"to": "a@b.c"}, queue="mail", max_retries=1, timeout=5)
        final = self.client.wait(job_id, timeout=30)
        self.assertEqual(final["state"], "succeeded")
        self.assertEqual(final["result"], {"to": "a@b.c"})
        self.assertEqual(self.client.status(job_id)["queue"], "mail")

    def test_enqueue_many_runs_every_job(self):
        ids = self.client.enqueue_many([{"task": "tq.echo", "args": {"n": n}} for n in range(100)])
        self.assertEqual(len(ids), 100)
        results = [self.client.wait(i, timeout=30)["result"]["n"] for i in ids]
        self.assertEqual(results, list(range(100)))

    def test_an_idempotency_key_makes_one_job(self):
        key = uuid.uuid4().hex
        first = self.client.enqueue("tq.noop", idempotency_key=key, delay="1h")
        second = self.client.enqueue("tq.noop", idempotency_key=key, delay="1h")
        self.assertEqual(first, second)

    def test_errors_are_typed_and_name_what_is_wrong(self):
        with self.assertRaises(tq.BadRequest) as bad:
            self.client.enqueue("tq.noop", delay="soon")
        self.assertEqual((bad.exception.status, bad.exception.field), (400, "delay"))
        with self.assertRaises(tq.BadRequest) as bad:
            self.client.enqueue_many([{"task": "tq.noop", "args": {"tag": "never"}},
                                      {"task": "tq.noop", "max_retries": -1}])
        self.assertEqual(bad.exception.line, 2)
        with self.assertRaises(tq.NotFound):
            self.client.status("no-such-job")
        with self.assertRaises(tq.AuthError):
            tq.Client(self.url, token="wrong").enqueue("tq.noop")
        with self.assertRaises(tq.Unavailable):
            tq.Client(f"http://127.0.0.1:{free_port()}", token="app").status("x")
        with self.assertRaises(TimeoutError):
            self.client.wait(self.client.enqueue("tq.noop", delay="1h"), timeout=0.2)

    def test_a_fairness_key_goes_with_the_job(self):
        job_id = self.client.enqueue("tq.noop", key="tenant-42", delay="1h")
        self.assertEqual(self.client.status(job_id)["key"], "tenant-42")
        with self.assertRaises(tq.BadRequest) as bad:
            self.client.enqueue("tq.noop", key="a|b")
        self.assertEqual(bad.exception.field, "key")

    def test_a_served_task_enqueues_follow_up_work_with_the_workers_url_and_token(self):
        parts = self.client.wait(self.client.enqueue("fan_out", {"n": 3}), timeout=60)["result"]
        self.assertEqual([self.client.wait(i, timeout=30)["result"]["part"] for i in parts], [0, 1, 2])

    def test_the_async_client(self):
        async def go():
            client = tq.AsyncClient(self.url, token="app")
            job_id = await client.enqueue("tq.echo", [1, 2])
            return await client.wait(job_id, timeout=30)

        self.assertEqual(asyncio.run(go())["result"], [1, 2])


if __name__ == "__main__":
    unittest.main()
