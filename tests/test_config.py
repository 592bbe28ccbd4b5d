import pytest

from config import DevelopmentConfig, ProductionConfig
from portal import create_app


def test_production_refuses_to_start_without_secret_key(monkeypatch):
    monkeypatch.delenv("SECRET_KEY", raising=False)
    with pytest.raises(RuntimeError, match="SECRET_KEY"):
        ProductionConfig.load()


def test_production_refuses_to_start_with_debug_on(monkeypatch):
    monkeypatch.setenv("SECRET_KEY", "a-long-random-production-key")
    monkeypatch.setenv("FLASK_DEBUG", "1")
    with pytest.raises(RuntimeError, match="Debug"):
        ProductionConfig.load()


def test_production_settings_are_strict(monkeypatch):
    monkeypatch.setenv("SECRET_KEY", "a-long-random-production-key")
    monkeypatch.setenv("DATABASE_URL", "postgresql+psycopg://chorus@db/chorus")
    monkeypatch.delenv("FLASK_DEBUG", raising=False)
    settings = ProductionConfig.load()
    assert settings["DEBUG"] is False
    assert settings["SESSION_COOKIE_SECURE"] is True
    assert settings["HSTS"] is True
    assert settings["DATABASE_URL"] == "postgresql+psycopg://chorus@db/chorus"
    app = create_app("production")
    assert app.debug is False
    assert app.config["MAIL_BACKEND"] == "smtp"


def test_development_keeps_its_generated_key(tmp_path, monkeypatch):
    import config

    monkeypatch.delenv("SECRET_KEY", raising=False)
    monkeypatch.setattr(config, "INSTANCE", tmp_path)
    first = DevelopmentConfig.load()["SECRET_KEY"]
    second = DevelopmentConfig.load()["SECRET_KEY"]
    assert len(first) >= 64
    assert first == second
    assert (tmp_path / "secret_key").read_text() == first
