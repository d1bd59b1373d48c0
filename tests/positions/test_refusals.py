"""One refusal type for the whole app: what every refusal carries, and its kinds. No app."""

import pytest

from positions.refusals import (
    Conflict,
    Forbidden,
    Invalid,
    Kind,
    NotFound,
    Refused,
    TooLarge,
    Unauthorised,
)

FAMILY = [Invalid, Unauthorised, Forbidden, NotFound, Conflict, TooLarge]


def test_every_kind_has_exactly_one_refusal_class():
    assert sorted(cls.kind for cls in FAMILY) == sorted(Kind)
    assert all(issubclass(cls, Refused) for cls in FAMILY)


@pytest.mark.parametrize("cls", FAMILY)
def test_without_a_code_the_kind_is_the_code(cls):
    refused = cls("Not like that.")
    assert (refused.code, refused.message, str(refused)) == (
        cls.kind.value,
        *["Not like that."] * 2,
    )
    assert (refused.field, refused.partners, refused.audited, refused.extra) == (
        None,
        (),
        False,
        {},
    )


def test_a_refusal_names_its_rule_field_partners_and_further_facts():
    refused = Conflict(
        "Not yet.", "not_unanimous", "revision", partners=["moorland"], current_revision=3
    )
    assert (refused.code, refused.field, refused.partners) == (
        "not_unanimous",
        "revision",
        ("moorland",),
    )
    assert refused.extra == {"current_revision": 3}


def test_an_audited_refusal_says_so():
    assert Forbidden("No.", audited=True).audited
