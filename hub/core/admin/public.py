"""Public pages the settings feed: the theme stylesheet, the logo and the code of conduct."""

from __future__ import annotations

from typing import Any

from litestar import Controller, Request, Response, get
from litestar.exceptions import NotFoundException
from litestar.params import FromPath

from hub.core.admin.appearance import theme_css, theme_version
from hub.core.admin.tables import SiteFile
from hub.core.auth.permissions import PUBLIC

__all__ = ["PublicSettingsPages", "logo_url", "theme_url"]

IMMUTABLE = "public, max-age=31536000, immutable"
EXTENSIONS = {"image/png": "png", "image/jpeg": "jpg", "image/webp": "webp"}


def theme_url(hub: Any) -> str:
    """The stylesheet's address with a version that changes whenever the colours do."""
    return f"/-/theme.css?v={theme_version(hub.site('primary_colour'), hub.site('accent_colour'))}"


def logo_url(hub: Any) -> str | None:
    logo = hub.site("logo")
    if not isinstance(logo, dict) or not isinstance(logo.get("id"), int):
        return None
    return f"/-/logo/{logo['id']}?v={logo.get('v', '')}"


class PublicSettingsPages(Controller):
    @get("/-/theme.css", name="core:theme", opt={"permission": PUBLIC})
    async def theme(self, request: Request[Any, Any, Any]) -> Response[str]:
        hub = request.app.state.hub
        primary, accent = hub.site("primary_colour"), hub.site("accent_colour")
        current = request.query_params.get("v") == theme_version(primary, accent)
        return Response(
            theme_css(primary, accent),
            media_type="text/css; charset=utf-8",
            headers={"Cache-Control": IMMUTABLE if current else "no-cache"},
        )

    @get("/-/logo/{file_id:int}", name="core:logo", opt={"permission": PUBLIC})
    async def logo(self, file_id: FromPath[int]) -> Response[bytes]:
        row = (
            await SiteFile.select(SiteFile.content_type, SiteFile.data)
            .where((SiteFile.id == file_id) & (SiteFile.purpose == "logo"))
            .first()
            .run()
        )
        if row is None:
            raise NotFoundException()
        content_type = row["content_type"]
        return Response(
            bytes(row["data"]),
            media_type=content_type,
            headers={
                "Cache-Control": IMMUTABLE,
                "Content-Disposition": f'inline; filename="logo.{EXTENSIONS.get(content_type, "bin")}"',
                "X-Content-Type-Options": "nosniff",
            },
        )

    @get("/code-of-conduct", name="core:code-of-conduct", opt={"permission": "core.view"})
    async def code_of_conduct(self, request: Request[Any, Any, Any]) -> Response[str]:
        hub = request.app.state.hub
        text = hub.site("code_of_conduct")
        if not text:
            raise NotFoundException()
        return await hub.render(request, "code_of_conduct.html", {"text": text})
