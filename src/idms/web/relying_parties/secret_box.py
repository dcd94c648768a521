"""Secrets (relying-party tokens, passwords) encrypted at rest.

The key comes from ``IDMS_SECRET_KEY`` (any passphrase; it is stretched to a key) or, when that
is not set, from a key file (``IDMS_KEY_FILE``, default ``idms.key`` in the working directory)
that idms creates on first use, readable by its owner only. Losing the key makes the stored
secrets unreadable: they must then be set again (``idms rp add``).
"""

from __future__ import annotations

import base64
import hashlib
import os
from pathlib import Path

from cryptography.fernet import Fernet, InvalidToken

DEFAULT_KEY_FILE = "idms.key"


class SecretKeyError(Exception):
    """The key is missing, unreadable or not the one the secrets were sealed with."""


def _key_from_passphrase(passphrase: str) -> bytes:
    # A fixed salt: the passphrase is the secret; the salt only separates idms from other uses.
    digest = hashlib.pbkdf2_hmac("sha256", passphrase.encode(), b"idms secret box", 200_000)
    return base64.urlsafe_b64encode(digest)


def _key_from_file(path: Path) -> bytes:
    try:
        descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        if path.stat().st_mode & 0o077:
            raise SecretKeyError(
                f"the key file {path} is readable by others; run: chmod 600 {path}"
            ) from None
        key = path.read_bytes().strip()
    else:
        key = Fernet.generate_key()
        with os.fdopen(descriptor, "wb") as handle:
            handle.write(key + b"\n")
    try:
        Fernet(key)
    except ValueError:
        raise SecretKeyError(f"the key file {path} does not hold an idms key") from None
    return key


def _fernet() -> Fernet:
    passphrase = os.environ.get("IDMS_SECRET_KEY")
    if passphrase:
        return Fernet(_key_from_passphrase(passphrase))
    return Fernet(_key_from_file(Path(os.environ.get("IDMS_KEY_FILE", DEFAULT_KEY_FILE))))


def seal(secret: str) -> str:
    """The secret encrypted for storage; '' stays ''."""
    if not secret:
        return ""
    return _fernet().encrypt(secret.encode()).decode()


def unseal(sealed: str) -> str:
    if not sealed:
        return ""
    try:
        return _fernet().decrypt(sealed.encode()).decode()
    except InvalidToken:
        raise SecretKeyError(
            "the stored secret cannot be decrypted with this key (IDMS_SECRET_KEY or the key "
            "file changed); set the relying party's token again"
        ) from None
