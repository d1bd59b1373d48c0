"""Search finds what each searcher may see, ranked, with marked snippets; the index follows every
change in its own transaction; typed syntax never reaches the database."""

import pytest

from app.discussion.services import edit_comment, reply, start_thread
from app.extensions import db
from app.search import indexing, queries
from app.search.models import SearchEntry
from positions import searching as core
from positions.searching import Kind
from tests.support.client import api_headers, error_of, login
from tests.support.factories import (
    make_area,
    make_meeting,
    make_position,
    published_position,
    revise,
    speak,
)
from tests.support.queries import counting_queries


def find(words: str, *, signed_in: bool = True, **filters) -> list[tuple[str, str]]:
    found = queries.search(
        db.session, core.parse(words), signed_in=signed_in, filters=core.Filters(**filters)
    )
    return [(hit.kind.value, hit.plain_title) for hit in found.hits]


def test_a_draft_is_found_by_a_stemmed_word_and_by_the_start_of_one(alliance):
    make_position(alliance.drafter, title="Bus routes", body="Keep rural buses running daily.")
    assert find("bus running") == [("position", "Bus routes")]
    assert find("rural bu") == [("position", "Bus routes")]  # the last word as a prefix
    assert find("ferries") == []


def test_the_snippet_marks_each_match_and_the_title_match_ranks_first(alliance):
    make_position(alliance.drafter, title="Fair rents", body="A body about other things.")
    make_position(alliance.drafter, title="Transport", body="Among much else, fair rents too.")
    found = queries.search(db.session, core.parse("rents"), signed_in=True)
    assert [h.plain_title for h in found.hits] == ["Fair rents", "Transport"]
    second = found.hits[1]
    pieces = core.highlighted(second.snippet)
    assert pieces[:2] == [("Among much else, fair ", False), ("rents", True)]


def test_signed_out_only_published_text_is_found_never_a_later_draft(alliance):
    position = published_position(alliance, title="Fair rents", body="We ask for fair rents.")
    make_position(alliance.drafter, title="Secret draft", body="Unpublished rents thinking.")
    assert find("rents", signed_in=False) == [("published", "Fair rents")]
    revise(alliance.drafter, position, "We ask for fair rents and a tenants' ombudsman.")
    db.session.commit()
    assert find("ombudsman", signed_in=False) == []  # the draft is not public
    assert find("ombudsman") == [("position", "Fair rents")]


def test_an_edit_replaces_the_words_in_the_same_transaction(alliance):
    position = make_position(alliance.drafter, title="Libraries", body="Open on Sundays.")
    revise(alliance.drafter, position, "Open every evening.")
    assert find("sundays") == []  # no commit yet: the flush already moved the index
    assert find("evening") == [("position", "Libraries")]
    db.session.rollback()
    assert find("libraries") == []  # rolled back with the position


def test_meetings_are_found_by_their_audience_and_internal_ones_never_signed_out(alliance):
    make_meeting(alliance.comms, title="Round table", audience=("Tenants Union",), public=False)
    make_meeting(alliance.comms, title="Open hearing", audience=("Tenants Union",), public=True)
    assert sorted(find("tenants union")) == [
        ("meeting", "Open hearing"),
        ("meeting", "Round table"),
    ]
    assert find("tenants union", signed_in=False) == []  # the public searches published texts


def test_what_a_spokesperson_said_is_found(alliance):
    meeting = make_meeting(alliance.comms, title="Select committee")
    speak(alliance.comms, meeting, alliance.chiefs["harbourside"], summary="Argued for rent caps.")
    assert find("caps") == [("appearance", "Select committee")]


def test_filters_narrow_by_kind_area_and_day(alliance):
    transport = make_area("Transport")
    make_position(alliance.drafter, title="Buses", body="Rural services.", area=transport)
    make_position(alliance.drafter, title="Homes", body="Rural housing.")
    make_meeting(alliance.comms, title="Rural forum")
    assert sorted(find("rural")) == [
        ("meeting", "Rural forum"), ("position", "Buses"), ("position", "Homes")
    ]  # fmt: skip
    assert find("rural", kind=Kind.MEETING) == [("meeting", "Rural forum")]
    assert find("rural", area="transport") == [("position", "Buses")]
    today = db.session.execute(db.select(SearchEntry.day).limit(1)).scalar_one()
    assert find("rural", date_to=today.replace(year=today.year - 1)) == []


@pytest.mark.parametrize(
    "typed",
    [
        *('"', "rents OR *", "NEAR(a b)", "rents)(", "title:rents", "-rents", "a & b | !c"),
        *("x'y", "*", "²", "rents ²", "__", "a_b", "١٢", "ⅷ", "the", "the and of", "é"),
    ],
)
def test_search_syntax_typed_by_anyone_is_only_words(alliance, typed):
    make_position(alliance.drafter, title="Fair rents", body="We ask for fair rents.")
    found = queries.search(db.session, core.parse(typed), signed_in=True)  # never an error
    assert all(hit.plain_title == "Fair rents" for hit in found.hits)


def test_a_search_takes_the_same_statements_however_many_things_match(alliance):
    def statements() -> int:
        with counting_queries() as seen:
            queries.search(db.session, core.parse("rents"), signed_in=True)
        return len(seen)

    make_position(alliance.drafter, title="Rents 0", body="rents")
    few = statements()
    for n in range(1, 25):
        make_position(alliance.drafter, title=f"Rents {n}", body="rents")
    assert statements() == few


def test_rebuilding_writes_the_entries_the_changes_wrote(alliance):
    published_position(alliance, title="Fair rents", body="We ask for fair rents.")
    make_meeting(alliance.comms, title="Round table")

    def entries():
        rows = db.session.execute(db.select(SearchEntry)).scalars()
        return sorted((e.kind, e.object_id, e.audience, e.title, e.body, e.day) for e in rows)

    before = entries()
    written = indexing.rebuild(db.session.connection(), lambda moment: moment.date())
    assert written == len(before) and entries() == before


# ---- the pages and the API ------------------------------------------------------------------


def test_the_search_page_marks_matches_and_links_each_hit(alliance, client):
    position = make_position(alliance.drafter, title="Fair rents", body="Fair & stable rents.")
    db.session.commit()
    login(client, alliance.officers["moorland"])
    page = client.get("/search?q=rents").get_data(as_text=True)
    assert f'href="/positions/{position.id}"' in page
    assert "<mark>rents</mark>" in page and "Fair &amp; stable" in page  # escaped, then marked


def test_a_bad_filter_answers_400_with_the_words_kept(alliance, client):
    login(client, alliance.drafter)
    answer = client.get("/search?q=rents&date_from=2026-13-01")
    assert answer.status_code == 400
    page = answer.get_data(as_text=True)
    assert "Give the day as YYYY-MM-DD" in page and 'value="rents"' in page


def test_the_public_search_needs_no_sign_in_and_links_the_public_page(alliance, client):
    position = published_position(alliance, title="Fair rents", body="We ask for fair rents.")
    page = client.get("/public/search?q=fair+rents").get_data(as_text=True)
    assert f'href="/public/{position.slug}"' in page


def test_the_api_answers_plain_snippets_with_their_highlights(alliance, client):
    make_position(alliance.drafter, title="Fair rents", body="We ask for fair rents.")
    answer = client.get("/api/v1/search?q=rent", headers=api_headers(alliance.comms))
    assert answer.status_code == 200
    body = answer.get_json()
    assert body["query"] == ["rent"] and body["more"] is False
    [hit] = body["hits"]
    assert hit["kind"] == "position" and hit["snippet"].startswith("We ask for fair rents")
    assert hit["highlights"] == ["rents"] and hit["url"].endswith(f"/positions/{hit['id']}")
    error_of(
        client.get("/api/v1/search?q=rent&kind=nonsense", headers=api_headers(alliance.comms)), 400
    )
    assert client.get("/api/v1/search?q=rent").status_code == 401
    public = client.get("/api/v1/published/search?q=rent")
    assert public.status_code == 200 and public.get_json()["hits"] == []


# ---- discussion threads ---------------------------------------------------------------------


def find_as(user, words: str) -> list[tuple[str, str]]:
    found = queries.search(
        db.session, core.parse(words), signed_in=True, partner_id=user.partner_id
    )
    return [(hit.kind.value, hit.plain_title) for hit in found.hits]


def test_an_alliance_thread_is_found_by_every_member_never_signed_out(alliance):
    position = make_position(alliance.drafter, title="Bus routes", body="Keep buses running.")
    start_thread(db.session, alliance.drafter, position.id, body="What about ferries?", paragraph=0)
    for reader in (alliance.officers["riverbank"], alliance.comms, alliance.admin):
        assert find_as(reader, "ferries") == [("comment", "Bus routes")], reader.email
    assert find("ferries", signed_in=False) == []


def test_a_partners_note_is_found_only_by_that_partners_people(alliance):
    position = make_position(alliance.drafter, title="Bus routes", body="Keep buses running.")
    author = alliance.officers["harbourside"]
    start_thread(
        db.session, author, position.id, body="Internally: accept the ferries.", paragraph=0,
        visibility="partner",
    )  # fmt: skip
    for colleague in (author, alliance.chiefs["harbourside"]):
        assert find_as(colleague, "ferries") == [("comment", "Bus routes")], colleague.email
    outsiders = (alliance.chiefs["moorland"], alliance.officers["riverbank"], alliance.comms)
    for outsider in (*outsiders, alliance.admin):
        assert find_as(outsider, "ferries") == [], outsider.email
    assert find("ferries") == []  # signed in, but with no partner: nobody's notes
    assert find("ferries", signed_in=False) == []


def test_threads_from_before_they_were_searchable_are_added_once_by_migration_0017(alliance):
    position = make_position(alliance.drafter, title="Bus routes", body="Keep buses running.")
    start_thread(db.session, alliance.drafter, position.id, body="What about ferries?", paragraph=0)
    db.session.flush()
    # As a database indexed by 0013 holds it: the position's entry, no thread's.
    db.session.execute(db.delete(SearchEntry).where(SearchEntry.kind == Kind.COMMENT.value))
    others = db.session.execute(db.select(SearchEntry.id).order_by(SearchEntry.id)).all()
    assert find_as(alliance.drafter, "ferries") == []
    added = indexing.index_threads(db.session.connection(), lambda moment: moment.date())
    assert added == 1 and find_as(alliance.drafter, "ferries") == [("comment", "Bus routes")]
    kept = db.session.execute(
        db.select(SearchEntry.id)
        .where(SearchEntry.kind != Kind.COMMENT.value)
        .order_by(SearchEntry.id)
    ).all()
    assert kept == others  # the other entries are left as they were


def test_a_reply_rewrites_its_own_threads_entry_and_no_other(alliance):
    position = make_position(alliance.drafter, title="Bus routes", body="Keep buses running.")
    first = start_thread(db.session, alliance.drafter, position.id, body="Ferries?", paragraph=0)
    start_thread(db.session, alliance.drafter, position.id, body="Trams?", paragraph=0)
    db.session.flush()

    def entries() -> dict[tuple[str, int], int]:
        rows = db.session.execute(
            db.select(SearchEntry.kind, SearchEntry.object_id, SearchEntry.id)
        )
        return {(kind, object_id): entry_id for kind, object_id, entry_id in rows}

    before = entries()
    reply(db.session, alliance.officers["riverbank"], first.id, body="And hovercraft.")
    db.session.flush()
    after = entries()
    rewritten = {key for key in before if before[key] != after.get(key)}
    assert rewritten == {(Kind.COMMENT.value, first.id)}
    assert find_as(alliance.drafter, "hovercraft") == [("comment", "Bus routes")]


def test_a_reply_and_an_edit_move_the_index_in_the_same_transaction(alliance):
    position = make_position(alliance.drafter, title="Bus routes", body="Keep buses running.")
    thread = start_thread(db.session, alliance.drafter, position.id, body="Trams?", paragraph=0)
    comment = reply(db.session, alliance.comms, thread.id, body="Consider ferries.")
    assert find_as(alliance.comms, "ferries") == [("comment", "Bus routes")]  # not committed
    edit_comment(db.session, alliance.comms, comment.id, body="Consider hovercraft.")
    assert find_as(alliance.comms, "ferries") == []
    assert find_as(alliance.comms, "hovercraft") == [("comment", "Bus routes")]
    db.session.rollback()
    assert find_as(alliance.comms, "trams") == []


def test_a_renamed_position_renames_its_threads_hits(alliance):
    position = make_position(alliance.drafter, title="Bus routes", body="Keep buses running.")
    start_thread(db.session, alliance.drafter, position.id, body="Ferries too?", paragraph=0)
    revise(alliance.drafter, position, "Keep buses running.", title="Rural transport")
    assert find_as(alliance.comms, "ferries") == [("comment", "Rural transport")]


def test_a_thread_hit_links_to_the_thread_and_the_api_keeps_notes_private(alliance, client):
    position = make_position(alliance.drafter, title="Bus routes", body="Keep buses running.")
    author = alliance.officers["harbourside"]
    note = start_thread(
        db.session, author, position.id, body="Internally: ferries.", paragraph=0,
        visibility="partner",
    )  # fmt: skip
    db.session.commit()
    login(client, author)
    page = client.get("/search?q=ferries").get_data(as_text=True)
    assert f'href="/positions/{position.id}#thread-{note.id}"' in page
    assert "internal note of Harbourside" in page
    mine = client.get("/api/v1/search?q=ferries", headers=api_headers(author)).get_json()
    assert [(h["kind"], h["id"]) for h in mine["hits"]] == [("comment", note.id)]
    for outsider in (alliance.chiefs["moorland"], alliance.comms):
        theirs = client.get("/api/v1/search?q=ferries", headers=api_headers(outsider))
        assert theirs.get_json()["hits"] == [], outsider.email
    assert client.get("/api/v1/published/search?q=ferries").get_json()["hits"] == []
    client.post("/logout")
    login(client, alliance.chiefs["moorland"])
    assert "Internally" not in client.get("/search?q=ferries").get_data(as_text=True)
