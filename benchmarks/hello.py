"""The yardstick: a bare Flask "hello" app on the same server."""

from flask import Flask

app = Flask(__name__)


@app.get("/")
def hello():
    return "Hello"
