"""Stories and news: the public list, pages, images and Atom feed; the staff's writing and publishing; and
the page where a person named confirms a story or withdraws their consent."""

from __future__ import annotations

from flask import (Blueprint, Response, abort, current_app, flash, redirect, render_template, request, send_file,
                   url_for)
from flask_babel import gettext as _
from flask_login import current_user

from ..access import get_story_or_404, is_staff, login_required, role_required
from ..errors import on_domain_error, redirect_on_domain_error
from ..extensions import db
from ..forms import EmptyForm
from ..i18n import current_locale
from ..models import Company, Event, PageViewKind, ResearchUnit, Role, Story, StoryKind, StoryStatus
from ..offers.queries import linkable_offers
from ..pagination import paginate
from ..reports.views import count_public_view
from . import images, operations, queries
from .feed import atom_feed
from .forms import StoryFilterForm, StoryForm

bp = Blueprint("stories", __name__)


# ---- public -------------------------------------------------------------------------------------

@bp.route("/")
def index():
    form = StoryFilterForm(formdata=request.args)
    kind = form.chosen_kind()
    page = paginate(queries.public_stories(kind))
    return render_template("stories/index.html", form=form, page=page, filtered=kind is not None,
                           locale=current_locale())


@bp.route("/<int:story_id>")
def detail(story_id: int):
    story = get_story_or_404(story_id, current_user)
    if story.is_public and not is_staff(current_user):
        count_public_view(PageViewKind.story, story.id)
    person = queries.story_person(story, current_user)
    return render_template("stories/detail.html", story=story, locale=current_locale(), person=person,
                           consent=operations.consent_text(story, current_locale()) if person else None,
                           form=EmptyForm(formdata=None))


def _image(story_id: int, thumb: bool):
    story = get_story_or_404(story_id, current_user)
    path = images.path_of(story.image, thumb=thumb) if story.image else None
    if path is None or not path.is_file():
        abort(404)
    response = send_file(path, mimetype="image/jpeg", max_age=0 if not story.is_public else 3600)
    response.headers["X-Content-Type-Options"] = "nosniff"
    if not story.is_public:
        response.headers["Cache-Control"] = "private, no-store"
    return response


@bp.route("/<int:story_id>/image")
def image(story_id: int):
    return _image(story_id, thumb=False)


@bp.route("/<int:story_id>/thumbnail")
def thumbnail(story_id: int):
    return _image(story_id, thumb=True)


@bp.route("/feed.atom")
def feed():
    locale = request.args.get("lang")
    locale = locale if locale in ("de", "en") else current_locale()
    return Response(atom_feed(queries.feed_stories(), locale), mimetype="application/atom+xml")


# ---- the people named ---------------------------------------------------------------------------

@bp.route("/confirmations")
@login_required
def confirmations():
    people = queries.story_people_of(current_user)
    locale = current_locale()
    texts = {person.story_id: operations.consent_text(person.story, locale) for person in people}
    return render_template("stories/confirmations.html", people=people, texts=texts, locale=locale,
                           form=EmptyForm(formdata=None))


def _person_step(story_id: int) -> Story:
    story = get_story_or_404(story_id, current_user)
    if not story.names(current_user):
        abort(404)
    if not EmptyForm().validate_on_submit():
        abort(400)
    redirect_on_domain_error(url_for("stories.confirmations"))
    return story


@bp.route("/<int:story_id>/confirm", methods=["POST"])
@login_required
def confirm(story_id: int):
    story = _person_step(story_id)
    operations.confirm_story(story, current_user)
    db.session.commit()
    if story.is_public:
        flash(_("Thank you: you confirmed the story, and it is published now."), "success")
    else:
        flash(_("Thank you: you confirmed the story. It is published once everyone it names has confirmed it "
                "and the Präsenzstelle publishes it."), "success")
    return redirect(url_for("stories.confirmations"))


@bp.route("/<int:story_id>/withdraw", methods=["POST"])
@login_required
def withdraw(story_id: int):
    story = _person_step(story_id)
    operations.withdraw_story(story, current_user)
    db.session.commit()
    flash(_("Your consent is withdrawn: the story is offline now."), "success")
    return redirect(url_for("stories.confirmations"))


# ---- staff --------------------------------------------------------------------------------------

@bp.route("/manage")
@role_required(Role.staff)
def manage():
    status = request.args.get("status")
    chosen = StoryStatus(status) if status in {s.value for s in StoryStatus} else None
    page = paginate(queries.staff_stories(chosen))
    return render_template("stories/manage.html", page=page, status=chosen, locale=current_locale())


def _story_form(story: Story | None) -> StoryForm:
    linked_offers = [link.offer for link in story.links if link.offer is not None] if story is not None else []
    linkable = {"companies": queries.linkable_companies(), "events": queries.linkable_events(),
                "units": queries.linkable_units(), "locale": current_locale(),
                "find_offers": lambda ids: linkable_offers(ids, linked_offers)}
    if story is not None:
        # What the story is already about stays choosable, also if it is no longer public.
        for name, attribute in (("companies", "company"), ("events", "event"), ("units", "research_unit")):
            linkable[name] += [getattr(link, attribute) for link in story.links
                               if getattr(link, attribute) is not None
                               and getattr(link, attribute) not in linkable[name]]
    if story is not None and request.method == "GET":
        return StoryForm(data=StoryForm.initial_data(story), **linkable)
    return StoryForm(**linkable)


def _render_form(form: StoryForm, story: Story | None, status: int = 200):
    return render_template("stories/form.html", form=form, story=story, locale=current_locale(),
                           max_mb=f"{current_app.config['STORY_IMAGE_MAX_BYTES'] / (1024 * 1024):g}"), status


def _save(form: StoryForm, story: Story | None) -> tuple[Story, str | None]:
    """Store the image (if one came) and the story; returns the story and the image it no longer uses."""
    upload = form.uploaded_image()
    new_image = None
    if upload is not None:
        # One byte more than allowed tells a too large file from one of exactly the limit.
        new_image = images.store_image(upload.stream.read(current_app.config["STORY_IMAGE_MAX_BYTES"] + 1))
    old_image = story.image if story is not None and new_image else None
    links = {"companies": queries.rows_by_ids(Company, form.chosen_ids("companies")),
             "offers": form.offers.offers,
             "events": queries.rows_by_ids(Event, form.chosen_ids("events")),
             "units": queries.rows_by_ids(ResearchUnit, form.chosen_ids("units")), "people": form.found_people}
    try:
        if story is None:
            story = operations.create_story(current_user, StoryKind(form.kind.data), form.texts(), image=new_image, **links)
        else:
            operations.update_story(story, current_user, StoryKind(form.kind.data), form.texts(), image=new_image, **links)
    except Exception:
        images.remove_image(new_image)
        raise
    return story, old_image


def _file_refused(form: StoryForm, story_id: int | None):
    def render(error, text):
        if isinstance(error, images.ImageError):
            form.image.errors = list(form.image.errors) + [text]
        else:
            flash(text, "error")
        story = db.session.get(Story, story_id) if story_id is not None else None
        return _render_form(form, story)[0]

    return render


@bp.route("/new", methods=["GET", "POST"])
@role_required(Role.staff)
def new():
    form = _story_form(None)
    if form.validate_on_submit():
        on_domain_error(_file_refused(form, None), flash_message=False)
        story, _old = _save(form, None)
        db.session.commit()
        flash(_("The story is saved as a draft. Publish it when it is ready."), "success")
        return redirect(url_for("stories.detail", story_id=story.id))
    return _render_form(form, None, 400 if form.errors else 200)


@bp.route("/<int:story_id>/edit", methods=["GET", "POST"])
@role_required(Role.staff)
def edit(story_id: int):
    story = get_story_or_404(story_id, current_user)
    form = _story_form(story)
    if form.validate_on_submit():
        on_domain_error(_file_refused(form, story.id), flash_message=False)
        story, old_image = _save(form, story)
        db.session.commit()
        images.remove_image(old_image)
        flash(_("Your changes are saved."), "success")
        return redirect(url_for("stories.detail", story_id=story.id))
    return _render_form(form, story, 400 if form.errors else 200)


def _staff_step(story_id: int) -> Story:
    story = get_story_or_404(story_id, current_user)
    if not EmptyForm().validate_on_submit():
        abort(400)
    redirect_on_domain_error(url_for("stories.detail", story_id=story.id))
    return story


@bp.route("/<int:story_id>/publish", methods=["POST"])
@role_required(Role.staff)
def publish(story_id: int):
    story = _staff_step(story_id)
    public = operations.publish_story(story, current_user)
    db.session.commit()
    if public:
        flash(_("The story is published."), "success")
    else:
        flash(_("The story names people who have not confirmed it yet. We have asked them by mail; it is "
                "published as soon as the last of them confirms."), "info")
    return redirect(url_for("stories.detail", story_id=story.id))


@bp.route("/<int:story_id>/offline", methods=["POST"])
@role_required(Role.staff)
def offline(story_id: int):
    story = _staff_step(story_id)
    operations.take_offline(story, current_user)
    db.session.commit()
    flash(_("The story is offline."), "success")
    return redirect(url_for("stories.detail", story_id=story.id))
