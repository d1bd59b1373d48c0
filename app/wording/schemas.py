"""The wording check in the API."""

from datetime import date

from pydantic import BaseModel, Field

from app.api.fields import Body, Day
from positions import wording


class WordingRequest(Body):
    text: str = Field(max_length=wording.TEXT_MAX, description="The text to check.")
    day: Day | None = Field(None, description="The day it was said; today when left out.")


class Change(BaseModel):
    op: str = Field(description="equal, delete (agreed, left out) or insert (not agreed).")
    text: str


class Source(BaseModel):
    position: int
    title: str
    public_url: str
    revision: int
    published_on: date


class PassageCheck(BaseModel):
    passage: str
    verdict: str = Field(description=", ".join(v.value for v in wording.Verdict) + ".")
    similarity: float = Field(description="How alike, word for word, from 0 to 1.")
    source: Source | None = Field(description="The agreed text it is closest to, if any.")
    agreed: str = Field(description="The closest agreed sentence.")
    changes: list[Change]


class WordingAnswer(BaseModel):
    verdict: str = Field(description="The furthest any passage departs.")
    passages: list[PassageCheck]
