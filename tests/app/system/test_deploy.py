"""deploy/gunicorn.conf.py: the production settings serve, and /metrics adds up every worker."""

from pathlib import Path

import pytest
from prometheus_client.parser import text_string_to_metric_families

from config import BASE_DIR
from tests.support.serving import served

pytestmark = [pytest.mark.slow, pytest.mark.fresh_db]

TOKEN = "deploy-metrics-token"


def test_metrics_count_the_requests_of_every_worker(app, tmp_path, monkeypatch):
    monkeypatch.setenv("METRICS_TOKEN", TOKEN)
    conf = (Path(BASE_DIR) / "deploy" / "gunicorn.conf.py").read_text()
    url = app.config["SQLALCHEMY_DATABASE_URI"]
    with served(url, tmp_path, workers=2, threads=1, config=conf) as server:
        assert len(server.worker_pids()) == 2
        clients = [server.client() for _ in range(6)]  # connections spread over the workers
        for client in clients:
            for _ in range(5):
                assert client.get("/healthz").status == 200
        scrape = clients[0].get("/metrics", Authorization=f"Bearer {TOKEN}")
        for client in clients:
            client.close()
    assert scrape.status == 200, scrape.body
    answered = sum(
        sample.value
        for family in text_string_to_metric_families(scrape.body)
        if family.name == "concord_requests"
        for sample in family.samples
        if sample.name == "concord_requests_total"
        and sample.labels.get("endpoint") == "operations.healthz"
    )
    assert answered >= 30  # every request, whichever worker answered it (plus served's probe)
