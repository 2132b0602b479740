"""Templates are compiled once a process for every app it makes, and compiled anew once edited."""

from __future__ import annotations

from jinja2 import ChoiceLoader, FileSystemLoader

from config import TestConfig
from matchmaker import create_app
from matchmaker.app import TEMPLATE_BYTECODE


def _app(folder):
    config = type("TemplatesConfig", (TestConfig,), {"SQLALCHEMY_DATABASE_URI": "sqlite://",
                                                       "INSTANCE_DIR": folder / "instance"})
    app = create_app(config)
    app.jinja_env.loader = ChoiceLoader([FileSystemLoader(str(folder)), app.jinja_env.loader])
    return app


def test_a_second_app_uses_the_compiled_template_and_an_edited_one_is_compiled_again(tmp_path):
    (tmp_path / "probe.txt").write_text("first {{ 1 + 1 }}")
    first = _app(tmp_path)
    with first.app_context():
        assert first.jinja_env.get_template("probe.txt").render() == "first 2"
    kept = dict(TEMPLATE_BYTECODE.code)
    assert any(kept.values())

    second = _app(tmp_path)
    assert second.jinja_env is not first.jinja_env
    with second.app_context():
        assert second.jinja_env.get_template("probe.txt").render() == "first 2"
    # loaded: a template compiled again would have been stored again, as new bytes
    assert all(TEMPLATE_BYTECODE.code[key] is code for key, code in kept.items())

    (tmp_path / "probe.txt").write_text("edited {{ 2 + 2 }}")
    third = _app(tmp_path)
    with third.app_context():
        assert third.jinja_env.get_template("probe.txt").render() == "edited 4"
    assert any(TEMPLATE_BYTECODE.code[key] is not code for key, code in kept.items())
