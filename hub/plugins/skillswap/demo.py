"""Demo content: realistic offers and requests in several languages, inserted in bulk."""

from __future__ import annotations

import random
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any

from hub import Member
from hub.plugins.skillswap.categories import list_categories
from hub.plugins.skillswap.listings import normalise_tags
from hub.plugins.skillswap.tables import Exchange, Listing

__all__ = ["create_demo_content"]

SAMPLES: dict[str, list[tuple[str, str, str, str]]] = {
    # category slug: (kind, title, tags, area)
    "garden": [
        ("offer", "Hedge trimming and weeding on Saturdays", "hedges, weeding", "Riverside"),
        ("request", "Help clearing an overgrown back garden", "clearing, tools", "Old Town"),
        ("offer", "Poda de árboles frutales y consejos de huerto", "huerto, árboles", "Riverside"),
    ],
    "tech-help": [
        ("offer", "Setting up smartphones and video calls", "phones, video calls", "Library ward"),
        ("request", "Can someone help me print my boarding pass?", "printing", "Old Town"),
        ("offer", "مساعدة في إعداد الهاتف والبريد الإلكتروني", "هاتف, بريد", "Hill Estate"),
    ],
    "languages": [
        ("offer", "English conversation practice over tea", "english, conversation", "Library ward"),
        ("offer", "Clases de español para principiantes", "español, principiantes", "Riverside"),
        ("request", "Looking for someone to practise Polish with", "polish", "Hill Estate"),
        ("offer", "Lekcje polskiego dla dzieci i dorosłych", "polski", "Old Town"),
        ("offer", "دروس في اللغة العربية للمبتدئين", "عربي", "Hill Estate"),
    ],
    "lifts": [
        ("offer", "Lifts to the hospital on weekday mornings", "hospital, car", "Old Town"),
        ("request", "Lift to the supermarket once a fortnight", "shopping", "Hill Estate"),
    ],
    "repairs": [
        ("offer", "Bike repairs: punctures, brakes and gears", "bikes, punctures", "Riverside"),
        ("request", "Dripping kitchen tap needs a new washer", "plumbing", "Library ward"),
        ("offer", "Arreglo de ropa: dobladillos y cremalleras", "costura, ropa", "Old Town"),
    ],
    "help-at-home": [
        ("request", "Help hanging curtains and moving a wardrobe", "diy, lifting", "Riverside"),
        ("offer", "Help with letters and filling in forms", "forms, letters", "Library ward"),
    ],
    "cooking": [
        ("offer", "Batch cooking for families with a new baby", "meals, batch cooking", "Hill Estate"),
        ("offer", "Gotowanie pierogów – nauczę chętnie", "pierogi, gotowanie", "Old Town"),
    ],
    "company": [
        ("request", "A weekly chat and a walk round the park", "walks, company", "Riverside"),
        ("offer", "Reading aloud for people with low vision", "reading", "Library ward"),
    ],
    "childcare": [
        ("request", "School pick-up on Thursdays", "school run", "Old Town"),
    ],
}
SCALES = {"small": 80, "large": 5000}


async def create_demo_content(hub: Any, scale: str, progress: Callable[..., None], seed: int = 11) -> int:
    rng = random.Random(seed)
    members = [r["id"] for r in await Member.select(Member.id).where(Member.status == "active").limit(5000).run()]
    if len(members) < 2:
        return 0
    categories = {c["slug"]: c["id"] for c in await list_categories()}
    pool = [(categories[slug], item) for slug, items in SAMPLES.items() if slug in categories for item in items]
    total = SCALES.get(scale, SCALES["small"])
    now = datetime.now(UTC)
    progress(0, total=total, label="skill swap")
    batch: list[Listing] = []
    for _index in range(total):
        category, (kind, title, tags, area) = rng.choice(pool)
        created = now - timedelta(days=rng.randint(0, 80), minutes=rng.randint(0, 1440))
        batch.append(
            Listing(
                kind=kind,
                owner=rng.choice(members),
                category=category,
                title=title,
                body=rng.choice(["", "Happy to help; message me through the hub.", "Flexible on times."]),
                tags=normalise_tags(tags),
                availability=rng.choice(["Weekends", "Weekday evenings", "Mornings", ""]),
                mode=rng.choice(["in_person", "either", "remote"]),
                area=area,
                status="open",
                expires_at=created + timedelta(days=90),
                created_at=created,
                updated_at=created,
            )
        )
        if len(batch) == 1000:
            await Listing.insert(*batch).run()
            progress(len(batch))
            batch = []
    if batch:
        await Listing.insert(*batch).run()
        progress(len(batch))
    exchanges = []
    for _index in range(total // 4):
        provider, receiver = rng.sample(members, 2)
        when = now - timedelta(days=rng.randint(1, 360))
        exchanges.append(
            Exchange(
                provider=provider,
                receiver=receiver,
                category=rng.choice(list(categories.values())),
                status="confirmed",
                minutes=rng.choice([30, 60, 90, 120, 180]),
                provider_confirmed=True,
                receiver_confirmed=True,
                created_at=when,
                agreed_at=when,
                done_at=when,
                confirmed_at=when,
            )
        )
    for start in range(0, len(exchanges), 1000):
        await Exchange.insert(*exchanges[start : start + 1000]).run()
    return total
