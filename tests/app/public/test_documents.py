"""Issue 17.3: a published position as Word and PDF, read back; the public Atom feed."""

import io
import re
import xml.etree.ElementTree as ET

import docx
import pypdf
import pytest

from app.extensions import db
from tests.support.client import body_of
from tests.support.factories import make_position, published_position, revise

BODY = """The alliance asks for **fair rents** and *secure tenancies*.

## What we ask for

1. A register of landlords.
2. Independent appeals, see [the survey](https://example.org/survey).

> Housing is a right.

| Region | Rent rise |
|--------|-----------|
| North  | 4%        |
| South  | 6%        |

Term
: Its definition.
"""
ATOM = "{http://www.w3.org/2005/Atom}"


@pytest.fixture
def agreed(alliance):
    return published_position(alliance, title="Fair rents for all", body=BODY)


def word_of(client, position) -> docx.Document:
    response = client.get(f"/public/{position.slug}/document.docx")
    assert response.status_code == 200
    assert response.mimetype.endswith("wordprocessingml.document")
    assert f'filename="{position.slug}.docx"' in response.headers["Content-Disposition"]
    return docx.Document(io.BytesIO(response.data))


def pdf_text_of(client, position) -> str:
    response = client.get(f"/public/{position.slug}/document.pdf")
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    reader = pypdf.PdfReader(io.BytesIO(response.data))
    return "\n".join(page.extract_text() for page in reader.pages)


def test_the_word_document_carries_the_agreed_text_its_partners_signatures_and_hash(
    alliance, client, agreed
):
    document = word_of(client, agreed)
    paragraphs = [(p.style.name, p.text) for p in document.paragraphs]
    texts = [text for _, text in paragraphs]
    assert ("Title", "Fair rents for all") in paragraphs
    partners = sorted((p.name for p in alliance.partners), key=str.casefold)
    assert "Partners: " + ", ".join(partners) in texts
    assert any("version 1, agreed by all 3 partners" in t for t in texts)
    assert ("Heading 2", "What we ask for") in paragraphs
    assert ("List Number", "A register of landlords.") in paragraphs
    assert any("the survey (https://example.org/survey)" in t for t in texts)
    assert ("Quote", "Housing is a right.") in paragraphs
    emphasis = next(p for p in document.paragraphs if "fair rents" in p.text)
    assert any(r.bold and r.text == "fair rents" for r in emphasis.runs)
    assert any(r.italic and r.text == "secure tenancies" for r in emphasis.runs)
    body_table, signatures = document.tables
    assert [c.text for c in body_table.rows[2].cells] == ["South", "6%"]
    signed = [[c.text for c in row.cells] for row in signatures.rows[1:]]
    assert [row[0] for row in signed] == partners  # equal billing: alphabetical
    assert {row[1] for row in signed} == {chief.name for chief in alliance.chiefs.values()}
    revision = agreed.published_revision
    assert any(revision.content_hash in t for t in texts)
    assert any(f"/public/{agreed.slug}" in t for t in texts)


def test_the_pdf_carries_the_title_text_signatories_and_hash(alliance, client, agreed):
    text = pdf_text_of(client, agreed)
    assert "Fair rents for all" in text and "A register of landlords." in text
    assert all(chief.name in text for chief in alliance.chiefs.values())
    assert agreed.published_revision.content_hash in re.sub(r"\s", "", text)


def test_a_withdrawn_position_says_so_in_both_documents(alliance, client, agreed):
    alliance.withdraw_all(agreed)
    db.session.commit()
    assert any(p.text.startswith("Withdrawn on") for p in word_of(client, agreed).paragraphs)
    assert "Withdrawn on" in pdf_text_of(client, agreed)


def test_a_redraft_never_leaks_into_the_documents(alliance, client, agreed):
    revise(alliance.drafter, agreed, "A secret redraft.", title="Secret new title")
    db.session.commit()
    texts = " ".join(p.text for p in word_of(client, agreed).paragraphs)
    assert "Fair rents for all" in texts and "Secret" not in texts
    assert "Secret" not in pdf_text_of(client, agreed)


def test_nothing_unpublished_can_be_downloaded(alliance, client):
    draft = make_position(alliance.drafter, title="Still a draft")
    db.session.commit()
    for kind in ("pdf", "docx"):
        assert client.get(f"/public/{draft.slug}/document.{kind}").status_code == 404
        assert client.get(f"/public/no-such-position/document.{kind}").status_code == 404
    assert client.get(f"/public/{draft.slug}/document.txt").status_code == 404


def test_a_document_is_made_once_and_then_answered_from_its_etag(client, agreed):
    first = client.get(f"/public/{agreed.slug}/document.docx")
    again = client.get(
        f"/public/{agreed.slug}/document.docx", headers={"If-None-Match": first.headers["ETag"]}
    )
    assert again.status_code == 304
    assert first.headers["Cache-Control"].startswith("public")


def test_a_text_pointing_at_an_address_makes_the_server_fetch_nothing(alliance, client):
    from app.public import documents

    fetched = []
    position = published_position(
        alliance, title="Links", body="See [here](http://127.0.0.1:9/secret) and <img src=x>."
    )
    original = documents._fetch_nothing

    def spy(url, *args, **kwargs):
        fetched.append(url)
        return original(url, *args, **kwargs)

    documents._fetch_nothing = spy
    try:
        assert "See" in pdf_text_of(client, position)
    finally:
        documents._fetch_nothing = original
    assert fetched == []  # the sanitised text holds no image to fetch; a link is not fetched


# ---- the Atom feed ---------------------------------------------------------------------------


def entries_of(client) -> list[dict]:
    response = client.get("/public/feed.atom")
    assert response.status_code == 200 and response.mimetype == "application/atom+xml"
    feed = ET.fromstring(response.data)
    assert feed.find(f"{ATOM}link[@rel='self']").get("href").endswith("/public/feed.atom")
    return [
        {
            "id": e.findtext(f"{ATOM}id"),
            "title": e.findtext(f"{ATOM}title"),
            "link": e.find(f"{ATOM}link").get("href"),
            "summary": e.findtext(f"{ATOM}summary"),
        }
        for e in feed.findall(f"{ATOM}entry")
    ]


def test_the_feed_lists_publications_and_withdrawals_newest_first(alliance, client, agreed):
    other = published_position(alliance, title="Clean rivers")
    alliance.withdraw_all(agreed)
    db.session.commit()
    entries = entries_of(client)
    assert [e["title"] for e in entries] == [
        "Withdrawn: Fair rents for all",
        "Clean rivers",
        "Fair rents for all",
    ]
    assert entries[1]["link"].endswith(f"/public/{other.slug}")
    assert "agreed by all 3 partners" in entries[1]["summary"]
    assert len({e["id"] for e in entries}) == 3


def test_the_feed_never_shows_a_draft_or_a_redrafted_title(alliance, client, agreed):
    make_position(alliance.drafter, title="Secret draft")
    revise(alliance.drafter, agreed, "Redraft.", title="Secret new title")
    db.session.commit()
    assert [e["title"] for e in entries_of(client)] == ["Fair rents for all"]


def test_the_public_pages_link_the_feed_and_the_downloads(client, agreed):
    index = body_of(client.get("/public/"))
    assert 'type="application/atom+xml"' in index and "/public/feed.atom" in index
    page = body_of(client.get(f"/public/{agreed.slug}"))
    assert f"/public/{agreed.slug}/document.pdf" in page
    assert f"/public/{agreed.slug}/document.docx" in page


@pytest.fixture
def differing(alliance):
    from app.divergence.services import differ

    position = make_position(alliance.drafter, title="Rent caps", body="Draft.")
    for slug, officer in alliance.officers.items():
        differ.write_statement(
            db.session, officer, position.id, text=f"**{slug}** says its own view."
        )
    for chief in alliance.chiefs.values():
        differ.confirm(db.session, chief, position.id)
    db.session.commit()
    return position


def test_an_agree_to_differ_outcome_downloads_as_each_partners_statement(
    alliance, client, differing
):
    from app.divergence.models import DifferOutcome

    outcome = db.session.execute(db.select(DifferOutcome)).scalar_one()
    page = body_of(client.get(f"/public/{differing.slug}"))
    assert f"/public/{differing.slug}/document.pdf" in page
    document = word_of(client, differing)
    texts = [p.text for p in document.paragraphs]
    assert "Rent caps" in texts and any("agree to differ" in t for t in texts)
    names = [p.name for p in alliance.partners]
    headings = [p.text for p in document.paragraphs if p.style.name == "Heading 1"]
    assert headings[: len(names)] == sorted(names, key=str.casefold)  # equal billing
    assert any(t.endswith(outcome.statements_hash) for t in texts)
    confirmed = [[c.text for c in row.cells] for row in document.tables[0].rows[1:]]
    assert [row[0] for row in confirmed] == sorted(names, key=str.casefold)
    assert {row[1] for row in confirmed} == {c.name for c in alliance.chiefs.values()}
    text = pdf_text_of(client, differing)
    assert "agree to differ" in text and "harbourside says its own view" in text
    assert outcome.statements_hash[:16] in text.replace("\n", "")
