"""The core's own hook implementations for identity and permissions."""

from __future__ import annotations

from typing import Any

from hub.core.auth.permissions import CORE_PERMISSIONS
from hub.core.hookspecs import hookimpl
from hub.core.members.service import actor_from_row
from hub.core.types import Actor


@hookimpl(trylast=True)
def actor_from_request(hub: Any, request: Any) -> Actor | None:
    """The member of the request's server-side session, if they are active."""
    state = hub.session(request)
    if state.member is None or state.member["status"] != "active":
        return None
    return actor_from_row(state.member)


@hookimpl
def register_permissions(hub: Any) -> list[Any]:
    return CORE_PERMISSIONS


@hookimpl
def register_task_types(hub: Any) -> list[Any]:
    from hub.core.auth.reset import reset_task_type

    return [reset_task_type()]
