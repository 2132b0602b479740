"""Every user-facing string is translated in both catalogues, and the compiled catalogues are used."""

from matchmaker.i18n import untranslated


def test_german_catalogue_is_complete():
    missing = untranslated("de")
    assert not missing, f"{len(missing)} strings lack a German translation (run `flask translations update`): {missing[:20]}"


def test_english_catalogue_is_complete():
    missing = untranslated("en")
    assert not missing, f"{len(missing)} strings missing from the English catalogue: {missing[:20]}"


def test_pages_speak_german_by_default_and_english_on_request(client):
    german = client.get("/", headers={"Accept-Language": "de-DE"}).get_data(as_text=True)
    assert "Anmelden" in german or "Registrieren" in german
    english = client.get("/", headers={"Accept-Language": "en-GB"}).get_data(as_text=True)
    assert "Register" in english and "Log in" in english


def test_the_templates_kept_translations_follow_each_requests_language(client):
    """The templates' translations are kept by language: German, English and German again in one process."""
    for header, present, absent in (("de-DE", "Anmelden", "Log in"), ("en-GB", "Log in", "Anmelden"),
                                    ("de-DE", "Anmelden", "Log in")):
        page = client.get("/auth/login", headers={"Accept-Language": header}).get_data(as_text=True)
        assert present in page and absent not in page, header
