"""What gunicorn serves during `make bench`: the real app, plus a bare endpoint beside it.

`/__bare__/` is a minimal Flask app that returns a constant string: the most the stack (gunicorn,
WSGI, Flask) can do on this machine. It exists only in this module, which only the benchmark
loads; `wsgi.py`, the production entry point, never has it. Both sit behind the same dispatcher,
in the same gunicorn workers, so they are measured under exactly the same configuration.
"""

from flask import Flask
from werkzeug.middleware.dispatcher import DispatcherMiddleware

from wsgi import app as concord

bare = Flask("bare")


@bare.get("/")
def constant():
    return "ok"


app = DispatcherMiddleware(concord, {"/__bare__": bare})
