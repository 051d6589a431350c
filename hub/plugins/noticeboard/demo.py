"""Demo notices in several languages: about two thousand at small scale, about a million at large scale.

Large scale uses multi-row INSERTs (parameterised, ~1,500 rows per statement to stay under both
databases' parameter limits) inside transactions, with the search index built once at the end
instead of row by row.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any

from hub import Member
from hub.plugins.noticeboard.tables import Category, Post, Reply

__all__ = ["SCALES", "create_demo_notices"]

SCALES = {"small": 2_000, "large": 1_000_000}
ROWS_PER_STATEMENT = 1_500
ROWS_PER_TRANSACTION = 100_000

NOTICES: dict[str, list[tuple[str, str, str]]] = {
    "en": [
        (
            "free",
            "Free: child's bike, needs a new chain",
            "Blue 16-inch bike, outgrown. Collect any evening this week.",
        ),
        (
            "wanted",
            "Wanted: ladder for a weekend",
            "Need a 3 m ladder to clear the gutters. Happy to return it with cake.",
        ),
        (
            "lost-found",
            "Lost: grey cat, answers to Biscuit",
            "Last seen near the allotments on **Tuesday**. Shy but friendly.",
        ),
        ("notices", "Litter pick on Saturday morning", "Meet at the war memorial at 10:00. Gloves and bags provided."),
        (
            "local-news",
            "Bus 42 diverted during roadworks",
            "The stop outside the library moves to Mill Lane until the end of the month.",
        ),
        ("free", "Free to a good home: tomato seedlings", "About twenty *Moneymaker* plants. Bring a tray."),
        ("wanted", "Anyone have a sewing machine to lend?", "Just for an afternoon to hem curtains."),
        (
            "notices",
            "Repair café this Sunday",
            "Bring broken toasters, lamps and clothes.\n\n- 14:00–17:00\n- Church hall",
        ),
        ("urgent", "Water off on Elm Street tonight", "The water board says 22:00 to 04:00. Fill a kettle!"),
        ("lost-found", "Found: set of keys with a red fob", "Handed in at the corner shop."),
    ],
    "es": [
        ("free", "Regalo: sofá de dos plazas", "En buen estado, hay que recogerlo. Tercer piso sin ascensor."),
        ("wanted", "Busco bicicleta para niña de 8 años", "Pago un precio razonable o la cambio por libros."),
        ("notices", "Intercambio de idiomas los jueves", "Español e inglés en la biblioteca, de 18:00 a 19:30."),
        ("lost-found", "Perdido: perro pequeño marrón", "Se llama Lolo, lleva collar verde. Llamad si lo veis."),
        ("local-news", "Nuevo horario del mercado", "El mercado abrirá también los domingos por la mañana."),
    ],
    "pl": [
        ("free", "Oddam za darmo: wózek dziecięcy", "Wózek w dobrym stanie, odbiór osobisty."),
        ("wanted", "Szukam kogoś do pomocy przy przeprowadzce", "Sobota rano, dwie godziny. Zapewniam pizzę."),
        ("notices", "Spotkanie sąsiedzkie w środę", "Porozmawiajmy o nowym placu zabaw. Sala parafialna, 19:00."),
        ("lost-found", "Znaleziono rękawiczkę dziecięcą", "Różowa, leży na ogrodzeniu przy szkole."),
    ],
    "ar": [
        ("free", "للتبرع: ملابس أطفال", "ملابس نظيفة لعمر سنتين إلى أربع سنوات. يمكن استلامها مساءً."),
        ("wanted", "مطلوب: مدرس رياضيات متطوع", "لمساعدة طلاب المرحلة المتوسطة يوم السبت."),
        ("notices", "إفطار جماعي في قاعة الحي", "الجميع مرحب بهم. أحضروا طبقًا إن استطعتم."),
        ("lost-found", "مفقود: محفظة سوداء", "فقدت قرب محطة الحافلات. أرجو التواصل."),
    ],
}
AREAS = ["North End", "Riverside", "Old Town", "Mill Lane", "Station Road", "Hill Estate", ""]
REPLIES = [
    "Is this still available?",
    "I can help on Saturday.",
    "¡Me interesa!",
    "Chętnie pomogę.",
    "هل ما زال متوفرًا؟",
    "Thank you for posting this.",
    "Sent you a message.",
]
POST_COLUMNS = (
    "category",
    "author",
    "on_behalf_of",
    "title",
    "body",
    "area",
    "area_key",
    "audience",
    "image_alt",
    "status",
    "outcome",
    "hidden",
    "pinned",
    "urgent",
    "replies_open",
    "created_at",
    "expires_at",
)


def _insert_sql(table: str, columns: tuple[str, ...], rows: int) -> str:
    one = "(" + ", ".join("{}" for _ in columns) + ")"
    values = ", ".join(one for _ in range(rows))
    return f"INSERT INTO {table} ({', '.join(columns)}) VALUES {values}"  # noqa: S608 - fixed names, values bound


async def _bulk_insert(table: Any, columns: tuple[str, ...], rows: list[tuple[Any, ...]]) -> None:
    for start in range(0, len(rows), ROWS_PER_STATEMENT):
        chunk = rows[start : start + ROWS_PER_STATEMENT]
        args = [value for row in chunk for value in row]
        await table.raw(_insert_sql(table._meta.tablename, columns, len(chunk)), *args).run()


def _notice_row(rng: random.Random, categories: dict[str, int], authors: list[int], at: datetime) -> tuple[Any, ...]:
    language = rng.choice(("en", "en", "en", "es", "pl", "ar"))
    slug, title, body = rng.choice(NOTICES[language])
    area = rng.choice(AREAS)
    created = at - timedelta(minutes=rng.randint(0, 60 * 24 * 365))
    done = rng.random() < 0.15
    return (
        categories.get(slug) or next(iter(categories.values())),
        rng.choice(authors),
        "",
        title,
        body,
        area,
        area.lower(),
        "members" if rng.random() < 0.2 else "public",
        "",
        "done" if done else "open",
        rng.choice(("done", "found", "taken")) if done else "",
        False,
        False,
        False,
        not done,
        created,
        None if rng.random() < 0.3 else created + timedelta(days=rng.choice((7, 14, 30, 60))),
    )


async def _drop_search_index(hub: Any) -> None:
    if hub.engine.engine_type == "sqlite":
        await hub.engine.run_ddl("DROP TRIGGER IF EXISTS noticeboard_post_fts_ai")
    else:
        await hub.engine.run_ddl("DROP INDEX IF EXISTS noticeboard_post_search")


async def _build_search_index(hub: Any) -> None:
    """Index everything inserted in one pass, then refresh the planner's statistics."""
    await _index_text(hub)
    await hub.engine.run_ddl("ANALYZE noticeboard_post")


async def _index_text(hub: Any) -> None:
    if hub.engine.engine_type == "sqlite":
        await hub.engine.run_ddl("INSERT INTO noticeboard_post_fts(noticeboard_post_fts) VALUES ('rebuild')")
        await hub.engine.run_ddl(
            "CREATE TRIGGER IF NOT EXISTS noticeboard_post_fts_ai AFTER INSERT ON noticeboard_post BEGIN "
            "INSERT INTO noticeboard_post_fts(rowid, title, body, area) "
            "VALUES (new.id, new.title, new.body, new.area); END"
        )
    else:
        await hub.engine.run_ddl(
            "CREATE INDEX IF NOT EXISTS noticeboard_post_search ON noticeboard_post USING GIN ("
            "to_tsvector('simple', coalesce(title, '') || ' ' || coalesce(body, '') || ' ' || coalesce(area, '')))"
        )


async def create_demo_notices(hub: Any, total: int, progress: Callable[..., None], seed: int = 11) -> int:
    """Insert ``total`` notices (and replies on about one in ten); returns how many notices."""
    rng = random.Random(seed)
    categories = {row["slug"]: row["id"] for row in await Category.select(Category.slug, Category.id).run()}
    authors = [row["id"] for row in await Member.select(Member.id).where(Member.status == "active").limit(5000).run()]
    if not authors or not categories:
        return 0
    at = datetime.now(UTC)
    progress(0, total=total, label="notices")
    bulk = total > 5_000
    if bulk:
        await _drop_search_index(hub)
    try:
        done = 0
        while done < total:
            count = min(ROWS_PER_TRANSACTION, total - done)
            rows = [_notice_row(rng, categories, authors, at) for _ in range(count)]
            async with hub.write():
                before = await Post.select(Post.id).order_by(Post.id, ascending=False).first().run()
                await _bulk_insert(Post, POST_COLUMNS, rows)
                new_ids = await (
                    Post.select(Post.id, Post.created_at)
                    .where(Post.id > (before["id"] if before else 0))
                    .order_by(Post.id)
                    .run()
                )
                replies = [
                    (row["id"], rng.choice(authors), rng.choice(REPLIES), row["created_at"] + timedelta(hours=2))
                    for row in new_ids
                    if rng.random() < 0.1
                ]
                await _bulk_insert(Reply, ("post", "author", "body", "created_at"), replies)
            done += count
            progress(count)
    finally:
        if bulk:
            await _build_search_index(hub)
    return total
