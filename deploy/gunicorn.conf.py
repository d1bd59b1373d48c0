"""gunicorn settings for Concord: `gunicorn -c deploy/gunicorn.conf.py wsgi:app`.

Workers share their metrics through PROMETHEUS_MULTIPROC_DIR (emptied at start, as
prometheus_client requires); a worker that exits is marked dead, so its gauges stop counting.
Concord writes its own request log (one JSON line each), so gunicorn's access log is off.
"""

import os
import shutil
from pathlib import Path

bind = os.environ.get("BIND", "127.0.0.1:8000")
# Set for the workers too, so the app knows how many share its rate limits (config.workers).
workers = int(os.environ.setdefault("WEB_CONCURRENCY", "2"))
threads = 1
timeout = 30
graceful_timeout = 30  # a restart lets requests in flight finish
accesslog = None
errorlog = "-"

# Restarts go by signal (systemctl reload concord); gunicorn's control socket would go in the
# service user's home, which a system user does not have.
control_socket_disable = True

# One folder per server: a second server on the same machine (another BIND) must not empty the
# first one's at its start.
_instance = Path(os.environ.get("CONCORD_INSTANCE", "instance"))
_metrics_dir = os.environ.setdefault(
    "PROMETHEUS_MULTIPROC_DIR",
    str(_instance / ("metrics-" + "".join(c if c.isalnum() else "-" for c in bind))),
)


def on_starting(server):
    shutil.rmtree(_metrics_dir, ignore_errors=True)
    Path(_metrics_dir).mkdir(parents=True, exist_ok=True)


def child_exit(server, worker):
    from prometheus_client import multiprocess

    multiprocess.mark_process_dead(worker.pid)
