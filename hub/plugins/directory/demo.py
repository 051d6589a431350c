"""Demo profiles: varied bios in several languages, tags, areas and visibility mixes, bulk-inserted."""

from __future__ import annotations

import random
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any

from hub.core.members.tables import Member
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
    """Give about 40 % of the members without a profile a realistic one; returns how many were made."""
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
    chosen = [m for m in members if rng.random() < SHARE]
    progress(0, total=len(chosen), label="directory profiles")
    now = datetime.now(UTC)
    made = 0
    for start in range(0, len(chosen), BATCH):
        batch = chosen[start : start + BATCH]
        profiles = []
        plans: dict[int, list[tuple[str, str]]] = {}
        for member in batch:
            language = member["language"] if member["language"] in BIOS else "en"
            name = member["display_name"].split()[0] if rng.random() < 0.5 else member["display_name"]
            levels = rng.choice(LEVEL_MIXES)
            area = rng.choice(AREAS)
            profiles.append(
                DirectoryProfile(
                    member=member["id"],
                    preferred_name=name,
                    sort_name=name.casefold(),
                    listed=rng.random() < 0.85,
                    bio=rng.choice(BIOS[language]) if rng.random() < 0.8 else "",
                    area=area,
                    area_key=area.casefold(),
                    pronouns=rng.choice(PRONOUNS),
                    access_needs="Step-free access, please." if rng.random() < 0.05 else "",
                    vis_photo=levels[0],
                    vis_bio=levels[1],
                    vis_tags=levels[2],
                    vis_languages=levels[3],
                    vis_area=levels[4],
                    vis_pronouns=levels[5],
                    vis_access=levels[6],
                    vis_email=levels[7],
                    created_at=now - timedelta(days=rng.randint(0, 400)),
                    updated_at=now,
                )
            )
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
            await DirectoryProfile.insert(*profiles).run()
            ids = (
                await DirectoryProfile.select(DirectoryProfile.id, DirectoryProfile.member)
                .where(DirectoryProfile.member.is_in([m["id"] for m in batch]))
                .run()
            )
            tags = [
                DirectoryTag(profile=row["id"], kind=kind, key=label.casefold(), label=label)
                for row in ids
                for kind, label in plans[row["member"]]
            ]
            for tag_start in range(0, len(tags), BATCH * 2):
                await DirectoryTag.insert(*tags[tag_start : tag_start + BATCH * 2]).run()
        made += len(batch)
        progress(len(batch))
    return made
