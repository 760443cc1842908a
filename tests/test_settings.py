"""Settings: defaults, environment, settings file, and the errors an operator sees."""

from __future__ import annotations

from pathlib import Path

import pytest

from pipeline.settings import SETTINGS_ENV, Settings, SettingsError, get_settings


@pytest.fixture(autouse=True)
def clean_env(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Path:
    """No DIRECTIVES_* from the developer's shell, and a working directory without directives.toml."""
    import os

    for key in list(os.environ):
        if key.startswith("DIRECTIVES_"):
            monkeypatch.delenv(key)
    monkeypatch.chdir(tmp_path)
    return tmp_path


def test_defaults_derive_every_path_from_data_dir() -> None:
    s = get_settings()
    assert s.data_dir == Path("data")
    assert s.sinks == ["json", "sqlite"]
    assert s.json_dir == Path("data/records")
    assert s.jsonl_path == Path("data/tasks.jsonl")
    assert s.csv_path == Path("data/tasks.csv")
    assert s.sqlite_path == Path("data/directives.sqlite3")
    assert s.inbox == Path("data/inbox")
    assert s.processed_dir == Path("data/inbox/processed")
    assert s.failed_dir == Path("data/inbox/failed")
    assert s.batch_dir == Path("data/batch")
    assert s.prefect_home == Path("data/prefect")
    assert s.batch_cron == "0 22 * * *"
    assert s.batch_workers >= 1
    assert s.stable_seconds == 1.0 and s.poll is False
    assert s.timezone == "Asia/Ho_Chi_Minh"  # the cron runs in the office's time zone, not the server's UTC
    assert s.sink_outbox_path == Path("data/sink-outbox.sqlite3")
    assert s.max_part_mb == 64 and s.document_seconds == 900
    assert s.postgres_url is None and s.webhook_url is None and s.webhook_secret is None


def test_env_overrides_and_moves_derived_paths(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DIRECTIVES_DATA_DIR", "/srv/vb")
    monkeypatch.setenv("DIRECTIVES_SINKS", "jsonl, CSV,jsonl")
    monkeypatch.setenv("DIRECTIVES_INBOX", "/mnt/share/van-ban-den")
    monkeypatch.setenv("DIRECTIVES_POLL", "true")
    monkeypatch.setenv("DIRECTIVES_BATCH_WORKERS", "3")
    s = get_settings()
    assert s.sinks == ["jsonl", "csv"]  # case folded, duplicates dropped, order kept
    assert s.json_dir == Path("/srv/vb/records")
    assert s.inbox == Path("/mnt/share/van-ban-den")
    assert s.processed_dir == Path("/mnt/share/van-ban-den/processed")  # follows the inbox, not data_dir
    assert s.poll is True and s.batch_workers == 3


def test_sinks_as_json_list_in_env(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DIRECTIVES_SINKS", '["json", "postgres"]')
    monkeypatch.setenv("DIRECTIVES_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1/x")
    assert get_settings().sinks == ["json", "postgres"]


def test_file_then_env_precedence(monkeypatch: pytest.MonkeyPatch, clean_env: Path) -> None:
    (clean_env / "directives.toml").write_text(
        'data_dir = "/srv/from-file"\n'
        'sinks = ["json", "webhook"]\n'
        'webhook_url = "http://127.0.0.1:9/hook"\n'
        'webhook_secret = "bí mật"\n'
        "webhook_retries = 2\n",
        encoding="utf-8",
    )
    s = get_settings()
    assert s.data_dir == Path("/srv/from-file") and s.webhook_retries == 2
    assert s.webhook_secret is not None and s.webhook_secret.get_secret_value() == "bí mật"
    assert "bí mật" not in repr(s)  # secrets never reach logs

    monkeypatch.setenv("DIRECTIVES_WEBHOOK_RETRIES", "7")
    monkeypatch.setenv("DIRECTIVES_DATA_DIR", "/srv/from-env")
    s = get_settings()
    assert s.webhook_retries == 7 and s.data_dir == Path("/srv/from-env")
    assert s.sinks == ["json", "webhook"]  # untouched keys still come from the file
    assert s.json_dir == Path("/srv/from-env/records")


def test_settings_file_named_by_env(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    elsewhere = tmp_path / "etc" / "site.toml"
    elsewhere.parent.mkdir()
    elsewhere.write_text('batch_cron = "30 5 * * 1-5"\n', encoding="utf-8")
    monkeypatch.setenv(SETTINGS_ENV, str(elsewhere))
    assert get_settings().batch_cron == "30 5 * * 1-5"


def test_missing_named_settings_file_is_an_error(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv(SETTINGS_ENV, str(tmp_path / "nope.toml"))
    with pytest.raises(SettingsError, match="no such file"):
        get_settings()


def test_bad_sink_name_names_the_allowed_ones(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DIRECTIVES_SINKS", "json,sqllite")
    with pytest.raises(SettingsError) as err:
        get_settings()
    message = str(err.value)
    assert "'sqllite'" in message
    assert "json, jsonl, csv, sqlite, postgres, webhook" in message


def test_misspelt_key_in_file_is_an_error(clean_env: Path) -> None:
    (clean_env / "directives.toml").write_text('webhok_url = "http://x"\n', encoding="utf-8")
    with pytest.raises(SettingsError, match=r"webhok_url.*directives\.toml|directives\.toml.*webhok_url"):
        get_settings()


def test_broken_toml_is_an_error(clean_env: Path) -> None:
    (clean_env / "directives.toml").write_text("sinks = [json\n", encoding="utf-8")
    with pytest.raises(SettingsError, match="not valid TOML"):
        get_settings()


@pytest.mark.parametrize(
    ("env", "needle"),
    [
        ({"DIRECTIVES_SINKS": "postgres"}, "postgres_url"),
        ({"DIRECTIVES_SINKS": "webhook", "DIRECTIVES_WEBHOOK_SECRET": "s"}, "webhook_url"),
        ({"DIRECTIVES_SINKS": "webhook", "DIRECTIVES_WEBHOOK_URL": "http://x"}, "webhook_secret"),
    ],
)
def test_sink_without_its_target_fails_at_load(
    monkeypatch: pytest.MonkeyPatch, env: dict[str, str], needle: str
) -> None:
    for key, value in env.items():
        monkeypatch.setenv(key, value)
    with pytest.raises(SettingsError, match=needle):
        get_settings()


def test_keyword_overrides_win(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("DIRECTIVES_DATA_DIR", "/srv/env")
    s = get_settings(data_dir=tmp_path)
    assert s.sqlite_path == tmp_path / "directives.sqlite3"
    assert isinstance(s, Settings)


def test_unknown_time_zone_is_an_error(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DIRECTIVES_TIMEZONE", "Asia/Hanoi City")
    with pytest.raises(SettingsError, match="time zone"):
        get_settings()


def test_sink_names_come_from_the_registry() -> None:
    from pipeline.sinks.registry import SINKS

    for name in SINKS:
        required = {field: "x" for field in SINKS[name].requires}
        assert get_settings(sinks=[name], **required).sinks == [name]
