"""What each staff role may do; the only place that says so (spec: "Staff workspace").

viewer        reads non-confidential cases; no media, no reporter contact, no exports
analyst       also acts on cases, reads media, exports
confidential  an analyst who also sees confidential cases
admin         an analyst who also manages accounts and reads the audit log; confidential
              cases stay with the confidential role (need to know, not rank)
"""

from __future__ import annotations

from enum import StrEnum


class Can(StrEnum):
    READ = "read"
    ACT = "act"
    MEDIA = "media"
    EXPORT = "export"
    CONFIDENTIAL = "confidential"
    AUDIT = "audit"
    ACCOUNTS = "accounts"


CAPABILITIES: dict[str, frozenset[Can]] = {
    "viewer": frozenset({Can.READ}),
    "analyst": frozenset({Can.READ, Can.ACT, Can.MEDIA, Can.EXPORT}),
    "confidential": frozenset({Can.READ, Can.ACT, Can.MEDIA, Can.EXPORT, Can.CONFIDENTIAL}),
    "admin": frozenset({Can.READ, Can.ACT, Can.MEDIA, Can.EXPORT, Can.AUDIT, Can.ACCOUNTS}),
}


def can(role: str | None, capability: Can) -> bool:
    """Whether `role` has `capability`; an unknown role has none."""
    return capability in CAPABILITIES.get(role or "", frozenset())


def sees_confidential(role: str | None) -> bool:
    return can(role, Can.CONFIDENTIAL)
