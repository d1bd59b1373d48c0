"""People in the JSON API (admins): who they are, their partner and roles, and access."""

from pydantic import BaseModel, ConfigDict, Field, StrictBool

from app.api.fields import Body, Slug, Text


class Person(BaseModel):
    id: int
    email: str
    name: str
    partner: Slug | None
    roles: list[str]
    active: bool

    @classmethod
    def of(cls, user) -> "Person":
        return cls(
            id=user.id,
            email=user.email,
            name=user.name,
            partner=user.partner.slug if user.partner else None,
            roles=[r for r in user.roles.split(",") if r],
            active=user.active,
        )


class Invited(Person):
    set_password_link: str | None = Field(
        None,
        description="Works once, for 7 days: pass it on. Null when a mail server is configured: "
        "the link was emailed to the person and is theirs alone.",
    )


class NewPerson(Body):
    email: Text
    name: Text
    roles: list[str]
    partner: Slug | None = None  # none: the alliance team


class PersonChanges(Body):
    """Only the fields sent change; `partner: null` moves someone to the alliance team."""

    model_config = ConfigDict(extra="forbid")

    roles: list[str] = []
    partner: Slug | None = None
    active: StrictBool = True


class SecondFactorStatus(BaseModel):
    """Whether the caller signs in with a second factor. API tokens are made by someone already
    signed in (with the second factor, where it is required), so a token stands on its own."""

    required: bool  # chief officers and admins, when the server requires it
    enrolled: bool
    recovery_codes_left: int
