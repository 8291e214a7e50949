"""Recognising a person without keeping their address twice: normalisation and keyed hashes.

The over-surveying guard compares HMAC-SHA256 digests (keyed with SECRET_KEY) of a normalised
e-mail, phone number and external id. A digest cannot be reversed into the address and cannot be
recomputed without the key, yet the same person on two agencies' lists gives the same digest.
"""

from __future__ import annotations

import hashlib
import hmac
import re

from django.conf import settings

EMAIL_RE = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")


def normalize_email(value: str) -> str:
    return value.strip().lower()


def normalize_phone(value: str) -> str:
    """US numbers as 10 digits; a leading country code 1 is dropped. '' when not a phone number."""
    digits = re.sub(r"\D", "", value)
    if len(digits) == 11 and digits.startswith("1"):
        digits = digits[1:]
    return digits if len(digits) == 10 else ""


def normalize_external_id(value: str) -> str:
    return re.sub(r"\s+", "", value).upper()


def keyed_hash(kind: str, value: str, purpose: str = "surveys.person") -> str:
    key = f"{purpose}:{settings.SECRET_KEY}".encode()
    return hmac.new(key, f"{kind}:{value}".encode(), hashlib.sha256).hexdigest()


def person_keys(email: str = "", phone: str = "", external_id: str = "") -> list[str]:
    """The digests by which this person can be recognised (one per identifier given)."""
    keys = []
    if email and normalize_email(email):
        keys.append(keyed_hash("email", normalize_email(email)))
    if phone and normalize_phone(phone):
        keys.append(keyed_hash("phone", normalize_phone(phone)))
    if external_id and normalize_external_id(external_id):
        keys.append(keyed_hash("external_id", normalize_external_id(external_id)))
    return keys


def resume_key(token: str) -> str:
    """Finds an in-progress response from its invitation token; not derivable from the database alone."""
    return keyed_hash("token", token, purpose="surveys.resume")


def client_key(address: str) -> str:
    """A caller's network address for rate limiting, kept only as a keyed hash."""
    return keyed_hash("ip", address or "unknown", purpose="surveys.ratelimit")
