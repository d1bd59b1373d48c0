"""Discussion in the JSON API: threads, comments, and what starting one takes."""

from pydantic import BaseModel, Field

from app.api.fields import Body, OptionalText, RowId, Slug, Text, Timestamp, choice
from app.discussion import models
from app.discussion.queries import ThreadView
from positions.anchoring import Visibility


class NewThread(Body):
    body: Text = Field(description="The first comment (Markdown is shown as typed text).")
    visibility: choice(Visibility, required=False) = Field(  # type: ignore[valid-type]
        default="alliance",
        description="alliance: every member; partner: only your partner's people (an internal "
        "note).",
    )
    quote: OptionalText | None = Field(
        default=None, description="The passage, word for word in the current revision's Markdown."
    )
    prefix: OptionalText = Field(default="", description="Text just before the passage.")
    suffix: OptionalText = Field(default="", description="Text just after the passage.")
    paragraph: int | None = Field(
        default=None,
        ge=0,
        le=100_000,
        description="Instead of a quote: a whole paragraph, 0-based.",
    )
    revision: RowId | None = Field(
        default=None, description="The revision you read: refused (409) if the text has changed."
    )


class NewComment(Body):
    body: Text


class Resolution(Body):
    resolved: bool = Field(description="true: resolve the thread; false: reopen it.")


class Comment(BaseModel):
    id: RowId
    author: str
    author_id: RowId
    partner: Slug | None = Field(description="The author's partner; null: the alliance team.")
    body: str
    created_at: Timestamp
    edited_at: Timestamp | None

    @classmethod
    def of(cls, row: models.Comment) -> "Comment":
        return cls(
            id=row.id,
            author=row.author.name,
            author_id=row.author_id,
            partner=row.partner.slug if row.partner else None,
            body=row.body,
            created_at=row.created_at,
            edited_at=row.edited_at,
        )


class CommentEdit(BaseModel):
    previous_body: str
    edited_at: Timestamp


class Thread(BaseModel):
    id: RowId
    position: RowId
    visibility: str = Field(description="alliance, or partner (an internal note).")
    partner: Slug | None = Field(description="Whose internal note it is.")
    quote: str = Field(description="The passage as it was when the thread started.")
    prefix: str
    suffix: str
    whole_paragraph: bool
    started_on_revision: RowId
    anchored_revision: RowId = Field(description="The revision its offsets refer to.")
    start: int = Field(description="Offset of the passage in that revision's Markdown.")
    end: int
    outdated: bool = Field(description="Its passage was deleted or rewritten beyond recognition.")
    objection: RowId | None = Field(description="The sign-off this thread answers, if any.")
    resolved_at: Timestamp | None
    resolved_by: str | None
    comments: list[Comment]

    @classmethod
    def of(cls, row: models.Thread, comments: list[models.Comment]) -> "Thread":
        return cls(
            id=row.id,
            position=row.position_id,
            visibility=row.visibility,
            partner=row.partner.slug if row.partner else None,
            quote=row.quote,
            prefix=row.prefix,
            suffix=row.suffix,
            whole_paragraph=row.whole_paragraph,
            started_on_revision=row.revision.number,
            anchored_revision=row.anchored_revision_id,
            start=row.start,
            end=row.end,
            outdated=row.outdated,
            objection=row.signoff_id,
            resolved_at=row.resolved_at,
            resolved_by=row.resolved_by.name if row.resolved_by else None,
            comments=[Comment.of(c) for c in comments],
        )

    @classmethod
    def of_view(cls, view: ThreadView) -> "Thread":
        return cls.of(view.thread, view.comments)
