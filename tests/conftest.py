"""The whole suite: the tiers mirror the code.

tests/positions/  the pure core, no app and no database
tests/app/        the app on a real database, one folder per feature (tests/app/<feature>/) and
                  tests/app/system/ for what crosses them all; fixtures in tests/app/conftest.py
tests/e2e/        Chromium against the app served on 127.0.0.1
tests/support/    factories, the world of roles, HTTP and serving helpers: the only modules
                  tests import (never another test module)

With pytest-xdist (`make test` runs `-n auto`; `--dist loadgroup` is in the pytest settings),
tests that must share one worker are grouped here: the browser journeys share one live server and
one Chromium (tests/e2e/test_xss.py, with a server of its own, is a group of its own), and the
slow tests (gunicorn under load, stress, a worker killed mid-publish, the 1000-position board)
run one after another rather than against each other on a small machine.
"""

import json

import pytest

from tests.e2e import journeys

GROUPS = {"browser": "browser", "slow": "slow"}  # marker -> the xdist group its tests share


@pytest.hookimpl(tryfirst=True)  # before pytest-xdist reads the groups
def pytest_collection_modifyitems(config, items):
    for item in items:
        if item.get_closest_marker("xdist_group"):
            continue
        for marker, group in GROUPS.items():
            if item.get_closest_marker(marker):
                item.add_marker(pytest.mark.xdist_group(group))
                break


# ---- the accessibility report of the browser tests, wherever they ran -------------------------


class AxeFromWorkers:
    """Each pytest-xdist worker hands the axe results of its journeys to the controller."""

    def pytest_sessionfinish(self, session):
        workeroutput = getattr(session.config, "workeroutput", None)
        if workeroutput is not None:
            workeroutput["axe_results"] = json.dumps(journeys.AXE_RESULTS)

    def pytest_testnodedown(self, node, error):
        results = getattr(node, "workeroutput", {}).get("axe_results")
        if results:
            journeys.AXE_RESULTS.update(json.loads(results))


def pytest_configure(config):
    if config.pluginmanager.hasplugin("xdist"):
        config.pluginmanager.register(AxeFromWorkers(), "concord-axe-from-workers")


def pytest_terminal_summary(terminalreporter, config):
    """One line per page type checked with axe, so a run shows what was covered."""
    if hasattr(config, "workerinput") or not journeys.AXE_RESULTS:
        return
    path = journeys.write_axe_report()
    terminalreporter.section("axe-core: page types checked (phone and desktop width)")
    for name, result in sorted(journeys.AXE_RESULTS.items()):
        other = ", ".join(sorted(result["other"])) or "none"
        terminalreporter.write_line(
            f"{name:32} serious/critical: {len(result['blocking'])}  moderate/minor: {other}"
        )
    terminalreporter.write_line(
        f"report: {path.relative_to(journeys.ROOT)}; "
        f"screenshots: {journeys.SCREENSHOTS.relative_to(journeys.ROOT)}/"
    )
