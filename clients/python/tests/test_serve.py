"""The Python helper against a real tq worker and a real redis-server.

Run by tq's test suite (tests/clients.rs), which starts the redis-server and
sets TQ_BIN and TQ_REDIS_URL; each test uses a key prefix of its own.
"""
import json
import os
import subprocess
import sys
import tempfile
import time
import unittest
import uuid

HERE = os.path.dirname(os.path.abspath(__file__))
TQ = os.environ.get("TQ_BIN", "tq")


def app(name):
    return f"{sys.executable} {os.path.join(HERE, 'apps', name)}"


class Worker:
    """A tq pointed at the suite's Redis under a fresh prefix."""

    def __init__(self):
        self.env = {k: v for k, v in os.environ.items() if not k.startswith("TQ_") or k == "TQ_REDIS_URL"}
        self.env["TQ_PREFIX"] = "py" + uuid.uuid4().hex[:8]

    def tq(self, *args, stdin=None):
        out = subprocess.run([TQ, *args], env=self.env, input=stdin, capture_output=True, text=True, timeout=60)
        if out.returncode != 0:
            raise AssertionError(f"tq {args} failed: {out.stderr}")
        return out.stdout

    def enqueue(self, task, args, *options):
        return self.tq("enqueue", task, "--args", json.dumps(args), *options).strip()

    def status(self, job_id):
        return json.loads(self.tq("status", job_id, "--json"))

    def drain(self, *args):
        out = subprocess.run([TQ, "worker", "--burst", *args], env=self.env, capture_output=True, text=True, timeout=120)
        if out.returncode != 0:
            raise AssertionError(f"worker failed: {out.stderr}")
        return out.stderr

    def start(self, *args):
        log = tempfile.TemporaryFile()
        proc = subprocess.Popen([TQ, "worker", *args], env=self.env, stdout=subprocess.DEVNULL, stderr=log)
        proc.log = log
        return proc

    def wait_for(self, what, check, within=30):
        deadline = time.time() + within
        while time.time() < deadline:
            value = check()
            if value:
                return value
            time.sleep(0.02)
        raise AssertionError(f"timed out waiting for {what}")


def read_pid(path):
    try:
        with open(path) as f:
            return int(f.read() or 0)
    except (OSError, ValueError):
        return 0


def alive(pid):
    try:
        with open(f"/proc/{pid}/stat") as f:
            return f.read().rsplit(")", 1)[1].split()[0] != "Z"
    except OSError:
        return False


class ServeTest(unittest.TestCase):
    def setUp(self):
        self.w = Worker()

    def test_results_errors_and_permanent_failures(self):
        w = self.w
        added = w.enqueue("add", {"x": 2, "y": 3})
        positional = w.enqueue("add", [10, 20])
        who = w.enqueue("who.am.i", None, "-q", "default")
        boom = w.enqueue("boom", {"message": "no such user"}, "--max-retries", "0")
        reject = w.enqueue("reject", {"reason": "bad address"}, "--max-retries", "5")
        busy = w.enqueue("busy_twice", None, "--max-retries", "0")
        w.drain("-c", "1", "--serve", app("tasks.py"))

        self.assertEqual(w.status(added)["result"]["sum"], 5)
        self.assertEqual(w.status(positional)["result"]["sum"], 30)
        me = w.status(who)["result"]
        self.assertEqual((me["id"], me["attempt"], me["queue"]), (who, 1, "default"))

        dead = json.loads(w.tq("dlq", "show", boom, "--json"))
        attempt = dead["history"][-1]
        self.assertEqual(attempt["error"], "ValueError: no such user")
        self.assertEqual(attempt["error_type"], "ValueError")
        self.assertIn('raise ValueError(message)', attempt["traceback"])
        self.assertIn("working on it", attempt["stdout_tail"])

        snoozed = w.status(busy)
        self.assertEqual((snoozed["state"], snoozed["attempts"], snoozed["result"]), ("succeeded", 1, {"tries": 3}))

        rejected = w.status(reject)
        self.assertEqual(rejected["state"], "dead")
        self.assertEqual(rejected["attempts"], 1, "a permanent error is not retried")
        self.assertEqual(rejected["reason"], "permanent failure")

    def test_a_429_holds_back_the_whole_queue_then_it_runs_again(self):
        w = self.w
        log = tempfile.mktemp()
        first = w.enqueue("throttled", {"log": log})
        later = [w.enqueue("stamp", None) for _ in range(3)]
        w.drain("-c", "1", "--serve", app("tasks.py"))
        with open(log) as f:
            paused_at = float(f.read())
        os.remove(log)
        self.assertEqual(w.status(first)["attempts"], 1, "the 429 spent no attempt")
        for job_id in [first, *later]:
            status = w.status(job_id)
            self.assertEqual(status["state"], "succeeded")
            self.assertGreaterEqual(status["result"]["at"], paused_at + 1.0, "nothing ran during the pause")

    def test_async_tasks_run_8_at_once_in_one_process(self):
        w = self.w
        ids = [w.enqueue("nap", {"ms": 700}) for _ in range(8)]
        w.drain("-c", "8", "--serve", app("async_tasks.py"))
        results = [w.status(i)["result"] for i in ids]
        self.assertEqual(len({r["pid"] for r in results}), 1, "concurrency 8: one process for -c 8")
        # The most jobs running at one instant, from the tasks' own clocks.
        edges = sorted([(r["started"], 1) for r in results] + [(r["ended"], -1) for r in results])
        running = most = 0
        for _, step in edges:
            running += step
            most = max(most, running)
        self.assertEqual(most, 8)

    def test_a_cancelled_async_job_stops_without_killing_its_process(self):
        w = self.w
        pidfile = os.path.join(tempfile.mkdtemp(), "pid")
        job = w.enqueue("forever", {"pidfile": pidfile})
        worker = w.start("-c", "8", "--serve", app("async_tasks.py"))
        try:
            pid = w.wait_for("the task to start", lambda: read_pid(pidfile))
            w.tq("cancel", job)
            w.wait_for("the job to be cancelled", lambda: w.status(job)["state"] == "cancelled")
            self.assertTrue(alive(pid), "the process stopped the job itself and lives on")
            nap = w.enqueue("nap", {"ms": 1})
            result = w.wait_for("the next job", lambda: w.status(nap).get("result"))
            self.assertEqual(result["pid"], pid)
        finally:
            worker.terminate()
            worker.wait(30)
            worker.log.close()
        w.wait_for("the process to exit with its worker", lambda: not alive(pid), within=10)


if __name__ == "__main__":
    unittest.main()
