"""The ``hub`` command: set up, run and look after a hub from a terminal."""

from __future__ import annotations

import asyncio
import contextlib
import os
import secrets
import sys
from collections.abc import AsyncIterator, Callable, Coroutine
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from hub.core import hooks
from hub.core.i18n.commands import i18n
from hub.core.logs import configure_logging
from hub.core.settings import DEV_SECRET, Settings, SettingsError, load_settings

if TYPE_CHECKING:
    from hub.core.upgrade import Upgrade

__all__ = ["main", "open_hub"]

console = Console(stderr=True)


def _settings() -> Settings:
    try:
        return load_settings()
    except SettingsError as error:
        raise click.ClickException(str(error)) from None


@contextlib.asynccontextmanager
async def open_hub(settings: Settings | None = None, migrate: bool = True) -> AsyncIterator[Any]:
    """A ready ``Hub`` for a command: engine connected and (by default) migrations applied."""
    from hub.core.app import build_hub
    from hub.core.upgrade import migrate_and_seed

    hub = build_hub(settings or _settings())
    await hub.engine.prepare()
    try:
        if migrate:
            await migrate_and_seed(hub)
        yield hub
    finally:
        await hub.engine.close()
        if hub.redis is not None:
            await hub.redis.aclose()


def run(coroutine: Coroutine[Any, Any, Any]) -> Any:
    return asyncio.run(coroutine)


class HubGroup(click.Group):
    """The root group; plugins add their commands through ``register_commands``."""

    _plugins_loaded = False

    def _load_plugin_commands(self) -> None:
        if self._plugins_loaded:
            return
        self._plugins_loaded = True
        try:
            settings = load_settings()
        except SettingsError:
            return
        from hub.core.plugins import PluginRegistry

        registry = PluginRegistry.create(strict=False)
        registry.discover()
        registry.load(settings.plugins)
        hooks.call_hook_sync(registry, "register_commands", cli=self)

    def list_commands(self, ctx: click.Context) -> list[str]:
        self._load_plugin_commands()
        return super().list_commands(ctx)

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        command = super().get_command(ctx, cmd_name)
        if command is None:
            self._load_plugin_commands()
            command = super().get_command(ctx, cmd_name)
        return command


@click.group(cls=HubGroup)
@click.version_option(package_name="community-hub", prog_name="hub")
def main() -> None:
    """Community Hub: your community's own online hub."""


HUB_TOML = """# Settings for this hub. Environment variables HUB_* override these.
# Full list: docs/configuration.md

[hub]
hub_name = "{name}"
# A long random secret; keep it private. Generated for you by `hub init`.
secret_key = "{secret}"
# Who may join: "open", "approval" (an organiser approves) or "invite".
registration = "approval"
# The addresses people use to reach this hub (add your domain name).
allowed_hosts = ["127.0.0.1", "localhost"]
default_language = "en"
languages = ["en", "es", "ar"]
# Set to true when the hub is served over HTTPS.
secure_cookies = false
# database_url = "postgresql://hub@127.0.0.1:5432/hub"
# redis_url = "redis://127.0.0.1:6379/0"
# plugins = ["directory", "noticeboard", "skillswap"]
# Background work (sending mail, periodic jobs such as digests) runs inside `hub serve`. To run it
# in separate `hub worker` processes instead (or from cron with `hub worker --burst`), set:
# worker_in_process = false
# Outgoing mail; without smtp_host, mail is written to data/outbox/ instead.
# smtp_host = "smtp.example.org"
# mail_from = "hub@example.org"
"""


@main.command()
@click.argument("directory", type=click.Path(file_okay=False, path_type=Path), default=".")
@click.option("--name", default="Community Hub", help="The hub's name, shown on every page.")
def init(directory: Path, name: str) -> None:
    """Create a hub folder: hub.toml, templates/ for your own pages, data/."""
    directory.mkdir(parents=True, exist_ok=True)
    config = directory / "hub.toml"
    if config.exists():
        raise click.ClickException(f"{config} already exists; not overwriting it.")
    config.write_text(HUB_TOML.format(name=name.replace('"', "'"), secret=secrets.token_urlsafe(48)), encoding="utf-8")
    (directory / "templates").mkdir(exist_ok=True)
    (directory / "data").mkdir(exist_ok=True)
    (directory / "templates" / "README.txt").write_text(
        "Put a template here with the same path as a built-in one to override it,\n"
        'e.g. home.html. Start it with {% extends "original:home.html" %} to change only a block.\n',
        encoding="utf-8",
    )
    click.echo(f"Created a hub in {directory.resolve()}.\nNext: cd {directory} && hub serve")


@main.command()
def migrate() -> None:
    """Apply every pending database migration (the core's, then each plugin's after those it
    requires), then add each plugin's default rows (categories and the like) that are missing."""
    configure_logging()

    async def go() -> Upgrade:
        from hub.core.upgrade import migrate_and_seed

        async with open_hub(migrate=False) as hub:
            return await migrate_and_seed(hub)

    upgrade = run(go())
    if upgrade.applied:
        for app_name, migration_id in upgrade.applied:
            click.echo(f"applied {app_name}:{migration_id}")
    else:
        click.echo("The database is up to date.")
    for failure in upgrade.seed_failures:
        click.echo(f"plugin {failure.name!r} could not add its defaults: {failure.message}", err=True)
    if upgrade.seed_failures:
        raise SystemExit(1)


@main.command()
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=8000, show_default=True, type=int)
@click.option("--workers", default=1, show_default=True, type=click.IntRange(1, 64))
@click.option("--no-migrate", is_flag=True, help="Refuse to start if migrations are pending instead of applying them.")
@click.option("--reload", is_flag=True, help="Restart when code changes (development).")
@click.option(
    "--no-worker",
    is_flag=True,
    help="Run no background worker in the server processes (run `hub worker` separately).",
)
@click.option(
    "--production",
    is_flag=True,
    envvar="HUB_PRODUCTION",
    help="Refuse to start with debug on or a default or weak secret (also HUB_PRODUCTION=1).",
)
def serve(
    host: str, port: int, workers: int, no_migrate: bool, reload: bool, no_worker: bool, production: bool
) -> None:
    """Start the hub's web server (SQLite in ./data unless configured otherwise)."""
    import uvicorn

    if no_worker:
        os.environ["HUB_WORKER_IN_PROCESS"] = "false"  # read by every server process's settings
    settings = _settings()
    configure_logging(settings.debug)
    if production:
        fatal = [p for p in check_problems(settings, deploy=True) if p.startswith(("secret_key", "debug"))]
        if fatal or reload:
            for problem in fatal or ["--reload is for development: drop it in production."]:
                click.echo(f"refusing to start: {problem}", err=True)
            raise SystemExit(2)
    if not no_migrate:

        async def go() -> None:
            from hub.core.upgrade import migrate_and_seed

            # Once, here, before any worker starts: workers only check that nothing is pending.
            async with open_hub(settings, migrate=False) as hub:
                upgrade = await migrate_and_seed(hub)
            for app_name, migration_id in upgrade.applied:
                click.echo(f"applied migration {app_name}:{migration_id}", err=True)
            for failure in upgrade.seed_failures:
                click.echo(f"warning: plugin {failure.name!r} could not add its defaults: {failure.message}", err=True)

        run(go())
    for problem in check_problems(settings, deploy=False):
        click.echo(f"warning: {problem}", err=True)
    os.environ["HUB_DIR"] = str(settings.hub_dir)
    click.echo(f"Community Hub on http://{host}:{port}/ (Ctrl+C stops it)", err=True)
    uvicorn.run(
        "hub.core.app:serve_app",
        factory=True,
        host=host,
        port=port,
        workers=workers if not reload else None,
        reload=reload,
        proxy_headers=True,
        forwarded_allow_ips="127.0.0.1",
        server_header=False,
        log_level="info",
        log_config=None,
        access_log=False,
        lifespan="on",
        # Workers build the whole app as they start: on a Raspberry Pi, or four at once on two
        # cores, that outlasts uvicorn's 5 s health check, which then kills and restarts them.
        timeout_worker_healthcheck=60,
    )


def check_problems(settings: Settings, deploy: bool) -> list[str]:
    """Configuration problems, each a sentence with the fix."""
    problems = []
    if settings.secret_key == DEV_SECRET:
        problems.append(
            "secret_key is the development default: run `hub init` or set HUB_SECRET_KEY to a long random value."
        )
    elif len(settings.secret_key) < 32:
        problems.append("secret_key is too short: use at least 32 random characters (hub init makes one).")
    if deploy:
        if settings.debug:
            problems.append("debug is on: set debug = false (or unset HUB_DEBUG) before serving real people.")
        if not settings.secure_cookies:
            problems.append("secure_cookies is off: serve the hub over HTTPS and set secure_cookies = true.")
        if not [h for h in settings.allowed_hosts if h not in ("127.0.0.1", "localhost", "testserver", "*")]:
            problems.append(
                'allowed_hosts lists no public name: add your domain, e.g. allowed_hosts = ["hub.example.org"].'
            )
        if "*" in settings.allowed_hosts:
            problems.append("allowed_hosts contains '*': list your domain names instead.")
        if not settings.smtp_host:
            problems.append(
                "no smtp_host: mail is only written to the outbox folder; set smtp_host so members get email."
            )
    return problems


@main.command()
@click.option("--deploy", is_flag=True, help="Also apply the checks for serving real people over the internet.")
def check(deploy: bool) -> None:
    """Report configuration problems (exit status 1 if any)."""
    settings = _settings()
    problems = check_problems(settings, deploy)

    async def go() -> list[str]:
        from hub.core.db import pending_migrations

        found = []
        try:
            async with open_hub(settings, migrate=False) as hub:
                pending = await pending_migrations(hub.engine, hub.db_apps)
                if pending:
                    found.append(f"{len(pending)} database migration(s) pending: run `hub migrate`.")
                for failure in hub.registry.failures:
                    found.append(f"plugin {failure.name!r} failed at {failure.stage}: {failure.message}")
                if not pending:
                    found.extend(await _queue_problems())
        except Exception as error:
            found.append(f"the database cannot be reached ({type(error).__name__}: {error}); check database_url.")
        return found

    problems += run(go())
    if problems:
        for problem in problems:
            click.echo(f"✗ {problem}")
        raise SystemExit(1)
    click.echo("✓ No problems found.")


async def _queue_problems() -> list[str]:
    """Mail or tasks waiting far longer than a worker would let them: is any worker running?"""
    from datetime import UTC, datetime, timedelta

    from hub.core.mail.tables import OutboxMail
    from hub.core.tasks.tables import Task

    stale = datetime.now(UTC) - timedelta(minutes=15)
    problems = []
    mail = await OutboxMail.count().where((OutboxMail.status == "queued") & (OutboxMail.run_at < stale)).run()
    tasks = await Task.count().where((Task.status == "queued") & (Task.run_at < stale)).run()
    if mail or tasks:
        problems.append(
            f"{mail} message(s) and {tasks} task(s) have waited over 15 minutes: is a worker running? "
            "(`hub serve` runs one unless worker_in_process = false; otherwise run `hub worker`.)"
        )
    return problems


@main.group(invoke_without_command=True)
@click.pass_context
def plugins(ctx: click.Context) -> None:
    """List installed plugins; enable or disable one."""
    if ctx.invoked_subcommand is not None:
        return

    async def go() -> None:
        async with open_hub() as hub:
            table = Table(title="Plugins")
            for column in ("slug", "name", "version", "source", "state"):
                table.add_column(column)
            for slug, installed in sorted(hub.registry.installed.items()):
                loaded = hub.registry.loaded.get(slug)
                state = "enabled" if hub.registry.is_active(slug) else ("disabled" if loaded else "not loaded")
                failed = [f for f in hub.registry.failures if f.name == slug]
                if failed:
                    state = f"failed ({failed[0].stage}: {failed[0].message})"
                with hub.in_language():
                    name = str(loaded.info.name) if loaded else ""
                table.add_row(
                    slug,
                    name,
                    (loaded.info.version if loaded else installed.version) or "",
                    installed.source,
                    state,
                )
            Console().print(table)

    run(go())


def _toggle(slug: str, enabled: bool) -> None:
    async def go() -> None:
        async with open_hub() as hub:
            if slug not in hub.registry.loaded:
                raise click.ClickException(
                    f"No loaded plugin {slug!r}. Installed: {', '.join(sorted(hub.registry.installed)) or 'none'}. "
                    "If it is installed but not loaded, add it to `plugins` in hub.toml."
                )
            await hub.set_plugin_enabled(slug, enabled)

    run(go())
    click.echo(f"{slug} {'enabled' if enabled else 'disabled'}. Running hubs pick this up within seconds.")


@plugins.command("enable")
@click.argument("slug")
def plugins_enable(slug: str) -> None:
    """Switch a plugin on (its data comes back as it was)."""
    _toggle(slug, True)


@plugins.command("disable")
@click.argument("slug")
def plugins_disable(slug: str) -> None:
    """Switch a plugin off (its pages disappear; its data is kept)."""
    _toggle(slug, False)


@main.command()
@click.option("--email", required=True)
@click.option("--name", "display_name", default="Admin", show_default=True)
@click.option("--password-stdin", is_flag=True, help="Read the password from standard input.")
def createadmin(email: str, display_name: str, password_stdin: bool) -> None:
    """Create an admin account from the command line."""
    from hub.core.auth.passwords import password_problem
    from hub.core.members.service import EmailTaken, create_member
    from hub.core.web.forms import Field, Form

    if password_stdin:
        password = sys.stdin.readline().rstrip("\n")
    else:
        password = click.prompt("Password", hide_input=True, confirmation_prompt=True)
    result = Form([Field("email", "email", kind="email", max_length=320)]).validate({"email": email})
    if not result.ok:
        raise click.ClickException(f"--email: {result.errors['email']}")
    problem = password_problem(password, email=email)
    if problem:
        raise click.ClickException(f"password: {problem}")

    async def go() -> int:
        async with open_hub() as hub, hub.write():
            return await create_member(
                result.values["email"], display_name, password, role="admin", status="active", email_verified=True
            )

    try:
        member_id = run(go())
    except EmailTaken:
        raise click.ClickException(f"An account with {email} already exists.") from None
    click.echo(f"Created admin #{member_id} <{result.values['email']}>.")


@main.command("demo-data")
@click.option("--scale", type=click.Choice(["small", "large"]), default="small", show_default=True)
def demo_data(scale: str) -> None:
    """Fill the hub with realistic sample content from every enabled plugin."""
    from hub.core.demo import DEMO_PASSWORD, create_demo_members

    async def go() -> None:
        async with open_hub() as hub:
            with Progress(
                TextColumn("[bold]{task.description}"),
                BarColumn(),
                MofNCompleteColumn(),
                TimeElapsedColumn(),
                console=console,
            ) as bar:
                task = bar.add_task("members", total=None)

                def progress(advance: int = 0, total: int | None = None, label: str | None = None) -> None:
                    if total is not None or label is not None:
                        bar.reset(task, total=total, description=label or "working")
                    if advance:
                        bar.advance(task, advance)

                await create_demo_members(scale, progress)
                await hooks.gather_hook(
                    hub.registry, "demo_data", load_order=True, hub=hub, scale=scale, progress=progress
                )

    run(go())
    click.echo(f"Demo data created ({scale}). Demo members sign in with password {DEMO_PASSWORD!r}.")


@main.command("backup")
@click.option(
    "--to",
    "destination",
    type=click.Path(file_okay=False, path_type=Path),
    default=None,
    help="Folder for the archive (default: <data>/backups).",
)
def backup_command(destination: Path | None) -> None:
    """Make a consistent backup of the database and uploads while the hub keeps serving."""
    from hub.core.backup import BackupError, backup

    settings = _settings()
    with Progress(TextColumn("[bold]backup"), BarColumn(), MofNCompleteColumn(), console=console) as bar:
        task = bar.add_task("backup", total=None)
        try:
            archive = backup(
                settings, destination, progress=lambda done, total: bar.update(task, completed=done, total=total)
            )
        except BackupError as error:
            raise click.ClickException(str(error)) from None
    click.echo(f"Backup written to {archive}")


@main.command("restore")
@click.argument("archive", type=click.Path(dir_okay=False, exists=True, path_type=Path))
@click.option("--force", is_flag=True, help="Replace the existing database (stop the hub first).")
def restore_command(archive: Path, force: bool) -> None:
    """Restore a backup made by `hub backup`, then verify it."""
    from hub.core.backup import BackupError, restore

    try:
        restore(_settings(), archive, force=force)
    except BackupError as error:
        raise click.ClickException(str(error)) from None
    click.echo("Restored and verified.")


@main.command()
@click.argument("app_name")
@click.option("--desc", default="", help="A short description for the migration file.")
def makemigrations(app_name: str, desc: str) -> None:
    """Write a new migration for APP_NAME (the core or a plugin slug) from its table changes."""
    from piccolo.apps.migrations.commands.new import _create_new_migration

    async def go() -> None:
        async with open_hub(migrate=False) as hub:
            apps = {app.app_name: app for app in hub.db_apps}
            if app_name not in apps:
                raise click.ClickException(f"No app {app_name!r}; known: {', '.join(apps)}")
            meta = await _create_new_migration(apps[app_name], auto=True, description=desc, auto_input="y")
            click.echo(f"Wrote {meta.migration_path}")

    run(go())


@main.command()
@click.option("--burst", is_flag=True, help="Do everything that is due now (jobs, mail, tasks), then exit (cron).")
def worker(burst: bool) -> None:
    """Run background work without serving pages: send mail, run queued tasks and periodic jobs.

    Start as many as you like, on any machine that reaches the database; each piece of work is
    claimed by one of them. Stop with Ctrl+C or SIGTERM (work in hand is taken over by another
    worker when its lease runs out).
    """
    settings = _settings()
    configure_logging(settings.debug)

    async def go() -> Any:
        import signal

        from hub.core.app import _startup
        from hub.core.db import pending_migrations
        from hub.core.tasks.worker import Worker

        async with open_hub(settings, migrate=False) as hub:
            pending = await pending_migrations(hub.engine, hub.db_apps)
            if pending:
                raise click.ClickException(
                    f"{len(pending)} database migration(s) pending: run `hub migrate` (or start `hub serve`) first."
                )
            await hub.refresh_state(force=True)
            for slug, _failure in await _startup(hub):
                click.echo(f"warning: plugin {slug!r} left out after its startup failed", err=True)
            background = Worker(hub)
            if burst:
                return await background.run_burst()
            stop = asyncio.Event()
            loop = asyncio.get_running_loop()
            for signum in (signal.SIGINT, signal.SIGTERM):
                loop.add_signal_handler(signum, stop.set)
            background.start()
            click.echo("Worker started: sending mail, running tasks and periodic jobs (Ctrl+C stops it).", err=True)
            try:
                await stop.wait()
            finally:
                await background.stop()
                await hooks.gather_hook(hub.registry, "shutdown", hub=hub)
            return None

    summary = run(go())
    if summary is not None:
        click.echo(
            f"mail: {summary.mail_sent} sent, {summary.mail_retried} to retry, {summary.mail_failed} given up; "
            f"tasks: {summary.tasks}; jobs: {summary.jobs}"
        )


@main.group()
def jobs() -> None:
    """Periodic jobs (digests, clean-ups): list them, or run the due ones now (`hub jobs run`)."""


@jobs.command("list")
def jobs_list() -> None:
    """Show every declared job, when it last ran and its last error."""

    async def go() -> None:
        from hub.core.jobs.service import job_states

        async with open_hub() as hub:
            table = Table(title="Jobs")
            for column in ("name", "every", "last run", "last error", "description"):
                table.add_column(column)
            for job, row in await job_states(hub):
                last = row["last_run_at"].isoformat(timespec="seconds") if row and row["last_run_at"] else "never"
                with hub.in_language():  # descriptions are lazy text: shown in the hub's default language
                    description = str(job.description)
                table.add_row(job.name, str(job.every), last, (row or {}).get("last_error") or "", description)
            Console().print(table)

    run(go())


@jobs.command("run")
@click.argument("name", required=False)
@click.option("--force", is_flag=True, help="Run even if the job is not due yet (never while another run holds it).")
def jobs_run(name: str | None, force: bool) -> None:
    """Run every due job once (or just NAME). Safe to run from cron on several machines at once."""
    configure_logging()

    async def go() -> list[Any]:
        from datetime import UTC, datetime

        from hub.core.jobs.service import run_due

        async with open_hub() as hub:
            try:
                return await run_due(hub, datetime.now(UTC), only=name, force=force)
            except KeyError:
                from hub.core.jobs.service import declared_jobs

                known = ", ".join(sorted(await declared_jobs(hub))) or "none"
                raise click.ClickException(f"No job {name!r}; known jobs: {known}.") from None

    outcomes = run(go())
    for outcome in outcomes:
        click.echo(f"{outcome.name}: {outcome.status}{f' ({outcome.error})' if outcome.error else ''}")
    if any(outcome.status == "failed" for outcome in outcomes):
        raise SystemExit(1)


@main.command("new-plugin")
@click.argument("name")
@click.option(
    "--directory",
    type=click.Path(file_okay=False, path_type=Path),
    default=".",
    show_default=True,
    help="Where to create the NAME folder.",
)
def new_plugin(name: str, directory: Path) -> None:
    """Create a plugin package in ./NAME to start from: installable, migrated, tested, translatable."""
    from hub.core.scaffold import ScaffoldError, scaffold_plugin

    try:
        made = scaffold_plugin(name, directory)
    except ScaffoldError as error:
        raise click.ClickException(str(error)) from None
    click.echo(
        f"Created the {made.slug!r} plugin ({made.dist}) in {made.target}.\n"
        f"Next: pip install -e {made.target} (in the hub's environment), then hub migrate && hub serve,\n"
        f"and open /{made.slug}/. Run its tests with: pytest {made.target / 'tests'}"
    )


@main.command("hook-docs")
@click.option("--check", is_flag=True, help="Exit 1 if docs/plugins/hooks.md is out of date instead of writing it.")
@click.option(
    "--output",
    type=click.Path(dir_okay=False, path_type=Path),
    default=Path("docs/plugins/hooks.md"),
    show_default=True,
)
def hook_docs(check: bool, output: Path) -> None:
    """Regenerate the hook reference from the docstrings in hub/core/hookspecs.py."""
    from hub.core.hookdocs import render_hook_reference

    text = render_hook_reference()
    if check:
        current = output.read_text(encoding="utf-8") if output.exists() else ""
        if current != text:
            raise click.ClickException(f"{output} is out of date: run `hub hook-docs`.")
        click.echo(f"{output} is up to date.")
        return
    output.parent.mkdir(parents=True, exist_ok=True)
    output.write_text(text, encoding="utf-8")
    click.echo(f"Wrote {output}.")


main.add_command(i18n)

AsyncCommand = Callable[..., Coroutine[Any, Any, Any]]
