"""The audit page as people read it: names, details in words, filters, and a CSV export."""

import csv
import io

from app.alliance.services import administration as admin
from tests.support.client import login
from tests.support.factories import make_position


def test_the_page_names_people_and_objects_and_reads_details_as_words(alliance, client, session):
    admin.update_partner(session, alliance.admin, "moorland", name="Moorland Federation")
    session.commit()
    login(client, alliance.admin)
    page = client.get("/admin/audit?what=partner").get_data(as_text=True)
    assert "partner.update" in page and "login" not in page.split("<tbody>")[1]
    assert "partner" in page and "Moorland Federation" in page  # the object, named
    assert alliance.admin.name in page  # the person, not only their email
    assert "Moorland → Moorland Federation" in page
    assert "{&#34;" not in page and '{"name"' not in page  # no raw JSON


def test_filters_by_who_when_and_position(alliance, client, session):
    position = make_position(alliance.drafter, title="Fair rents")
    other = make_position(alliance.drafter, title="Clean rivers")
    session.commit()
    login(client, alliance.admin)
    mine = client.get(f"/admin/audit?position={position.id}").get_data(as_text=True)
    assert "Fair rents" in mine and "Clean rivers" not in mine
    assert f"position {other.id} " not in mine
    by_name = client.get(
        f"/admin/audit?who={alliance.drafter.name.split()[0]}&what=position"
    ).get_data(as_text=True)
    assert "Fair rents" in by_name and "Clean rivers" in by_name
    assert "No events match" in client.get("/admin/audit?until=2000-01-01").get_data(as_text=True)
    bad = client.get("/admin/audit?since=yesterday")
    assert bad.status_code == 400 and "is not a date" in bad.get_data(as_text=True)


def test_the_csv_export_has_the_filtered_events_in_words(alliance, client, session):
    admin.add_area(session, alliance.admin, name="Clean rivers")
    session.commit()
    login(client, alliance.admin)
    response = client.get("/admin/audit.csv?what=area")
    assert response.status_code == 200 and response.mimetype == "text/csv"
    rows = list(csv.DictReader(io.StringIO(response.get_data(as_text=True))))
    assert [r["action"] for r in rows] == ["area.create"]
    assert rows[0]["who"] == alliance.admin.name
    assert rows[0]["details"] == "Name: Clean rivers; Slug: clean-rivers"
    assert rows[0]["object"].endswith("· Clean rivers")
    assert len(rows[0]["hash"]) == 64
