"""The lake's two privacy secrets: a salt for the suppression list's hashes and a key
that encrypts identifiers in the request register.

Both come from ``SHOPLAKE_PRIVACY_SALT`` / ``SHOPLAKE_PRIVACY_KEY`` (production: every
host of a lake must share them) or are generated once into ``.local/privacy.env``
(owner-only). Losing the salt makes the suppression list unreadable: keep it with the
catalog's backups, never with the data.
"""
from __future__ import annotations

import hashlib
import os
import secrets
from dataclasses import dataclass
from pathlib import Path

from spark_jobs.config import Settings
from spark_jobs.errors import ShoplakeError
from spark_jobs.local_state import private_dir, write_private

SALT_VARIABLE, KEY_VARIABLE = "SHOPLAKE_PRIVACY_SALT", "SHOPLAKE_PRIVACY_KEY"


@dataclass(frozen=True)
class PrivacyKeys:
    salt: str
    key: str        # a Fernet key (url-safe base64 of 32 bytes)

    def subject_hash(self, subject: str) -> str:
        """The suppression list's name for a subject: salted SHA-256 of the identifier.
        Bronze computes the same value in Spark as ``sha2(concat(salt, token), 256)`` —
        see :func:`salted_sha256`, which must stay equal to this."""
        return salted_sha256(self.salt, subject)

    def encrypt(self, subject: str) -> str:
        from cryptography.fernet import Fernet

        return Fernet(self.key.encode()).encrypt(subject.encode()).decode()

    def decrypt(self, token: str) -> str:
        from cryptography.fernet import Fernet, InvalidToken

        try:
            return Fernet(self.key.encode()).decrypt(token.encode()).decode()
        except InvalidToken:
            raise ShoplakeError("the request's identifier cannot be decrypted with this lake's privacy key "
                                f"({KEY_VARIABLE} or .local/privacy.env differs from the one that registered it)") from None


def salted_sha256(salt: str, subject: str) -> str:
    """sha256(salt || identifier), hex: cheap to compute for every token of a bronze record
    in Spark, and useless without the salt."""
    return hashlib.sha256((salt + subject).encode("utf-8")).hexdigest()


def _env_file(settings: Settings) -> Path:
    return settings.home / "privacy.env"


def _read(path: Path) -> dict[str, str]:
    if not path.is_file():
        return {}
    pairs = (line.split("=", 1) for line in path.read_text().splitlines() if "=" in line)
    return {k.strip(): v.strip() for k, v in pairs}


def privacy_keys(settings: Settings, create: bool = True) -> PrivacyKeys:
    """The lake's salt and key: from the environment, else ``.local/privacy.env``, else
    generated there (``create``)."""
    from cryptography.fernet import Fernet

    stored = _read(_env_file(settings))
    salt = os.environ.get(SALT_VARIABLE) or stored.get(SALT_VARIABLE)
    key = os.environ.get(KEY_VARIABLE) or stored.get(KEY_VARIABLE)
    if salt and key:
        return PrivacyKeys(salt, key)
    if not create:
        raise ShoplakeError(f"no privacy keys: set {SALT_VARIABLE} and {KEY_VARIABLE} (or keep .local/privacy.env)")
    salt, key = salt or secrets.token_hex(32), key or Fernet.generate_key().decode()
    private_dir(settings.home)
    write_private(_env_file(settings), f"{SALT_VARIABLE}={salt}\n{KEY_VARIABLE}={key}\n")
    return PrivacyKeys(salt, key)

