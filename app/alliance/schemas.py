"""The alliance in the JSON API: its partners."""

from pydantic import BaseModel

from app.api.fields import Slug
from positions import consensus as core


class Partner(BaseModel):
    """A partner organisation of the alliance."""

    slug: Slug
    name: str
    active: bool

    @classmethod
    def of(cls, partner: core.Partner) -> "Partner":
        return cls(slug=partner.slug, name=partner.name, active=partner.active)
