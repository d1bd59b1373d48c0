"""The alliance in the JSON API: its partners, policy areas and settings."""

from pydantic import BaseModel, ConfigDict, Field, StrictBool

from app.api.fields import Body, Day, OptionalText, Slug, Text
from positions import consensus as core


class Partner(BaseModel):
    """A partner organisation of the alliance; a required signatory from joined_on until left_on."""

    slug: Slug
    name: str
    active: bool
    joined_on: Day | None = None
    left_on: Day | None = None

    @classmethod
    def of(cls, partner: core.Partner) -> "Partner":
        return cls(
            slug=partner.slug,
            name=partner.name,
            active=partner.active,
            joined_on=partner.joined_on,
            left_on=partner.left_on,
        )


class NewPartner(Body):
    name: Text
    slug: OptionalText = ""  # made from the name when not sent
    joined_on: Day | None = None


class PartnerChanges(Body):
    """Only the fields sent change; null clears a date. The slug never changes."""

    model_config = ConfigDict(extra="forbid")

    name: OptionalText = ""
    joined_on: Day | None = None
    left_on: Day | None = None

    def changes(self) -> dict:
        return {name: getattr(self, name) for name in self.model_fields_set}


class Area(BaseModel):
    """A policy area; a retired one stays on its positions but takes no new one."""

    slug: Slug
    name: str
    retired: bool

    @classmethod
    def of(cls, area) -> "Area":
        return cls(slug=area.slug, name=area.name, retired=area.retired)


class NewArea(Body):
    name: Text


class AreaChanges(Body):
    model_config = ConfigDict(extra="forbid")

    name: OptionalText = ""
    retired: StrictBool = False

    def changes(self) -> dict:
        return {name: getattr(self, name) for name in self.model_fields_set}


class AreaMerge(Body):
    into: Slug


class Settings(BaseModel):
    name: str
    time_zone: str
    holiday_country: str = Field(description="Whose bank holidays sign-off deadlines skip.")
    public_introduction: str
    accountable_partner: Slug | None

    @classmethod
    def of(cls, row) -> "Settings":
        return cls(
            name=row.name,
            time_zone=row.time_zone,
            holiday_country=row.holiday_country,
            public_introduction=row.public_introduction,
            accountable_partner=row.accountable_partner.slug if row.accountable_partner else None,
        )


class SettingsChanges(Body):
    model_config = ConfigDict(extra="forbid")

    name: OptionalText = ""
    time_zone: OptionalText = ""
    holiday_country: OptionalText = ""
    public_introduction: OptionalText = ""
    accountable_partner: Slug | None = None

    def changes(self) -> dict:
        return {name: getattr(self, name) for name in self.model_fields_set}
