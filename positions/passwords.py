"""What makes a password acceptable: long enough, not common, not the person's own name."""

import re

MIN_LENGTH = 10

# Passwords attackers try first. Compared after lower-casing and removing trailing digits and
# punctuation, so "Password2024!" counts as "password".
COMMON = frozenset(
    """
    password passw0rd p@ssword p@ssw0rd passwort motdepasse contrasena wachtwoord
    qwerty qwertyuiop qwertz azerty asdfgh asdfghjkl zxcvbn zxcvbnm 1q2w3e4r 1qaz2wsx
    qazwsx abc abcdef abcdefg abcdefgh abcd1234 letmein welcome welcome1 changeme
    admin administrator root login master hello iloveyou trustno1 secret
    monkey dragon football baseball soccer hockey princess sunshine shadow superman
    batman starwars pokemon whatever freedom mustang michael jennifer jordan
    charlie thomas daniel george hunter ranger buster summer winter spring autumn
    london england liverpool arsenal chelsea manchester
    concord alliance partner community council
    default guest user test tester testing temp temporary access
    """.split()  # noqa: SIM905  (a word list reads best as words)
)


def _stem(password: str) -> str:
    return re.sub(r"[\d\W_]+$", "", password.lower())


def password_problems(password: str, *, email: str = "", name: str = "") -> list[str]:
    """Plain-language reasons a password is refused; an empty list means it is fine."""
    problems = []
    if len(password) < MIN_LENGTH:
        problems.append(f"Use at least {MIN_LENGTH} characters.")
    lowered = password.lower()
    if _stem(password) in COMMON or lowered in COMMON or lowered.isdigit():
        problems.append("That password is too common; attackers try it first.")
    elif len(set(lowered)) <= 2:
        problems.append("Use more than one or two different characters.")
    personal = [email.split("@")[0].lower()] + [part.lower() for part in name.split()]
    if any(len(p) >= 4 and p in lowered for p in personal):
        problems.append("Don't build the password from your name or email.")
    return problems
