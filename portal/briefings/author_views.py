"""Writing briefings: drafts, the readability panel, publishing and translations."""

from flask import abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from .. import loaders, permissions
from ..communities.views import community_or_404
from ..db import utcnow
from ..held import keeps_text
from ..i18n import LANGUAGE_NAMES
from ..pagination import paginate
from . import glossary, readability, services
from .forms import BriefingForm, PublishForm, TranslationForm
from .rendering import render_markdown
from .views import PER_PAGE, document_context

FIELDS = ("title", "summary", "body", "easy_read", "visibility", "review_by")


def _author_of(slug):
    community = community_or_404(slug)
    if not permissions.can_author(current_user, community):
        abort(403)
    return community


def _form(community, briefing=None):
    form = BriefingForm(obj=briefing if request.method == "GET" else None)
    if briefing is not None and briefing.original_id is not None:
        del form.linked  # a translation shares its original's related briefings
    else:
        form.linked.choices = [
            (row.id, row.title) for row in services.link_choices(community, briefing)
        ]
        if request.method == "GET" and briefing is not None:
            form.linked.data = services.linked_ids(briefing)
    return form


def _fields(form):
    return {name: getattr(form, name).data for name in FIELDS}


def _report(form, community, language):
    terms = glossary.terms_for(community.id, language)
    return readability.analyse(form.summary.data or "", form.body.data or "", language, terms)


@login_required
def manage(slug):
    community = _author_of(slug)
    return render_template(
        "briefings/manage.html",
        community=community,
        page=paginate(services.drafts_query(community), PER_PAGE),
        today=utcnow().date(),
        title=_("Briefings of %(name)s", name=community.name),
    )


@keeps_text()
@login_required
def new(slug):
    community = _author_of(slug)
    form = _form(community)
    if form.validate_on_submit():
        try:
            briefing = services.create(
                current_user, community, linked_ids=form.linked.data or (), **_fields(form)
            )
        except services.Refused as refusal:
            flash(str(refusal.message), "info")
            return redirect(url_for("communities.show", slug=slug))
        return _after_save(briefing)
    return render_template(
        "briefings/form.html",
        form=form,
        community=community,
        briefing=None,
        report=_report(form, community, "en") if form.is_submitted() else None,
        title=_("Write a briefing"),
    )


def _after_save(briefing):
    if request.form.get("action") == "preview":
        return redirect(url_for("briefings.preview", briefing_id=briefing.id))
    flash(_("Your draft is saved. Readers do not see it until you publish it."), "success")
    return redirect(url_for("briefings.edit", briefing_id=briefing.id, _anchor="readability"))


@keeps_text()
@login_required
def edit(briefing_id):
    briefing = loaders.authored_briefing(briefing_id)
    community = briefing.community
    form = _form(briefing.community, briefing)
    if form.validate_on_submit():
        linked = form.linked.data if "linked" in form else None
        services.update_draft(current_user, briefing, linked_ids=linked, **_fields(form))
        return _after_save(briefing)
    return render_template(
        "briefings/form.html",
        form=form,
        community=community,
        briefing=briefing,
        report=_report(form, community, briefing.language),
        title=_("Edit: %(title)s", title=briefing.title),
    )


@login_required
def preview(briefing_id):
    briefing = loaders.authored_briefing(briefing_id)
    return _preview(briefing, PublishForm(formdata=None))


def _preview(briefing, form, status=200):
    community = briefing.community
    report = services.check(briefing)
    document = document_context(
        briefing.title,
        briefing.summary,
        render_markdown(briefing.body),
        render_markdown(briefing.easy_read),
        briefing.language,
        community.id,
    )
    return (
        render_template(
            "briefings/preview.html",
            briefing=briefing,
            community=community,
            document=document,
            report=report,
            above_target=report.above(community.target_reading_age),
            may_override=permissions.can_publish_above_target(current_user, community),
            form=form,
            title=_("Preview and publish"),
        ),
        status,
    )


@login_required
def publish(briefing_id):
    briefing = loaders.authored_briefing(briefing_id)
    form = PublishForm()
    if not form.validate_on_submit():
        return _preview(briefing, form, status=400)
    try:
        version = services.publish(
            current_user,
            briefing,
            change_note=form.change_note.data,
            override_reason=form.override_reason.data,
        )
    except services.NeedsReason as refusal:
        form.override_reason.errors = [str(refusal.message)]
        return _preview(briefing, form, status=400)
    except services.Refused as refusal:
        flash(str(refusal.message), "info")
        return redirect(url_for("briefings.preview", briefing_id=briefing.id))
    flash(_("Version %(number)d is published.", number=version.number), "success")
    return redirect(url_for("briefings.show", briefing_id=briefing.id, language=briefing.language))


@login_required
def translate(briefing_id):
    briefing = loaders.authored_briefing(briefing_id)
    community = briefing.community
    if briefing.original_id is not None:
        return redirect(url_for("briefings.translate", briefing_id=briefing.original_id))
    existing = services.translations(briefing)
    taken = {row.language for row in existing}
    form = TranslationForm()
    form.language.choices = [("", _("Choose a language"))] + [
        (code, LANGUAGE_NAMES[code])
        for code in current_app.config["SUPPORTED_LOCALES"]
        if code not in taken
    ]
    if form.validate_on_submit():
        try:
            translation = services.add_translation(current_user, briefing, form.language.data)
        except services.Refused as refusal:
            form.language.errors = [str(refusal.message)]
        else:
            flash(_("Replace the words below with the translation, then publish it."), "success")
            return redirect(url_for("briefings.edit", briefing_id=translation.id))
    return render_template(
        "briefings/translate.html",
        form=form,
        briefing=briefing,
        community=community,
        existing=existing,
        title=_("Translate: %(title)s", title=briefing.title),
    )
