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
