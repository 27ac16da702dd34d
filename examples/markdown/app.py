"""The web side: a small app (standard library http.server, nothing to
install) that accepts a document and hands the slow work to tq.

    POST /documents  {"title": ..., "text": ..., "user": ...}  -> 202 {"process_id": ID}
    GET  /documents/ID                                          -> {"state": ..., "result": ...}

The user's text is private: it is enqueued with redact=["/text"], so a job
that dies keeps only its length and hash in the dead-letter queue. tq serve's
URL and enqueue token come from TQ_URL and TQ_TOKEN; PORT is where this app
listens (default 8000).
"""
import json
import os
import sys
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "clients", "python"))
import tq  # noqa: E402

client = tq.Client()


class Handler(BaseHTTPRequestHandler):
    def reply(self, status, doc):
        body = json.dumps(doc).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def do_POST(self):
        if self.path != "/documents":
            return self.reply(404, {"error": "no such page"})
        try:
            doc = json.loads(self.rfile.read(int(self.headers.get("Content-Length", 0))))
            args = {"title": doc.get("title", ""), "text": doc["text"], "user": doc.get("user")}
        except (ValueError, KeyError, TypeError, AttributeError):
            return self.reply(400, {"error": "send JSON with at least a text"})
        try:
            job_id = client.enqueue("process_markdown", args, queue="documents", redact=["/text"])
        except tq.Unavailable as e:
            return self.reply(503, {"error": str(e)})
        self.reply(202, {"process_id": job_id})

    def do_GET(self):
        prefix = "/documents/"
        if not self.path.startswith(prefix):
            return self.reply(404, {"error": "no such page"})
        try:
            status = client.status(self.path[len(prefix):])
        except tq.NotFound:
            return self.reply(404, {"error": "no such document"})
        self.reply(200, {"state": status["state"], "result": status.get("result"), "error": status.get("last_error")})

    def log_message(self, *args):
        pass


if __name__ == "__main__":
    port = int(os.environ.get("PORT", "8000"))
    server = ThreadingHTTPServer(("127.0.0.1", port), Handler)
    print(f"markdown app on http://127.0.0.1:{port}/documents", flush=True)
    server.serve_forever()
