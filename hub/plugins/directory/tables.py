"""The directory's tables: opt-in profiles, their tags, and organiser-chosen visibility defaults."""

from __future__ import annotations

from typing import Any

from piccolo.columns import Boolean, ForeignKey, Integer, Serial, Text, Timestamptz, Varchar
from piccolo.columns.base import OnDelete
from piccolo.columns.defaults.timestamptz import TimestamptzNow
from piccolo.table import Table

from hub import Member

__all__ = ["DirectoryDefault", "DirectoryProfile", "DirectoryTag"]


class DirectoryProfile(Table, tablename="directory_profile"):
    """One person in the directory: a member's own profile, or an organiser-made entry.

    ``vis_*`` columns hold a visibility level (see ``visibility.py``): a field is shown to a viewer
    whose level is at least the field's, so privacy filters are plain comparisons in SQL.
    """

    id = Serial(primary_key=True)
    member: ForeignKey[Any] = ForeignKey(Member, null=True, default=None, unique=True, on_delete=OnDelete.cascade)
    """The member this profile belongs to; ``None`` for an organiser-made entry not yet converted."""
    preferred_name = Varchar(length=100)
    sort_name = Varchar(length=100, index=True)
    """``preferred_name`` case-folded: ordering, keyset pagination and name search."""
    listed = Boolean(default=False, index=True)
    hidden = Boolean(default=False)
    """Hidden by an organiser after a report; kept, but shown only to organisers and the owner."""
    bio = Text(default="")
    area = Varchar(length=40, default="")
    area_key = Varchar(length=40, default="", index=True)
    pronouns = Varchar(length=40, default="")
    access_needs = Varchar(length=300, default="")
    photo = Varchar(length=64, default="")
    """Server-made file name under ``<data dir>/uploads/directory/``; empty for the default avatar."""
    vis_photo = Integer(default=1)
    vis_bio = Integer(default=1)
    vis_tags = Integer(default=1)
    vis_languages = Integer(default=1)
    vis_area = Integer(default=1)
    vis_pronouns = Integer(default=1)
    vis_access = Integer(default=2)
    vis_email = Integer(default=3)
    by_organiser = Boolean(default=False)
    """Made by an organiser for someone who is not online."""
    contact_note = Varchar(length=300, default="")
    """For organiser-made entries: how organisers reach the person (organisers only)."""
    consent_note = Text(default="")
    consent_by: ForeignKey[Any] = ForeignKey(Member, null=True, default=None, on_delete=OnDelete.set_null)
    consent_at = Timestamptz(null=True, default=None)
    invite_hash = Varchar(length=64, null=True, default=None, index=True)
    """SHA-256 of the invitation token sent when an organiser-made entry becomes an account."""
    invite_expires_at = Timestamptz(null=True, default=None)
    created_at = Timestamptz(default=TimestamptzNow())
    updated_at = Timestamptz(default=TimestamptzNow())


class DirectoryTag(Table, tablename="directory_tag"):
    """A skill, interest or spoken language on a profile (``kind`` says which)."""

    id = Serial(primary_key=True)
    profile = ForeignKey(DirectoryProfile, on_delete=OnDelete.cascade, index=True)
    kind = Varchar(length=10)
    key = Varchar(length=40, index=True)
    """Case-folded, for matching."""
    label = Varchar(length=40)


class DirectoryDefault(Table, tablename="directory_default"):
    """Organiser-set default visibility per field, used when a new profile is made."""

    field = Varchar(length=20, primary_key=True)
    level = Integer(default=1)
