"""A published position as a document to hand on: Word (python-docx) and PDF (WeasyPrint).

Both carry what the public page carries, in the same order: the alliance and every partner with
equal billing, the agreed text, who signed for each partner and when, the revision, the
publication date, the content hash and the address of the public page, so a copy can always be
checked against the record. An agree-to-differ outcome has no agreed text: its document holds
each partner's statement under the partner's name, in alphabetical order, with who confirmed
the outcome for each partner and the hash of the statements.
"""

import io
from dataclasses import dataclass
from html.parser import HTMLParser

from docx import Document
from docx.enum.text import WD_BREAK
from docx.shared import Pt
from flask import render_template

WORD = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
PDF = "application/pdf"


@dataclass(frozen=True)
class Signature:
    partner: str
    person: str
    capacity: str
    at: str  # in the alliance's time zone, as the page shows it


@dataclass(frozen=True)
class AgreedText:
    """Everything a document of one published position holds."""

    alliance: str
    partners: list[str]  # alphabetical: equal billing
    title: str
    area: str
    revision: int
    published_on: str
    content_hash: str
    body_html: str  # sanitised when the revision was saved
    signatures: list[Signature]
    public_url: str
    withdrawn_on: str | None

    @property
    def filename(self) -> str:
        return f"{self.title[:60].strip() or 'position'} (version {self.revision})"


@dataclass(frozen=True)
class Statement:
    partner: str
    html: str  # sanitised when the statement was saved


@dataclass(frozen=True)
class DifferText:
    """Everything a document of an agree-to-differ outcome holds."""

    alliance: str
    partners: list[str]  # alphabetical: equal billing
    title: str
    area: str
    published_on: str
    statements_hash: str
    statements: list[Statement]  # in the partners' alphabetical order
    signatures: list[Signature]  # who confirmed the outcome for each partner
    public_url: str

    @property
    def filename(self) -> str:
        return f"{self.title[:60].strip() or 'position'} (agreed to differ)"


def as_pdf(text: AgreedText | DifferText) -> bytes:
    template = (
        "public/document_differ.html" if isinstance(text, DifferText) else "public/document.html"
    )
    return pdf_of(render_template(template, text=text))


def pdf_of(html: str) -> bytes:
    """A self-contained HTML page (its style inline) as PDF."""
    from weasyprint import HTML  # loads Pango: only when a PDF is asked for

    return HTML(string=html, url_fetcher=_fetch_nothing).write_pdf()


def _fetch_nothing(url: str, *args, **kwargs):
    """A document is made from what is stored here: nothing is fetched, not an image, not a
    font (an address in a text would otherwise make the server call it)."""
    raise ValueError(f"not fetched: {url[:80]}")


def _signature_table(document, signatures: list[Signature]) -> None:
    table = document.add_table(rows=1, cols=4)
    table.style = "Table Grid"
    labels = ("Partner", "Signed by", "Capacity", "When")
    for cell, label in zip(table.rows[0].cells, labels, strict=True):
        cell.text = label
    for s in signatures:
        values = (s.partner, s.person, s.capacity, s.at)
        for cell, value in zip(table.add_row().cells, values, strict=True):
            cell.text = value


def _saved(document) -> bytes:
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def as_word(text: AgreedText | DifferText) -> bytes:
    if isinstance(text, DifferText):
        return _differ_as_word(text)
    document = Document()
    document.core_properties.title = text.title
    document.core_properties.author = text.alliance
    document.add_paragraph(f"{text.alliance} · {text.area}", style="Subtitle")
    document.add_heading(text.title, level=0)
    document.add_paragraph("Partners: " + ", ".join(text.partners))
    if text.withdrawn_on:
        document.add_paragraph(
            f"Withdrawn on {text.withdrawn_on}: no longer the alliance's position; "
            "the text is kept for the record."
        ).runs[0].bold = True
    document.add_paragraph(
        f"The alliance's agreed position, version {text.revision}, agreed by all "
        f"{len(text.partners)} partners and published on {text.published_on}."
    )
    _WordWriter(document).feed(text.body_html)
    document.add_heading("Approved by every partner", level=1)
    _signature_table(document, text.signatures)
    document.add_paragraph("Content hash (SHA-256 of the normalised title and text): ")
    document.paragraphs[-1].add_run(text.content_hash).font.name = "Courier New"
    document.add_paragraph(f"The public record: {text.public_url}")
    return _saved(document)


def _differ_as_word(text: DifferText) -> bytes:
    document = Document()
    document.core_properties.title = text.title
    document.core_properties.author = text.alliance
    document.add_paragraph(f"{text.alliance} · {text.area}", style="Subtitle")
    document.add_heading(text.title, level=0)
    document.add_paragraph("Partners: " + ", ".join(text.partners))
    document.add_paragraph(
        "The partners agree to differ: there is no alliance position on this subject. Each "
        f"partner's own view follows, under its own name, as confirmed by every partner on "
        f"{text.published_on}."
    ).runs[0].bold = True
    for statement in text.statements:
        document.add_heading(statement.partner, level=1)
        _WordWriter(document).feed(statement.html)
    document.add_heading("Confirmed by every partner", level=1)
    _signature_table(document, text.signatures)
    document.add_paragraph("Statements hash (SHA-256 of every partner's statement): ")
    document.paragraphs[-1].add_run(text.statements_hash).font.name = "Courier New"
    document.add_paragraph(f"The public record: {text.public_url}")
    return _saved(document)


class _WordWriter(HTMLParser):
    """The sanitised HTML of a revision, as Word headings, paragraphs, lists, tables and runs.

    Only the elements the Markdown renderer lets through are known; any other tag's text is
    still written as plain text, so nothing of the agreed wording is ever dropped.
    """

    HEADINGS = {f"h{n}": n for n in range(1, 7)}

    def __init__(self, document) -> None:
        super().__init__(convert_charrefs=True)
        self.document = document
        self.paragraph = None  # the Word paragraph text goes into; None between blocks
        self.lists: list[str] = []  # "ul" / "ol", innermost last
        self.bold = self.italic = self.code = self.quote = 0
        self.pre = False
        self.link: str | None = None
        self.link_text = ""
        self.rows: list[list[tuple[bool, str]]] | None = None  # inside a table: its cells

    def handle_starttag(self, tag, attrs):
        if tag in self.HEADINGS:
            self.paragraph = self.document.add_heading(level=self.HEADINGS[tag])
        elif tag in ("p", "dt", "dd") and not (self.lists and self.paragraph is not None):
            self.paragraph = self.document.add_paragraph(style="Quote" if self.quote else None)
            self.bold += tag == "dt"  # a defined term stands out, as on the page
        elif tag in ("ul", "ol"):
            self.lists.append(tag)
        elif tag == "li":
            kind = "List Number" if self.lists and self.lists[-1] == "ol" else "List Bullet"
            depth = min(len(self.lists), 3)
            self.paragraph = self.document.add_paragraph(
                style=kind if depth <= 1 else f"{kind} {depth}"
            )
        elif tag == "blockquote":
            self.quote += 1
        elif tag == "pre":
            self.pre = True
            self.paragraph = self.document.add_paragraph(style="No Spacing")
        elif tag in ("strong", "b"):
            self.bold += 1
        elif tag in ("em", "i"):
            self.italic += 1
        elif tag == "code":
            self.code += 1
        elif tag == "a":
            self.link, self.link_text = dict(attrs).get("href") or "", ""
        elif tag == "br" and self.paragraph is not None:
            self.paragraph.add_run().add_break(WD_BREAK.LINE)
        elif tag == "table":
            self.rows = []
        elif tag == "tr" and self.rows is not None:
            self.rows.append([])
        elif tag in ("td", "th") and self.rows:
            self.rows[-1].append((tag == "th", ""))

    def handle_endtag(self, tag):
        if tag in self.HEADINGS or tag in ("p", "pre", "li", "dt", "dd"):
            self.pre = self.pre and tag != "pre"
            self.bold -= tag == "dt" and self.bold > 0
            if tag == "li" or not self.lists:
                self.paragraph = None
        elif tag in ("ul", "ol") and self.lists:
            self.lists.pop()
            self.paragraph = None
        elif tag == "blockquote":
            self.quote = max(0, self.quote - 1)
        elif tag in ("strong", "b"):
            self.bold = max(0, self.bold - 1)
        elif tag in ("em", "i"):
            self.italic = max(0, self.italic - 1)
        elif tag == "code":
            self.code = max(0, self.code - 1)
        elif tag == "a" and self.link is not None:
            href, shown = self.link, self.link_text.strip()
            self.link = None
            if href and href != shown:
                self._write(f" ({href})")  # on paper a link is only as good as its address
        elif tag == "table" and self.rows is not None:
            self._write_table([row for row in self.rows if row])
            self.rows = None

    def handle_data(self, data):
        if self.rows is not None:
            if self.rows and self.rows[-1]:
                header, text = self.rows[-1][-1]
                self.rows[-1][-1] = (header, text + data)
            return
        if not self.pre:  # HTML whitespace: any run of it is one space
            words = " ".join(data.split())
            if self.paragraph is None and not words:
                return  # the space between two blocks
            before = " " if data[:1].isspace() else ""
            after = " " if data[-1:].isspace() and words else ""
            data = before + words + after
        if self.link is not None:
            self.link_text += data
        self._write(data)

    def _write(self, data: str) -> None:
        if self.paragraph is None:
            self.paragraph = self.document.add_paragraph(style="Quote" if self.quote else None)
        if not self.paragraph.runs and not self.pre:
            data = data.lstrip()
        if not data:
            return
        run = self.paragraph.add_run(data)
        run.bold = True if self.bold else None
        run.italic = True if self.italic else None
        run.underline = True if self.link is not None else None
        if self.code or self.pre:
            run.font.name = "Courier New"
            run.font.size = Pt(10)

    def _write_table(self, rows: list[list[tuple[bool, str]]]) -> None:
        width = max((len(row) for row in rows), default=0)
        if not width:
            return
        table = self.document.add_table(rows=len(rows), cols=width)
        table.style = "Table Grid"
        for word_row, row in zip(table.rows, rows, strict=True):
            for cell, (header, text) in zip(word_row.cells, row, strict=False):
                run = cell.paragraphs[0].add_run(" ".join(text.split()))
                run.bold = True if header else None
        self.paragraph = None
