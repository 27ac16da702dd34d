"""The worker side: process_markdown, served warm by `tq worker --serve`.

A document without a title is bad input: it fails for good (straight to the
dead-letter queue, where its text is kept only as a redaction descriptor).
"""
import html
import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "clients", "python"))
import tq  # noqa: E402


@tq.task
def process_markdown(title, text, user=None):
    if not title or not title.strip():
        raise tq.PermanentError("a document needs a title")
    out = [f"<h1>{html.escape(title)}</h1>"]
    for block in text.split("\n\n"):
        block = block.strip()
        if block.startswith("## "):
            out.append(f"<h2>{html.escape(block[3:])}</h2>")
        elif block:
            out.append(f"<p>{html.escape(block)}</p>")
    print(f"processed {title!r} for {user}")
    return {"title": title, "html": "\n".join(out), "words": len(text.split())}


if __name__ == "__main__":
    tq.serve()
