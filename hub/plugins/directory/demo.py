"""Demo profiles: varied bios in several languages, tags, areas and visibility mixes, bulk-inserted."""

from __future__ import annotations

import random
from collections.abc import Callable, Sequence
from datetime import UTC, datetime, timedelta
from typing import Any

from piccolo.table import Table

from hub import Member
from hub.plugins.directory.tables import DirectoryProfile, DirectoryTag

__all__ = ["create_demo_profiles"]

BATCH = 1000
SHARE = 0.4

BIOS = {
    "en": [
        "Retired teacher, happy to help with reading and homework. I walk my dog by the canal most mornings.",
        "I run the Saturday repair café with two friends. Bring your wobbly chairs and broken toasters!",
        "New to the area with two small children. Looking for playgroups and people to share school runs with.",
        "Nurse on night shifts, gardener on my days off. I always have too many tomato seedlings in May.",
        "I cook for the community fridge on Thursdays and love trying recipes from neighbours.",
    ],
    "es": [
        "Soy cocinera y me encanta compartir recetas. Puedo ayudar con traducciones del español.",
        "Estudiante de enfermería. Ofrezco clases de conversación en español a cambio de inglés.",
    ],
    "pl": [
        "Jestem elektrykiem, chętnie doradzę przy drobnych naprawach. Mówię po polsku i angielsku.",
        "Mama dwójki dzieci, lubię szyć i organizować wymianę ubranek dziecięcych.",
    ],
    "ar": [
        "أعمل مترجمة وأحب مساعدة الجيران في ملء الاستمارات. أتحدث العربية والإنجليزية.",
        "طباخ متقاعد، أحب الطبخ للجميع في مناسبات الحي.",
    ],
}
SKILLS = ["Cooking", "Gardening", "Bike repair", "Sewing", "DIY", "Plumbing", "Translation", "First aid",
          "Tutoring maths", "IT help", "Childcare", "Dog walking", "Carpentry", "Painting", "Driving",
          "Knitting", "Form filling", "Baking", "Hairdressing", "Photography"]  # fmt: skip
INTERESTS = ["Football", "Choir", "Chess", "Book club", "Allotments", "Running", "Birdwatching", "Crafts",
             "Local history", "Cycling", "Yoga", "Board games", "Film nights", "Climate action"]  # fmt: skip
LANGUAGES = {"en": "English", "es": "Español", "pl": "Polski", "ar": "العربية"}
EXTRA_LANGUAGES = ["Français", "Urdu", "Yoruba", "Português", "Italiano", "Somali", "Bengali", "Türkçe"]
AREAS = ["Dalston", "Clapton", "E8", "E5", "Hackney Wick", "Stoke Newington", "N16", "Homerton",
         "De Beauvoir", "London Fields", "E9", "Haggerston"]  # fmt: skip
PRONOUNS = ["", "", "", "she/her", "he/him", "they/them"]
LEVEL_MIXES = [
    (1, 1, 1, 1, 1, 1, 2, 3),
    (0, 0, 0, 0, 1, 0, 2, 3),
    (3, 1, 1, 1, 2, 3, 3, 2),
    (1, 1, 0, 0, 1, 1, 2, 3),
    (2, 1, 1, 1, 3, 1, 2, 2),
]


async def create_demo_profiles(hub: Any, scale: str, progress: Callable[..., None], seed: int = 11) -> int:
    """Give about 40 % of the members a realistic profile (idempotent); returns how many were made."""
    rng = random.Random(seed)
    have = {row["member"] for row in await DirectoryProfile.select(DirectoryProfile.member).run()}
    members = [
        row
        for row in await Member.select(Member.id, Member.display_name, Member.language)
        .where(Member.status == "active")
        .order_by(Member.id)
        .run()
        if row["id"] not in have
    ]
    # Chosen per member id, so running the demo again adds no one new.
    chosen = [m for m in members if random.Random(f"{seed}:{m['id']}").random() < SHARE]
    progress(0, total=len(chosen), label="directory profiles")
    now = datetime.now(UTC)
    made = 0
    for start in range(0, len(chosen), BATCH):
        batch = chosen[start : start + BATCH]
        profiles: list[tuple[Any, ...]] = []
        plans: dict[int, list[tuple[str, str]]] = {}
        for member in batch:
            language = member["language"] if member["language"] in BIOS else "en"
            name = member["display_name"].split()[0] if rng.random() < 0.5 else member["display_name"]
            levels = rng.choice(LEVEL_MIXES)
            area = rng.choice(AREAS)
            profiles.append(
                (
                    member["id"], name, name.casefold(), rng.random() < 0.85, False,
                    rng.choice(BIOS[language]) if rng.random() < 0.8 else "", area, area.casefold(),
                    rng.choice(PRONOUNS), "Step-free access, please." if rng.random() < 0.05 else "", "",
                    *levels, False, "", "", now - timedelta(days=rng.randint(0, 400)), now,
                )
            )  # fmt: skip
            spoken = {LANGUAGES[language]}
            if language != "en" or rng.random() < 0.3:
                spoken.add("English")
            if rng.random() < 0.25:
                spoken.add(rng.choice(EXTRA_LANGUAGES))
            plans[member["id"]] = (
                [("skill", s) for s in rng.sample(SKILLS, rng.randint(0, 4))]
                + [("interest", s) for s in rng.sample(INTERESTS, rng.randint(0, 3))]
                + [("language", s) for s in sorted(spoken)]
            )
        async with hub.write():
            await _bulk_insert(DirectoryProfile, PROFILE_COLUMNS, profiles)
            ids = (
                await DirectoryProfile.select(DirectoryProfile.id, DirectoryProfile.member)
                .where(DirectoryProfile.member.is_in([m["id"] for m in batch]))
                .run()
            )
            tags = [(row["id"], kind, label.casefold(), label) for row in ids for kind, label in plans[row["member"]]]
            await _bulk_insert(DirectoryTag, ("profile", "kind", "key", "label"), tags)
        made += len(batch)
        progress(len(batch))
    return made


PROFILE_COLUMNS = (
    "member", "preferred_name", "sort_name", "listed", "hidden", "bio", "area", "area_key", "pronouns",
    "access_needs", "photo", "vis_photo", "vis_bio", "vis_tags", "vis_languages", "vis_area", "vis_pronouns",
    "vis_access", "vis_email", "by_organiser", "contact_note", "consent_note", "created_at", "updated_at",
)  # fmt: skip
MAX_PARAMETERS = 30_000
"""Below SQLite's (32,766) and PostgreSQL's (32,767) limits on parameters per statement."""


async def _bulk_insert(table: type[Table], columns: Sequence[str], rows: list[tuple[Any, ...]]) -> None:
    """Multi-row INSERTs, thousands of rows per statement: building Piccolo objects is the slow part."""
    per_statement = MAX_PARAMETERS // len(columns)
    names = ", ".join(f'"{name}"' for name in columns)
    row_template = "(" + ", ".join("{}" for _ in columns) + ")"
    for start in range(0, len(rows), per_statement):
        chunk = rows[start : start + per_statement]
        # Table and column names are constants of this module; every value is a bound parameter.
        sql = f'INSERT INTO "{table._meta.tablename}" ({names}) VALUES ' + ", ".join(  # noqa: S608
            row_template for _ in chunk
        )
        await table.raw(sql, *[value for row in chunk for value in row]).run()
