"""Demo members: realistic, varied names from many cultures and several languages."""

from __future__ import annotations

import random
from collections.abc import Callable
from datetime import UTC, datetime, timedelta

from hub.core.auth.passwords import hash_password
from hub.core.members.tables import Member

__all__ = ["DEMO_PASSWORD", "SCALES", "create_demo_members"]

DEMO_PASSWORD = "demo-password-2026"  # noqa: S105 - demo accounts only, documented
SCALES = {"small": 200, "large": 100_000}

GIVEN = [
    ("Amara", "en"), ("Oluwaseun", "en"), ("Siobhán", "en"), ("Mateusz", "pl"), ("Zofia", "pl"),
    ("Fatima", "ar"), ("Youssef", "ar"), ("Layla", "ar"), ("Priya", "en"), ("Arjun", "en"),
    ("Mei", "en"), ("Hiroshi", "en"), ("Lucía", "es"), ("Javier", "es"), ("Chidi", "en"),
    ("Ingrid", "en"), ("Tomás", "es"), ("Aisha", "en"), ("Dmytro", "pl"), ("Olena", "pl"),
    ("Kwame", "en"), ("Nia", "en"), ("Rhys", "en"), ("Eilidh", "en"), ("Mohammed", "ar"),
    ("Noor", "ar"), ("Thandiwe", "en"), ("Giulia", "en"), ("Hamza", "en"), ("Ewa", "pl"),
    ("Carmen", "es"), ("Bilal", "en"), ("Saoirse", "en"), ("Tariq", "ar"), ("Yara", "ar"),
    ("Kofi", "en"), ("Anjali", "en"), ("Jamal", "en"), ("Ngozi", "en"), ("Pedro", "es"),
]  # fmt: skip
FAMILY = [
    "Okafor", "Kowalski", "Nowak", "Haddad", "Khan", "Patel", "Nguyen", "García", "Murphy", "Jones",
    "Mensah", "Ahmed", "Rossi", "Kim", "Tanaka", "O'Brien", "Williams", "Hussain", "Santos", "Ivanova",
    "Adeyemi", "Lewandowska", "Mahmoud", "Singh", "Chen", "López", "Evans", "Boateng", "Ali", "Davies",
]  # fmt: skip


def demo_name(index: int, rng: random.Random) -> tuple[str, str]:
    given, language = GIVEN[index % len(GIVEN)] if index < len(GIVEN) else rng.choice(GIVEN)
    family = rng.choice(FAMILY)
    return f"{given} {family}", language


async def create_demo_members(scale: str, progress: Callable[..., None], seed: int = 7) -> int:
    """Create active demo members (password ``DEMO_PASSWORD``) plus one organiser; returns how many."""
    total = SCALES[scale]
    rng = random.Random(seed)
    password_hash = await hash_password(DEMO_PASSWORD)
    existing = int(await Member.count().run())
    now = datetime.now(UTC)
    batch: list[Member] = []
    created = 0
    progress(0, total=total, label="members")
    for index in range(total):
        name, language = demo_name(index, rng)
        role = "moderator" if index == 0 else "member"
        batch.append(
            Member(
                email=f"demo{existing + index}@example.org",
                display_name=name,
                password_hash=password_hash,
                role=role,
                status="active",
                language=language,
                email_verified=True,
                onboarded=True,
                created_at=now - timedelta(days=rng.randint(0, 720)),
            )
        )
        if len(batch) == 1000:
            await Member.insert(*batch).run()
            created += len(batch)
            progress(len(batch))
            batch = []
    if batch:
        await Member.insert(*batch).run()
        created += len(batch)
        progress(len(batch))
    return created
