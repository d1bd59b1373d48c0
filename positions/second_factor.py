"""The second factor: who must use one, when a code counts, and the recovery codes' shape.

Chief officers sign for a partner and admins administer the tool: a stolen password alone must
not be enough for either. A time-based code (TOTP, 30-second steps) counts once: a code seen over
someone's shoulder, or replayed, is refused within its window.
"""

from positions.roles import Role

RECOVERY_CODE_COUNT = 10
STEP_SECONDS = 30
WINDOW_STEPS = 1  # a code of the step before or after also counts (clocks drift, people type)


def needs_second_factor(roles: "frozenset[Role] | set[Role]") -> bool:
    return Role.CHIEF_OFFICER in roles or Role.ADMIN in roles


def accepted_step(matching_steps: list[int], last_used_step: int | None) -> int | None:
    """Of the time steps the typed code matches, the one it is accepted for: the earliest not
    already used (a step at or before the last one used is a replay). None: refused."""
    fresh = [s for s in matching_steps if last_used_step is None or s > last_used_step]
    return min(fresh) if fresh else None


def normalise_recovery_code(typed: str) -> str:
    """Recovery codes are read off paper: case, spaces and dashes do not matter."""
    return "".join(ch for ch in typed.lower() if ch.isalnum())


def looks_like_totp(typed: str) -> bool:
    digits = typed.replace(" ", "")
    return len(digits) == 6 and digits.isascii() and digits.isdigit()
