"""The second factor's rules: who needs one, and that each code counts once."""

from positions.roles import Role
from positions.second_factor import (
    accepted_step,
    looks_like_totp,
    needs_second_factor,
    normalise_recovery_code,
)


def test_chief_officers_and_admins_need_a_second_factor_others_do_not():
    assert needs_second_factor({Role.CHIEF_OFFICER})
    assert needs_second_factor({Role.ADMIN, Role.COMMS})
    assert not needs_second_factor({Role.POLICY_OFFICER, Role.COMMS})
    assert not needs_second_factor(set())


def test_a_code_counts_once_per_time_step():
    assert accepted_step([100], None) == 100
    assert accepted_step([100], 99) == 100
    assert accepted_step([100], 100) is None  # the same code again: a replay
    assert accepted_step([99], 100) is None  # an older step than one already used
    assert accepted_step([], None) is None


def test_the_earliest_fresh_step_is_taken():
    assert accepted_step([99, 101], 99) == 101


def test_recovery_codes_ignore_case_spaces_and_dashes():
    assert normalise_recovery_code(" AB12c-d34EF ") == "ab12cd34ef"


def test_a_totp_code_is_six_ascii_digits():
    assert looks_like_totp("123456") and looks_like_totp("123 456")
    assert not looks_like_totp("12345") and not looks_like_totp("abcdef")
    assert not looks_like_totp("١٢٣٤٥٦")  # Arabic-Indic digits pass isdigit, not our check
