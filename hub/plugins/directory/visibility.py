"""Who may see which profile field: four levels compared as numbers, in Python and in SQL."""

from __future__ import annotations

from typing import Any

from hub import Actor
from hub import lazy_gettext as _l

__all__ = [
    "EVERYONE",
    "FIELDS",
    "LEVEL_CHOICES",
    "MEMBERS",
    "ONLY_ME",
    "ORGANISERS",
    "choices_for",
    "sees",
    "viewer_level",
    "visible_profile",
]

EVERYONE, MEMBERS, ORGANISERS, ONLY_ME = 0, 1, 2, 3

LEVEL_CHOICES = (
    (EVERYONE, _l("Everyone who can see the hub")),
    (MEMBERS, _l("Members")),
    (ORGANISERS, _l("Organisers")),
    (ONLY_ME, _l("Only me")),
)

FIELDS: dict[str, tuple[Any, int, int]] = {
    # field: (label, lowest level allowed, built-in default)
    "photo": (_l("Photo"), EVERYONE, MEMBERS),
    "bio": (_l("About me"), EVERYONE, MEMBERS),
    "tags": (_l("Skills and interests"), EVERYONE, MEMBERS),
    "languages": (_l("Languages I speak"), EVERYONE, MEMBERS),
    "area": (_l("Area"), EVERYONE, MEMBERS),
    "pronouns": (_l("Pronouns"), EVERYONE, MEMBERS),
    "access": (_l("Access needs"), EVERYONE, ORGANISERS),
    "email": (_l("Email address (never shown to members)"), ORGANISERS, ONLY_ME),
}
"""Email is for organisers at most: members reach each other only through the relay."""


def choices_for(field: str) -> list[tuple[str, str]]:
    lowest = FIELDS[field][1]
    return [(str(level), str(label)) for level, label in LEVEL_CHOICES if level >= lowest]


def viewer_level(actor: Actor | None) -> int:
    """The highest field level this viewer may see on other people's profiles."""
    if actor is None:
        return EVERYONE
    return ORGANISERS if actor.is_moderator else MEMBERS


def sees(profile: dict[str, Any], field: str, actor: Actor | None) -> bool:
    if actor is not None and profile.get("member") == actor.id:
        return True
    return int(profile[f"vis_{field}"]) <= viewer_level(actor)


def visible_profile(profile: dict[str, Any], tags: list[dict[str, Any]], actor: Actor | None) -> dict[str, Any]:
    """A copy of ``profile`` holding only what ``actor`` may see: the one gate before any output."""
    own = actor is not None and profile.get("member") == actor.id
    organiser = actor is not None and actor.is_moderator
    shown: dict[str, Any] = {
        "id": profile["id"],
        "member": profile.get("member"),
        "preferred_name": profile["preferred_name"],
        "listed": profile["listed"],
        "hidden": profile["hidden"],
        "by_organiser": profile["by_organiser"],
        "own": own,
        "role": profile.get("role"),
        "known_by_name": profile.get("known_by_name"),
        "known_at": profile.get("known_at"),
        "has_photo": bool(profile.get("photo")) and sees(profile, "photo", actor),
        "bio": profile["bio"] if sees(profile, "bio", actor) else "",
        "area": profile["area"] if sees(profile, "area", actor) else "",
        "pronouns": profile["pronouns"] if sees(profile, "pronouns", actor) else "",
        "access_needs": profile["access_needs"] if sees(profile, "access", actor) else "",
        "skills": [],
        "interests": [],
        "languages": [],
    }
    for tag in tags:
        kind = tag["kind"]
        field = "languages" if kind == "language" else "tags"
        if sees(profile, field, actor):
            shown["languages" if kind == "language" else f"{kind}s"].append(tag["label"])
    if own or organiser:
        shown["contact_note"] = profile.get("contact_note", "") if organiser else ""
        shown["consent_note"] = profile.get("consent_note", "")
        shown["consent_by_name"] = profile.get("consent_by_name")
        shown["consent_at"] = profile.get("consent_at")
        shown["invite_pending"] = bool(profile.get("invite_hash"))
    return shown
