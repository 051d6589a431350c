"""/admin/settings: the hub's name, texts, colours, logo, languages and registration mode.

Everything here is stored with ``hub.set_site_setting`` so every worker picks it up within a few
seconds, without a restart.
"""

from __future__ import annotations

from typing import Any

from litestar import Controller, Request, Response, get, post
from litestar.datastructures import UploadFile

from hub.core.admin.appearance import MIN_CONTRAST, WHITE, ImageRefused, contrast_ratio, parse_colour, process_logo
from hub.core.admin.tables import SiteFile
from hub.core.i18n import gettext as _
from hub.core.settings import REGISTRATION_MODES
from hub.core.web.forms import Field, Form, FormResult
from hub.core.web.util import redirect

__all__ = ["SETTING_KEYS", "SettingsController"]

SETTING_KEYS = (
    "hub_name",
    "description",
    "welcome",
    "contact_email",
    "registration",
    "default_language",
    "languages",
    "primary_colour",
    "accent_colour",
    "code_of_conduct",
)
LOGO_MAX_BYTES = 2 * 1024 * 1024


def registration_choices() -> list[tuple[str, str]]:
    labels = {
        "open": _("Open: anyone can join straight away"),
        "approval": _("Approval: an organiser approves each new member"),
        "invite": _("Invitation only: members join through an invitation"),
    }
    return [(mode, labels[mode]) for mode in REGISTRATION_MODES]


def language_choices(hub: Any) -> list[tuple[str, str]]:
    return [(code, hub.catalogues.language_name(code)) for code in hub.catalogues.by_locale]


def _colour_check(label: str) -> Any:
    def check(value: str) -> str | None:
        colour = parse_colour(value)
        if colour is None:
            return _("Enter a colour as # followed by six hexadecimal digits, like #1d5c96.")
        ratio = contrast_ratio(colour, WHITE)
        if ratio < MIN_CONTRAST:
            return _(
                "%(label)s %(colour)s has a contrast ratio of %(ratio)s:1 with white; readable text needs "
                "at least %(min)s:1. Choose a darker shade.",
                label=label,
                colour=colour,
                ratio=format(ratio, ".2f"),
                min=MIN_CONTRAST,
            )
        return None

    return check


def settings_form(hub: Any) -> Form:
    languages = language_choices(hub)
    return Form(
        [
            Field("hub_name", _("Hub name"), max_length=100),
            Field("description", _("Short description"), required=False, max_length=300),
            Field("welcome", _("Welcome text"), kind="textarea", required=False, max_length=5000),
            Field("contact_email", _("Contact email address"), kind="email", required=False, max_length=320),
            Field("registration", _("How people join"), kind="choice", choices=registration_choices()),
            Field("default_language", _("Default language"), kind="choice", choices=languages),
            Field("languages", _("Languages offered"), kind="multichoice", choices=languages),
            Field(
                "primary_colour",
                _("Main colour"),
                required=False,
                max_length=7,
                check=_colour_check(_("The main colour")),
            ),
            Field(
                "accent_colour",
                _("Accent colour"),
                required=False,
                max_length=7,
                check=_colour_check(_("The accent colour")),
            ),
            Field("code_of_conduct", _("Code of conduct"), kind="textarea", required=False, max_length=20000),
        ]
    )


def current_values(hub: Any) -> dict[str, Any]:
    """What the form shows now: stored settings, falling back to hub.toml."""
    values = {key: hub.site(key) for key in SETTING_KEYS}
    values["languages"] = list(values["languages"] or hub.settings.languages)
    return {key: ("" if value is None else value) for key, value in values.items()}


def _validate(hub: Any, data: Any) -> FormResult:
    result = settings_form(hub).validate(data)
    chosen = result.values.get("languages") or []
    default = result.values.get("default_language")
    if default and chosen and default not in chosen and "default_language" not in result.errors:
        result.errors["default_language"] = _("The default language must be one of the languages offered.")
    for key in ("primary_colour", "accent_colour"):
        if result.values.get(key):
            result.values[key] = parse_colour(result.values[key])
    return result


class SettingsController(Controller):
    path = "/admin/settings"

    async def _page(self, request: Request[Any, Any, Any], form: dict[str, Any], errors: dict[str, str],
                    logo_errors: dict[str, str] | None = None, status_code: int = 200) -> Response[str]:  # fmt: skip
        hub = request.app.state.hub
        return await hub.render(
            request,
            "admin/settings.html",
            {
                "form": form,
                "errors": errors,
                "logo_errors": logo_errors or {},
                "registration_choices": registration_choices(),
                "language_choices": language_choices(hub),
                "logo": hub.site("logo"),
                "min_contrast": MIN_CONTRAST,
            },
            status_code=status_code,
        )

    @get("/", name="core:admin-settings", opt={"permission": "core.admin"})
    async def show(self, request: Request[Any, Any, Any]) -> Response[str]:
        return await self._page(request, current_values(request.app.state.hub), {})

    @post("/", name="core:admin-settings-save", opt={"permission": "core.admin"})
    async def save(self, request: Request[Any, Any, Any]) -> Response[str]:
        hub = request.app.state.hub
        actor = await hub.actor(request)
        data = await request.form()
        result = _validate(hub, data)
        if not result.ok:
            form: dict[str, Any] = dict(result.raw)
            form["languages"] = result.values.get("languages") or []
            return await self._page(request, form, result.errors, status_code=400)
        before = current_values(hub)
        changed = []
        for key in SETTING_KEYS:
            value = result.values.get(key)
            if value in ("", None):
                value = None
            if (before.get(key) or None) != value:
                await hub.set_site_setting(f"site.{key}", value)
                changed.append(key)
        if changed:
            await hub.emit("core.settings_changed", actor.id, changed=changed)
            hub.flash(request, _("Settings saved. Everyone sees the changes within a few seconds."))
        else:
            hub.flash(request, _("Nothing changed."), "info")
        return redirect(request, "/admin/settings")

    @post("/logo", name="core:admin-logo", opt={"permission": "core.admin"})
    async def upload_logo(self, request: Request[Any, Any, Any]) -> Response[str]:
        hub = request.app.state.hub
        actor = await hub.actor(request)
        data = await request.form()
        upload = data.get("logo")
        if not isinstance(upload, UploadFile) or not upload.filename:
            return await self._page(
                request, current_values(hub), {}, {"logo": _("Choose an image file to upload.")}, status_code=400
            )
        raw = await upload.read(LOGO_MAX_BYTES + 1)
        if len(raw) > LOGO_MAX_BYTES:
            message = _("That file is larger than %(size)s MB. Choose a smaller image.", size=LOGO_MAX_BYTES // 2**20)
            return await self._page(request, current_values(hub), {}, {"logo": message}, status_code=400)
        try:
            image = process_logo(
                raw,
                {
                    "format": _("The logo must be a PNG, JPEG or WebP image."),
                    "broken": _("That file is not an image we can read. Upload a PNG, JPEG or WebP image."),
                    "size": _("That image is too large to process. Upload a smaller one."),
                },
            )
        except ImageRefused as error:
            return await self._page(request, current_values(hub), {}, {"logo": str(error)}, status_code=400)
        async with hub.write():
            # Insert before deleting the old logo so ids never repeat (old addresses must 404).
            rows = await SiteFile.insert(
                SiteFile(
                    purpose="logo",
                    content_type=image.content_type,
                    data=image.data,
                    width=image.width,
                    height=image.height,
                )
            ).run()
            file_id = int(rows[0]["id"])
            await SiteFile.delete().where((SiteFile.purpose == "logo") & (SiteFile.id != file_id)).run()
        await hub.set_site_setting(
            "site.logo",
            {"id": file_id, "width": image.width, "height": image.height, "v": image.digest},
        )
        await hub.emit("core.logo_changed", actor.id, logo=file_id)
        hub.flash(request, _("The new logo is up."))
        return redirect(request, "/admin/settings")

    @post("/logo/remove", name="core:admin-logo-remove", opt={"permission": "core.admin"})
    async def remove_logo(self, request: Request[Any, Any, Any]) -> Response[str]:
        hub = request.app.state.hub
        actor = await hub.actor(request)
        if hub.site("logo") is None:
            hub.flash(request, _("There is no logo to remove."), "info")
            return redirect(request, "/admin/settings")
        if (await request.form()).get("confirm") != "yes":
            return await hub.render(
                request,
                "admin/confirm.html",
                {
                    "title": _("Remove the logo?"),
                    "question": _(
                        "The hub will show its name without a logo. You can upload a logo again at any time."
                    ),
                    "action": "/admin/settings/logo/remove",
                    "button": _("Yes, remove the logo"),
                    "cancel": "/admin/settings",
                },
            )
        async with hub.write():
            await SiteFile.delete().where(SiteFile.purpose == "logo").run()
        await hub.set_site_setting("site.logo", None)
        await hub.emit("core.logo_changed", actor.id, logo=None)
        hub.flash(request, _("The logo was removed."))
        return redirect(request, "/admin/settings")
