"""The yardstick for ``throughput.py``: a bare Flask hello-world, served the same way."""

from __future__ import annotations

from flask import Flask

app = Flask(__name__)


@app.get("/")
def hello() -> str:
    return "Hello, World!"
