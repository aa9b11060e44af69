"""How passwords are stored and which ones are accepted.

Hashes use scrypt through werkzeug (a memory-hard scheme). A hash made with any other method or
other parameters (pbkdf2 from older releases) still verifies and is replaced by a fresh one at the
user's next successful sign-in, when the password is at hand in clear (``needs_rehash``).
"""

from __future__ import annotations

from flask_babel import gettext as _
from werkzeug.security import generate_password_hash

from ...forms import FieldError
from ..errors import ValidationFailed

# werkzeug's scrypt with its parameters spelled out: N=2**15, r=8, p=1.
HASH_METHOD = "scrypt:32768:8:1"
MIN_PASSWORD_LENGTH = 8
# Long enough for any passphrase; a longer one would only make hashing an attack on the server.
MAX_PASSWORD_LENGTH = 128


def hash_password(password: str) -> str:
    return generate_password_hash(password, method=HASH_METHOD)


def needs_rehash(stored: str) -> bool:
    """Whether a stored hash was made with another method or other parameters than today's."""
    return stored.split("$", 1)[0] != HASH_METHOD


def policy_problem(username: str, password: str) -> str | None:
    """Why the password is refused (in the user's language), or None when it is acceptable."""
    if len(password) < MIN_PASSWORD_LENGTH:
        return _("A password has at least %(count)d characters.", count=MIN_PASSWORD_LENGTH)
    if len(password) > MAX_PASSWORD_LENGTH:
        return _("A password has at most %(count)d characters.", count=MAX_PASSWORD_LENGTH)
    if username and username.casefold() in password.casefold():
        return _("A password may not contain the username.")
    return None


def check_policy(username: str, password: str, field: str = "password") -> None:
    """ValidationFailed naming ``field`` when the password breaks the policy."""
    problem = policy_problem(username, password)
    if problem is not None:
        raise ValidationFailed([FieldError(field, problem)], problem)
