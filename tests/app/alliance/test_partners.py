"""Partners: equal billing, in neutral alphabetical order wherever they are listed."""

from app.drafting.services import consensus
from tests.support.world import Alliance


def test_partners_are_listed_in_neutral_alphabetical_order(app, session):
    Alliance(["Zephyr Trust", "alder network", "Moor Group"])
    names = [p.name for p in consensus.all_partners(session)]
    assert names == ["alder network", "Moor Group", "Zephyr Trust"]
