"""Skill-swap tables: categories, listings, exchanges, the time-credit ledger and thank-you notes.

Credits are stored as whole minutes (1 hour = 1 credit = 60) so sums are exact on every database.
"""

from __future__ import annotations

from typing import Any

from piccolo.columns import Boolean, ForeignKey, Integer, Serial, Text, Timestamptz, Varchar
from piccolo.columns.base import OnDelete
from piccolo.columns.defaults.timestamptz import TimestamptzNow
from piccolo.table import Table

from hub import Member

__all__ = ["BalanceLimit", "Category", "Exchange", "LedgerEntry", "Listing", "ThankYou", "Transfer"]


class Category(Table, tablename="skillswap_category"):
    id = Serial(primary_key=True)
    slug = Varchar(length=60, unique=True)
    name = Varchar(length=80, null=True, default=None)
    """An organiser's name for it; ``None`` shows the translated default name of a built-in."""
    needs_vetted = Boolean(default=False)
    """Only members an organiser has checked may offer or respond here."""
    position = Integer(default=100)
    archived = Boolean(default=False)


class Listing(Table, tablename="skillswap_listing"):
    id = Serial(primary_key=True)
    kind = Varchar(length=10, index=True)
    """``offer`` ("I can help with…") or ``request`` ("I need…")."""
    owner: ForeignKey[Any] = ForeignKey(Member, on_delete=OnDelete.cascade, index=True)
    category: ForeignKey[Any] = ForeignKey(Category, on_delete=OnDelete.restrict, index=True)
    title = Varchar(length=120)
    body = Text(default="")
    tags = Varchar(length=300, default="")
    """Normalised as ``,tag one,tag two,`` so one LIKE finds a whole tag."""
    availability = Varchar(length=200, default="")
    mode = Varchar(length=12, default="either")
    """``in_person``, ``remote`` or ``either``."""
    area = Varchar(length=80, default="", index=True)
    status = Varchar(length=10, default="open", index=True)
    """``open`` or ``closed``."""
    hidden = Boolean(default=False)
    taken_exchange = Integer(null=True, default=None)
    """For a request: the one exchange agreed for it (claimed by a conditional UPDATE)."""
    expires_at = Timestamptz(index=True)
    created_at = Timestamptz(default=TimestamptzNow(), index=True)
    updated_at = Timestamptz(default=TimestamptzNow())


class Exchange(Table, tablename="skillswap_exchange"):
    id = Serial(primary_key=True)
    listing: ForeignKey[Any] = ForeignKey(Listing, null=True, default=None, on_delete=OnDelete.set_null, index=True)
    category: ForeignKey[Any] = ForeignKey(Category, null=True, default=None, on_delete=OnDelete.set_null)
    provider: ForeignKey[Any] = ForeignKey(Member, null=True, default=None, on_delete=OnDelete.set_null, index=True)
    """Who gives the help (earns the credits)."""
    receiver: ForeignKey[Any] = ForeignKey(Member, null=True, default=None, on_delete=OnDelete.set_null, index=True)
    initiator: ForeignKey[Any] = ForeignKey(Member, null=True, default=None, on_delete=OnDelete.set_null)
    recorded_by: ForeignKey[Any] = ForeignKey(Member, null=True, default=None, on_delete=OnDelete.set_null)
    """The coordinator who recorded it on members' behalf (``None`` when members did it themselves)."""
    status = Varchar(length=12, default="proposed", index=True)
    """``proposed`` → ``agreed`` → ``done`` → ``confirmed``; or ``cancelled``."""
    message = Text(default="")
    when_text = Varchar(length=200, default="")
    where_text = Varchar(length=200, default="")
    minutes = Integer(null=True, default=None)
    relay_message = Integer(null=True, default=None)
    provider_confirmed = Boolean(default=False)
    receiver_confirmed = Boolean(default=False)
    cancel_reason = Text(default="")
    import_key = Varchar(length=200, null=True, default=None, index=True)
    created_at = Timestamptz(default=TimestamptzNow())
    agreed_at = Timestamptz(null=True, default=None)
    done_at = Timestamptz(null=True, default=None)
    confirmed_at = Timestamptz(null=True, default=None, index=True)


class Transfer(Table, tablename="skillswap_transfer"):
    id = Serial(primary_key=True)
    kind = Varchar(length=20)
    """``exchange``, ``starter``, ``donation``, ``grant``, ``import`` or ``adjustment``."""
    memo = Varchar(length=200, default="")
    exchange: ForeignKey[Any] = ForeignKey(Exchange, null=True, default=None, on_delete=OnDelete.set_null)
    created_by: ForeignKey[Any] = ForeignKey(Member, null=True, default=None, on_delete=OnDelete.set_null)
    created_at = Timestamptz(default=TimestamptzNow(), index=True)


class LedgerEntry(Table, tablename="skillswap_ledger"):
    """One leg of a transfer. The legs of every transfer sum to zero; balances are SUMs of legs."""

    id = Serial(primary_key=True)
    transfer: ForeignKey[Any] = ForeignKey(Transfer, on_delete=OnDelete.restrict, index=True)
    account = Varchar(length=10)
    """``member``, ``pool`` (the community pool), ``issuance`` (where starter credits come from) or
    ``former`` (a member who left; the rows stay so the ledger still balances)."""
    member: ForeignKey[Any] = ForeignKey(Member, null=True, default=None, on_delete=OnDelete.set_null, index=True)
    amount = Integer()
    """Signed minutes: positive = credited to this account."""
    created_at = Timestamptz(default=TimestamptzNow())


class BalanceLimit(Table, tablename="skillswap_limit"):
    id = Serial(primary_key=True)
    member: ForeignKey[Any] = ForeignKey(Member, on_delete=OnDelete.cascade, unique=True)
    min_minutes = Integer(null=True, default=None)
    max_minutes = Integer(null=True, default=None)


class ThankYou(Table, tablename="skillswap_thanks"):
    id = Serial(primary_key=True)
    exchange: ForeignKey[Any] = ForeignKey(Exchange, on_delete=OnDelete.cascade, index=True)
    author: ForeignKey[Any] = ForeignKey(Member, on_delete=OnDelete.cascade)
    recipient: ForeignKey[Any] = ForeignKey(Member, on_delete=OnDelete.cascade, index=True)
    body = Text()
    hidden = Boolean(default=False)
    created_at = Timestamptz(default=TimestamptzNow())


ALL_TABLES: list[type[Table]] = [Category, Listing, Exchange, Transfer, LedgerEntry, BalanceLimit, ThankYou]
