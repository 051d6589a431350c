from __future__ import annotations

from pathlib import Path

import pytest

from hub.core.settings import SettingsError, load_settings


def test_defaults_use_sqlite_in_the_hub_folder(tmp_path: Path) -> None:
    settings = load_settings(tmp_path, env={})
    assert settings.hub_dir == tmp_path.resolve()
    assert settings.sqlite_path == tmp_path.resolve() / "data" / "hub.sqlite3"
    assert settings.plugins is None
    assert not settings.is_postgres


def test_toml_then_environment_overrides(tmp_path: Path) -> None:
    (tmp_path / "hub.toml").write_text(
        '[hub]\nhub_name = "Elm Street Tenants"\nregistration = "invite"\nplugins = ["noticeboard"]\n'
        "[plugins.noticeboard]\nposts_per_day = 3\n",
        encoding="utf-8",
    )
    env = {
        "HUB_DATA_DIR": str(tmp_path / "elsewhere"),
        "HUB_DATABASE_URL": "postgresql://hub@127.0.0.1:5432/hub",
        "HUB_SECRET_KEY": "s" * 50,
        "HUB_PLUGINS": "noticeboard, directory",
        "HUB_REDIS_URL": "redis://127.0.0.1:6379/0",
    }
    settings = load_settings(tmp_path, env=env)
    assert settings.hub_name == "Elm Street Tenants"
    assert settings.registration == "invite"
    assert settings.data_dir == tmp_path / "elsewhere"
    assert settings.is_postgres
    assert settings.plugins == ("noticeboard", "directory")
    assert settings.redis_url == "redis://127.0.0.1:6379/0"
    assert settings.plugin_config["noticeboard"]["posts_per_day"] == 3


@pytest.mark.parametrize(
    ("toml", "env", "names"),
    [
        ('[hub]\nregistration = "whoever"\n', {}, "registration"),
        ('[hub]\ncolour = "red"\n', {}, "hub.colour"),
        ("[hub\n", {}, "not valid TOML"),
        ("", {"HUB_DATABASE_URL": "mysql://x"}, "HUB_DATABASE_URL"),
        ("", {"HUB_DEBUG": "perhaps"}, "HUB_DEBUG"),
        ("", {"HUB_SMTP_PORT": "twenty-five"}, "HUB_SMTP_PORT"),
        ("", {"HUB_REDIS_URL": "localhost:6379"}, "HUB_REDIS_URL"),
        ('[hub]\nlanguages = "en"\nplugins = [1, 2]\n', {}, "hub.plugins"),
    ],
)
def test_bad_settings_name_the_key(tmp_path: Path, toml: str, env: dict[str, str], names: str) -> None:
    (tmp_path / "hub.toml").write_text(toml, encoding="utf-8")
    with pytest.raises(SettingsError, match=names.replace(".", r"\.")):
        load_settings(tmp_path, env=env)


def test_star_enables_every_plugin(tmp_path: Path) -> None:
    assert load_settings(tmp_path, env={"HUB_PLUGINS": "*"}).plugins is None
    assert load_settings(tmp_path, env={"HUB_PLUGINS": ""}).plugins == ()
