"""The plugin contract: every hook a plugin may implement.

Rules that hold for every hook:

* Hooks are called with keyword arguments; an implementation may accept any subset of them.
* Implementations marked *may be async* can be ``async def``: the core awaits results in order
  (see :mod:`hub.core.hooks`). None of them is ``firstresult``, because pluggy cannot await.
* *Load order* is the order plugins register in: the core's own implementations, the built-ins
  (directory, noticeboard, skillswap), then entry-point plugins sorted by name, each moved after
  the plugins it names in ``requires_plugins``. Hooks whose work builds on other plugins'
  (``register_db_apps``, ``seed_defaults``, ``startup``, ``demo_data``) run in load order.
* Every other hook runs in *call order*, pluggy's: the last registered first (so entry-point
  plugins before built-ins, the core's own implementations last), moved by ``tryfirst``/``trylast``.
  Where order shows on a page (nav, panels, sections) results are sorted by their ``order`` field,
  so registration order never decides the page. Each hook's *Combined* line says which applies.
* Wrapper implementations (``hookwrapper=True`` or ``wrapper=True``) are refused when a plugin
  loads: the core calls each implementation itself to await it, so pluggy's wrappers never run.
* An implementation that raises is reported by plugin name, recorded on the admin plugins page
  and skipped; the rest of the call goes on (in strict mode the error propagates instead).
* ``hub`` is the :class:`hub.core.facade.Hub` façade: settings, this plugin's config, url
  building, rendering, permission checks, mail and events.
"""

from __future__ import annotations

from typing import Any

import pluggy

__all__ = ["PROJECT_NAME", "hookimpl", "hookspec"]

PROJECT_NAME = "community_hub"
hookspec = pluggy.HookspecMarker(PROJECT_NAME)
hookimpl = pluggy.HookimplMarker(PROJECT_NAME)


@hookspec
def register_db_apps(hub: Any) -> Any:
    """Declare the plugin's Piccolo apps (tables and migrations).

    When: once per app start, before migrations run and before any request.
    Returns: one ``piccolo.conf.apps.AppConfig`` whose ``app_name`` is the plugin slug, whose tables
    are named ``<slug>_<thing>``, and whose ``piccolo_migrations`` folder holds the migrations
    ``hub migrate`` applies. A foreign key into another plugin's table needs that plugin in
    ``requires_plugins``. A plugin breaking one of these rules is left out when it loads.
    Async: no. Combined: in load order, after the core's app: migrations run in that order, so a
    plugin migrates after every plugin it requires.
    """


@hookspec
def register_permissions(hub: Any) -> Any:
    """Declare permissions as :class:`hub.Permission` values named ``<slug>.<verb>``.

    When: once per app start. Returns: a list of ``Permission``, each named ``<slug>.<verb>`` (a
    plugin declaring a name outside its namespace is left out when it loads); pass the
    description as ``lazy_gettext("…")`` so organisers read it in their language. Every route a
    plugin registers names one of these (or a core one) in ``opt={"permission": ...}``; routes
    without one are refused (deny by default).
    Async: no. Combined: all results, in load order; a name declared twice is reported as the
    later plugin's failure.
    """


@hookspec
def register_routes(hub: Any) -> Any:
    """Contribute Litestar route handlers or controllers.

    When: once per app start. Returns: a list of handlers/controllers; the core mounts them under
    ``/<slug>/`` in a Router that 404s while the plugin is disabled. Name handlers ``<slug>:<view>``
    and give each ``opt={"permission": "<slug>.<verb>"}``.
    Async: no. Combined: each plugin's list becomes its own router.
    """


@hookspec
def prepare_jinja_env(hub: Any, env: Any) -> None:
    """Add filters, globals or tests to the shared Jinja2 environment.

    When: once per app start, after the core's own filters. Returns nothing. Prefix names with
    your slug (``noticeboard_item``): on a clash the implementation called last wins.
    Async: no. Combined: every implementation runs, in call order.
    """


@hookspec
def register_commands(cli: Any) -> None:
    """Add ``click`` commands to the ``hub`` command line.

    When: when the ``hub`` command starts (no database is open yet; use ``hub.cli.open_hub`` in the
    command to get a ready ``Hub``). ``cli`` is the root ``click.Group``: call ``cli.add_command``.
    Async: no. Combined: every implementation runs.
    """


@hookspec
def seed_defaults(hub: Any) -> None:
    """Add the rows a plugin needs before anyone uses it: default categories and the like.

    When: by ``hub migrate`` after the migrations, and so once before ``hub serve`` starts its
    workers (and again when an organiser switches the plugin on) — never in each worker. It runs
    for plugins that are switched off too, like their migrations.
    Must be idempotent: it runs on every start, perhaps on two machines at once, so insert with
    ``ON CONFLICT DO NOTHING`` (Piccolo: ``.on_conflict(target=Table.slug, action="DO NOTHING")``)
    and never overwrite what organisers changed. Never check-then-insert: two starts both see
    "missing". The hub's default language is active, so ``str(lazy_gettext("Notices"))`` stores
    the name in that language.
    Async: may be. Combined: every implementation runs, in load order (after the plugins it
    requires); one that raises is reported, and ``hub migrate`` exits with an error.
    """


@hookspec
def startup(hub: Any) -> None:
    """Run when each worker starts, after migrations and seeding and before its first request.

    Every worker of ``hub serve --workers N`` runs it, at the same moment: use it for what lives
    in the process (warming a cache, opening a connection), never to write rows (that is
    ``seed_defaults``, run once). A plugin whose ``startup`` raises is reported and left out of
    this worker for its whole life; the hub keeps serving.
    Async: may be. Combined: every implementation runs, in load order.
    """


@hookspec
def shutdown(hub: Any) -> None:
    """Run once when each worker stops.

    Async: may be. Combined: every implementation runs, in call order (the reverse of load order
    for plugins: a plugin stops before the plugins it requires).
    """


@hookspec
def actor_from_request(hub: Any, request: Any) -> Any:
    """Identify who is making a request.

    When: once per request, before permission checks. Returns: a :class:`hub.Actor`, or ``None``
    to let the next implementation decide. The core's own implementation (trylast) reads the
    server-side session. Async: may be. Combined: the first non-``None`` result in call order wins.
    """


@hookspec
def permission_allowed(hub: Any, actor: Any, permission: str, obj: Any) -> Any:
    """Decide a permission check for plugin-specific rules (ownership, vetting, audience).

    When: on every ``hub.allowed(actor, permission, obj)`` call. ``actor`` may be ``None``
    (anonymous); ``obj`` is whatever the caller passed (often a row dict) or ``None``.
    Returns: ``False`` to deny, ``True`` to allow, ``None`` for no opinion.
    Async: may be. Combined: any ``False`` denies; else any ``True`` allows; else the
    permission's default roles decide.
    """


@hookspec
def nav_items(hub: Any, request: Any, actor: Any) -> Any:
    """Contribute links to the main navigation.

    Returns: a list of :class:`hub.NavItem`; items with a ``permission`` the actor lacks are hidden.
    Async: may be. Combined: flattened and sorted by ``order`` then label.
    """


@hookspec
def home_panels(hub: Any, request: Any, actor: Any) -> Any:
    """Contribute panels to the home page (latest notices, upcoming events…).

    Returns: a list of :class:`hub.Panel` whose body is ``Markup`` from ``hub.render_fragment``,
    or plain text (escaped). Return nothing when the panel would be empty for this actor.
    Async: may be. Combined: flattened and sorted by ``order`` then title.
    """


@hookspec
def account_sections(hub: Any, request: Any, actor: Any) -> Any:
    """Add sections to the member's own account page (``/account/``): notification choices,
    a profile, anything a plugin keeps per member.

    When: each time a signed-in member opens their account page; ``actor`` is that member.
    Returns: a list of :class:`hub.Panel` (``title``, and a ``body`` of ``Markup`` from
    ``hub.render_fragment`` or plain text, which is escaped; ``order`` places it). Forms inside a
    section post to the plugin's own routes and include ``{{ forms.csrf() }}``-style tokens: pass
    ``csrf_token`` from the request into the fragment's context.
    Async: may be. Combined: flattened and sorted by ``order`` then title, shown after the core's
    own sections.
    """


@hookspec
def page_slot(hub: Any, slot: str, request: Any, actor: Any) -> Any:
    """Inject content into a named slot of the layout.

    Slots: ``head`` (inside ``<head>``), ``banner`` (above the main content, e.g. an urgent
    notice), ``footer``, and ``account`` (the signed-in member's links in the header: return
    ``<li>`` items; the core's notification bell lives here).
    Returns: plain ``str`` (escaped) or ``Markup`` (trusted), or ``None``.
    Async: may be. Combined: concatenated in call order (entry-point plugins, then built-ins, then
    the core's own, such as the bell; ``tryfirst``/``trylast`` move yours).
    """


@hookspec
def extra_template_vars(hub: Any, request: Any, template: str) -> Any:
    """Add variables to every page render.

    Returns: a dict merged into the template context. Prefix keys with your slug.
    Async: may be. Combined: dicts merged in call order, so on a clash the implementation called
    last wins; the core's own keys (``actor``, ``hub``, ``lang``…) always win.
    """


@hookspec
def on_event(hub: Any, event: Any) -> None:
    """React to an :class:`hub.Event` (``<slug>.<what>``) after the write that caused it committed.

    Used for notifications, audit trails, search indexing. Must not assume it runs in the request
    that caused the event. Async: may be. Combined: every implementation runs, in call order; one
    raising does not stop the others.
    """


@hookspec
def member_data_export(hub: Any, member_id: int) -> Any:
    """Return everything this plugin holds about a member, for "download my data".

    Returns: a JSON-serialisable dict (``{"notices": [...], ...}``) or ``None``. The core files it
    under the plugin's slug. Async: may be. Combined: one entry per plugin, keyed by slug.
    """


@hookspec
def member_data_erase(hub: Any, member_id: int) -> None:
    """Erase or anonymise a member's data when their account is deleted.

    Delete what is only theirs; keep what others replied to, re-attributed to "former member".
    After every implementation has run, no row may still identify the member.
    Async: may be. Combined: every implementation runs before the member row is deleted, in call
    order: a plugin erases before the plugins it requires, so its rows that point into theirs
    are gone first.
    """


@hookspec
def search(hub: Any, query: str, actor: Any, limit: int) -> Any:
    """Answer the hub-wide search.

    Returns: a list of at most ``limit`` :class:`hub.SearchHit` the ``actor`` may see (never
    members-only content for anonymous visitors). Async: may be. Combined: grouped by
    ``SearchHit.group`` on the results page, groups in call order, each group's hits in the
    order they were returned.
    """


@hookspec
def demo_data(hub: Any, scale: str, progress: Any) -> None:
    """Fill the hub with realistic sample content for demos, tests and the benchmark.

    ``scale`` is ``"small"`` or ``"large"``; ``progress(advance, total=None, label=None)`` updates
    the progress bar. Runs after the core created demo members; read them from the members table.
    Async: may be. Combined: every implementation runs, in load order (a plugin's demo data may
    refer to the demo data of the plugins it requires).
    """


@hookspec
def notification_types(hub: Any) -> Any:
    """Declare the notifications a plugin sends, as :class:`hub.NotificationType` values.

    ``key`` is ``<slug>.<what>``; ``default_delivery`` is ``off``, ``hub``, ``email`` or ``digest``
    and applies until a member chooses otherwise. Pass ``label`` and ``description`` as
    ``lazy_gettext("…")``. Send with ``await hub.notify(member_id, key, …)``.
    Async: no. Combined: all results, flattened, in call order; a key declared again is reported
    and ignored (the first one called keeps it).
    """


@hookspec
def register_jobs(hub: Any) -> Any:
    """Declare periodic jobs as :class:`hub.Job` values (expiry reminders, digests, clean-ups).

    The core runs each job at most once per period across every worker and machine (a database
    lock), catches up after downtime, and retries failures; ``hub jobs run [NAME]`` runs them from
    cron instead. A job must be idempotent: never send the same notification twice. Pass the
    ``description`` as ``lazy_gettext("…")``: organisers see it on the plugins page.
    Async: no. Combined: all results, flattened, in call order; a name declared again is reported
    and ignored.
    """


@hookspec
def register_task_types(hub: Any) -> Any:
    """Declare kinds of one-off background work as :class:`hub.TaskType` values (exports, imports,
    sending to many people).

    Queue one with ``await hub.enqueue(name, payload)`` (inside ``hub.write()`` it commits with
    your change). Any worker on any host runs it; a failure is retried with back-off; a worker
    killed mid-task leaves it to another once its lease expires, so ``run`` must be safe to start
    again. Names are ``<slug>.<what>``.
    Async: no. Combined: all results, flattened; a duplicate name is reported and ignored.
    """


@hookspec
def moderation_object(hub: Any, kind: str, object_id: int, viewer: Any) -> Any:
    """Describe reportable content for the report form and the moderation queue.

    ``kind`` is ``<slug>.<thing>`` (e.g. ``noticeboard.post``); answer only for your own kinds.
    ``viewer`` is the :class:`hub.Actor` asking: return ``None`` if they may not see the object
    (organisers may see everything), so the report form never leaks private content.
    Returns: a :class:`hub.ReportedObject`, or ``None``.
    Async: may be. Combined: the first non-``None`` result in call order wins.
    """


@hookspec
def moderate(hub: Any, kind: str, object_id: int, action: str, actor: Any, reason: str) -> Any:
    """Carry out an organiser's decision on your content: ``action`` is ``hide`` or ``restore``.

    Hidden content disappears for everyone but organisers (and its author, marked as hidden), and
    keeps its data. Returns ``True`` when handled, ``None`` for kinds that are not yours.
    The core records the action in the moderation log. Async: may be.
    Combined: the first non-``None`` result in call order wins.
    """


@hookspec
def notification_delivery(hub: Any, member_id: int, type: str) -> Any:
    """A member's chosen delivery (``off``/``hub``/``email``/``digest``) for a notification type.

    Implemented by the core's notification preferences; return ``None`` for "no choice made", and
    the type's default applies. Async: may be. Combined: the first non-``None`` result in call
    order wins (the core's own implementation is called last).
    """


@hookspec
def admin_stats(hub: Any) -> Any:
    """Figures about a plugin's content for the organisers' dashboard at ``/admin/``.

    When: each time an organiser opens the dashboard. Returns: a list of ``(label, number)``
    tuples, e.g. ``[(_("Notices this month"), 12), (_("Open offers"), 4)]``; ``label`` is
    translated text, ``number`` an ``int`` or ``float``. Keep it to a few cheap, indexed counts
    (no ``COUNT(*)`` over a big table without a ``WHERE`` on an indexed column).
    Async: may be. Combined: grouped under each plugin's name, in load order; a raising plugin
    is recorded on the plugins page and left out of the dashboard.
    """
