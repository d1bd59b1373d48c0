"""The standard world: an alliance of partners, each with its chief officer and policy officer,
plus the alliance team's communications officer and admin.

`Alliance(names)` builds one through the services and commits it. The `alliance` fixture does not
build it for every test: it is built once per test session, committed in a database of its own,
and each test finds it there (`Alliance.found()`), inside the test's own transaction.
"""

from sqlalchemy import select

from app.accounts.models import User
from app.alliance.models import Partner, PolicyArea
from app.divergence.services import differ
from app.drafting.services import governance
from app.extensions import db
from tests.support.factories import approve, make_area, make_partner, make_user

STANDARD_PARTNERS = ("Harbourside", "Moorland", "Riverbank")


def _slug(name: str) -> str:
    return name.lower().replace(" ", "-")


def chief_email(slug: str) -> str:
    return f"chief@{slug}.test"


def policy_email(slug: str) -> str:
    return f"policy@{slug}.test"


COMMS_EMAIL = "comms@alliance.test"
ADMIN_EMAIL = "admin@alliance.test"


class Alliance:
    """An alliance of n partners, each with a chief and a policy officer, plus comms and admin."""

    partners: list[Partner]
    area: PolicyArea
    chiefs: dict[str, User]
    officers: dict[str, User]
    comms: User
    admin: User

    def __init__(self, names: list[str] | tuple[str, ...]):
        self.partners = [make_partner(n) for n in names]
        self.area = make_area()
        self.chiefs = {}
        self.officers = {}
        for p in self.partners:
            self.chiefs[p.slug] = make_user(chief_email(p.slug), "chief_officer", partner=p)
            self.officers[p.slug] = make_user(policy_email(p.slug), "policy_officer", partner=p)
        self.comms = make_user(COMMS_EMAIL, "comms")
        self.admin = make_user(ADMIN_EMAIL, "admin")
        db.session.commit()

    @classmethod
    def found(cls, names: tuple[str, ...] = STANDARD_PARTNERS) -> "Alliance":
        """The alliance `Alliance(names)` built earlier, read back into the current session."""
        slugs = [_slug(n) for n in names]
        partners = {
            p.slug: p
            for p in db.session.execute(select(Partner).where(Partner.slug.in_(slugs))).scalars()
        }
        emails = [COMMS_EMAIL, ADMIN_EMAIL]
        emails += [f(slug) for slug in slugs for f in (chief_email, policy_email)]
        found = db.session.execute(select(User).where(User.email.in_(emails))).scalars()
        users = {u.email: u for u in found}
        alliance = cls.__new__(cls)
        alliance.partners = [partners[slug] for slug in slugs]
        alliance.area = db.session.execute(
            select(PolicyArea).where(PolicyArea.slug == "housing")
        ).scalar_one()
        alliance.chiefs = {slug: users[chief_email(slug)] for slug in slugs}
        alliance.officers = {slug: users[policy_email(slug)] for slug in slugs}
        alliance.comms, alliance.admin = users[COMMS_EMAIL], users[ADMIN_EMAIL]
        return alliance

    @property
    def drafter(self) -> User:
        return self.officers[self.partners[0].slug]

    def approve_all(self, position) -> None:
        for chief in self.chiefs.values():
            approve(chief, position)

    def withdraw_all(self, position, reason: str = "Superseded.") -> None:
        """Every partner's chief officer confirms withdrawing the published text."""
        for chief in self.chiefs.values():
            governance.confirm_withdrawal(
                db.session,
                chief,
                position.id,
                revision_number=position.published_revision.number,
                reason=reason,
            )

    def reopen_all(self, position, reason: str = "Views have moved.") -> None:
        """Every partner's chief officer confirms reopening an agreed-to-differ outcome."""
        for chief in self.chiefs.values():
            differ.confirm_reopening(db.session, chief, position.id, reason=reason)
