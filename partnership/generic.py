"""The handful of generic views every app's views subclass.

Each names a ``model`` (and optionally a ``queryset``, ``form_class``,
``table_class``, ``filterset_class``); these classes do the rest once:
the partnership in the URL (404 to anyone outside it), restricting the
queryset to what the user may see, permission checks through
``partnership.permissions``, the reason for a change, refusing a stale
edit, success messages and redirects.
"""

import functools
import re

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.http import HttpResponseRedirect, JsonResponse
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.utils.functional import cached_property
from django.views.generic import DetailView, TemplateView, View
from django_filters.views import FilterView
from django_tables2 import SingleTableMixin
from django_tables2.export import ExportMixin

from partnership import exports, history, permissions
from partnership.exports import SafeTableExport
from partnership.filtersets import PartnershipFilterSet
from partnership.forms import ReasonForm, style_form, with_article
from partnership.models import FormSubmission
from partnership.numbers import whole_number
from partnership.tables import RegisterPaginator


def record_page_again(
    view_class, request, partnership, record, view_attributes=None, url_kwargs=None, **forms
):
    """``record``'s page (a :class:`ObjectDetailView`) again with a 400, showing ``forms`` sent
    back with their errors beside their fields: for a form on the page posted to a view of its
    own. ``url_kwargs``: the rest of the page's address (a meeting's ``section``)."""
    view = view_class(**(view_attributes or {}))
    view.setup(request, partnership=partnership.slug, pk=record.pk, **(url_kwargs or {}))
    view.partnership = partnership
    view.object = record
    context = view.get_context_data(object=record, **forms)
    context.update(forms)
    return TemplateResponse(request, view.get_template_names(), context, status=400)


def bad_request(request, error):
    """A 400 page saying what was wrong with the address or the data sent."""
    message = " ".join(error.messages) if isinstance(error, ValidationError) else str(error)
    return TemplateResponse(request, "400.html", {"exception": message}, status=400)


#: The one-time token a create form carries (partnership.forms.TrackedModelForm).
SUBMISSION_TOKEN = re.compile(r"[0-9a-f]{32}")


class AlreadySent(Exception):
    """This create form's token was used: the record it created exists."""


class StaleEdit(Exception):
    """Someone else saved the record after this form was loaded."""

    def __init__(self, message, current_version):
        super().__init__(message)
        self.current_version = current_version


class PartnershipMixin(LoginRequiredMixin):
    """Loads the partnership named in the URL; anyone who cannot see it gets 404."""

    def dispatch(self, request, *args, **kwargs):
        if not request.user.is_authenticated:
            return self.handle_no_permission()
        self.partnership = permissions.get_partnership_or_404(request.user, kwargs["partnership"])
        return super().dispatch(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        kwargs["partnership"] = self.partnership  # not the slug from the URL
        return super().get_context_data(**kwargs)


class ObjectMixin(PartnershipMixin):
    model = None
    queryset = None

    def get_base_queryset(self):
        queryset = self.queryset if self.queryset is not None else self.model._default_manager.all()
        queryset = permissions.restrict(queryset.all(), self.request.user)
        path = self.model.partnership_path
        return queryset.filter(**{"pk" if path == "pk" else path: self.partnership})

    def get_queryset(self):
        return self.get_base_queryset()

    def get_object(self, queryset=None):
        return get_object_or_404(self.get_base_queryset(), pk=self.kwargs["pk"])


class ObjectListView(ObjectMixin, ExportMixin, SingleTableMixin, FilterView):
    """A register: filters, sorting, pagination and CSV/XLSX export of the filtered rows."""

    template_name = "generic/object_list.html"
    paginate_by = 25
    export_formats = ("csv", "xlsx")
    export_trigger_param = "export"
    export_class = SafeTableExport
    title = None
    create_url = None

    def get_queryset(self):
        """The partnership's records, each with its partnership (and the records on the way
        to it) joined in, so the links built from it cost no query a row."""
        queryset = super().get_queryset()
        path = self.model.partnership_path
        return queryset if path in (None, "pk") else queryset.select_related(path)

    def get_export_filename(self, export_format):
        name = str(self.model._meta.verbose_name_plural).replace(" ", "-")
        return f"{self.partnership.slug}-{name}.{export_format}"

    def create_export(self, export_format):
        """Every filtered row, in the table's order: CSV streamed, XLSX written row by row."""
        return exports.table_export_response(
            self.get_table(**self.get_table_kwargs()),
            export_format,
            self.get_export_filename(export_format),
            exclude_columns=self.exclude_columns,
            title=str(self.model._meta.verbose_name_plural).capitalize(),
        )

    def get_table(self, **kwargs):
        """The table; when filters chosen leave it empty, it says so rather than that there are
        none yet."""
        table = super().get_table(**kwargs)
        filterset = getattr(self, "filterset", None)
        if filterset is not None and filterset.is_bound and filterset.form.has_changed():
            table.empty_text = f"No {self.model._meta.verbose_name_plural} match the filters chosen."
        return table

    def get_table_pagination(self, table):
        """Pages of ``paginate_by`` rows; a page number past either end shows the last page."""
        return {"paginator_class": functools.partial(RegisterPaginator, size=self.paginate_by)}

    def get_paginate_by(self, queryset):
        """The table pages the rows; the list view does not page them again (that would
        count them twice)."""
        return None

    def get_create_url(self):
        return None

    def get_filterset_kwargs(self, filterset_class):
        kwargs = super().get_filterset_kwargs(filterset_class)
        if issubclass(filterset_class, PartnershipFilterSet):
            kwargs["partnership"] = self.partnership
        return kwargs

    def get_filterset(self, filterset_class):
        filterset = super().get_filterset(filterset_class)
        style_form(filterset.form, filter_form=True)
        return filterset

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["title"] = self.title or str(self.model._meta.verbose_name_plural).capitalize()
        context["create_url"] = self.get_create_url()
        context.setdefault("create_label", f"Add {with_article(str(self.model._meta.verbose_name))}")
        query = self.request.GET.copy()
        query.pop("page", None)
        query.pop("export", None)
        context["export_query"] = query.urlencode()
        return context


class ChoicesView(ObjectMixin, View):
    """Suggestions for a :class:`partnership.forms.RecordByKeyField`: the records the person may
    see whose ``search_fields`` contain what they typed (``q``), as JSON, at most
    ``limit`` of them, so a picker never lists thousands."""

    search_fields = ()
    #: Fields a form may narrow the suggestions by, by their exact value (``?kind=s256``).
    filter_fields = ()
    ordering = ()
    limit = 20

    def get(self, request, *args, **kwargs):
        typed = request.GET.get("q", "").strip()[:100]
        if "\x00" in typed:
            return JsonResponse({"error": "The search may not contain null characters."}, status=400)
        if not typed:
            return JsonResponse({"results": []})
        matches = Q()
        for name in self.search_fields:
            matches |= Q(**{f"{name}__icontains": typed})
        records = self.get_queryset().filter(matches)
        for name in self.filter_fields:
            if request.GET.get(name):
                records = records.filter(**{name: request.GET[name][:100]})
        excluded = whole_number(request.GET.get("exclude", ""))
        if excluded is not None:
            records = records.exclude(pk=excluded)
        found = records.order_by(*self.ordering)[: self.limit]
        return JsonResponse({"results": [str(record) for record in found]})


class ObjectDetailView(ObjectMixin, DetailView):
    """A record's page; ``can_change`` and ``can_delete`` are in the context."""

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        user = self.request.user
        context["can_change"] = permissions.can_change(user, self.object)
        context["can_delete"] = permissions.can_delete(user, self.object)
        context["active_tab"] = "details"
        return context


class ObjectHistoryView(ObjectMixin, DetailView):
    """The history tab: each change to the record and its children, field by field."""

    template_name = "generic/object_history.html"
    paginate_by = 50

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(history_context(self.request, history.history_sources(self.object, self.request.user)))
        context["active_tab"] = "history"
        return context


def history_context(request, sources, size=ObjectHistoryView.paginate_by):
    """A page of ``sources``' history for a template (``includes/history_page.html``), from
    the ``before`` or ``after`` position in the link; a position that is not one reads as
    the newest page."""
    page = history.history_page(
        sources,
        before=history.Position.parse(request.GET.get("before")),
        after=history.Position.parse(request.GET.get("after")),
        size=size,
    )
    return {"history_page": page, "entries": page.entries}


class ObjectEditView(ObjectMixin, TemplateView):
    """Create (no ``pk`` in the URL) or edit one record.

    Subclasses set ``form_class`` and may override :meth:`new_object` (to
    fill in the partnership or owner) and :meth:`save_object` (to call a
    service). The save runs in one transaction which is rolled back if the
    user may not hold the record as saved, so a posted foreign key cannot
    move it into another body or partnership.
    """

    template_name = "generic/object_edit.html"
    form_class = None

    @cached_property
    def object(self):
        if "pk" in self.kwargs:
            return self.get_object()
        return self.new_object()

    def new_object(self):
        obj = self.model()
        if self.model.partnership_path == "partnership":
            obj.partnership = self.partnership
        return obj

    def has_permission(self, obj):
        user = self.request.user
        if obj.pk:
            return permissions.can_change(user, obj)
        return permissions.can_create(user, self.model, self.partnership, self.owner_of(obj))

    def owner_of(self, obj):
        """The body that will own a new record, when a body owns it."""
        return None

    def get_form_kwargs(self):
        kwargs = {"instance": self.object}
        if self.request.method == "POST":
            kwargs.update(data=self.request.POST, files=self.request.FILES)
        return kwargs

    def get_form(self):
        return self.form_class(**self.get_form_kwargs())

    def get_success_url(self):
        return self.object.get_absolute_url()

    def get_cancel_url(self):
        if self.object.pk:
            return self.object.get_absolute_url()
        return self.partnership.get_absolute_url()

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.setdefault("form", self.get_form())
        context["object"] = self.object
        context["verbose_name"] = self.model._meta.verbose_name
        context["cancel_url"] = self.get_cancel_url()
        return context

    def get(self, request, *args, **kwargs):
        permissions.require(self.has_permission(self.object), self.refusal_message())
        return super().get(request, *args, **kwargs)

    def refusal_message(self):
        name = self.model._meta.verbose_name
        if self.object.pk:
            return f"You may not change this {name}: it belongs to a body you do not act for in this role."
        return f"You may not add a {name} here: none of your roles in this partnership allows it."

    def post(self, request, *args, **kwargs):
        permissions.require(self.has_permission(self.object), self.refusal_message())
        form = self.get_form()
        if not form.is_valid():
            return self.render_to_response(self.get_context_data(form=form))
        if self.object.pk and not form.has_changed():
            messages.info(request, "Nothing was changed.")
            return HttpResponseRedirect(self.get_success_url())
        created = self.object.pk is None
        token = form.cleaned_data.get("submission_token") or ""
        try:
            with transaction.atomic():
                self.check_not_stale(form)
                receipt = self.take_token(token) if created else None
                obj = form.save(commit=False)
                obj._change_reason = form.cleaned_data.get("change_reason") or ""
                self.save_object(form, obj)
                if not self.has_permission(obj) or not permissions.can_view(request.user, obj):
                    raise PermissionDenied(self.refusal_message())
                if receipt is not None:
                    receipt.object_id = str(obj.pk)
                    receipt.save(update_fields=["object_id"])
        except AlreadySent:
            return self.already_sent(token)
        except StaleEdit as stale:
            # Keep what the user typed; a second save knowingly overwrites.
            form.data = form.data.copy()
            form.data["loaded_version"] = stale.current_version
            form.add_error(None, str(stale))
            return self.render_to_response(self.get_context_data(form=form, stale=True))
        except ValidationError as error:
            form.add_error(None, error)
            return self.render_to_response(self.get_context_data(form=form))
        verb = "added" if created else "saved"
        messages.success(request, f"{self.model._meta.verbose_name.capitalize()} “{obj}” {verb}.")
        return HttpResponseRedirect(self.get_success_url())

    def take_token(self, token):
        """Record that the create form with ``token`` was sent; AlreadySent if it was before.

        The token is unique, so of two sends at once the second waits for the
        first's transaction and then finds it taken (or takes it, if the first
        failed and rolled back).
        """
        if not SUBMISSION_TOKEN.fullmatch(token):
            return None  # an old form without one: nothing to match a resend by
        try:
            with transaction.atomic():
                return FormSubmission.objects.create(
                    token=token,
                    user=self.request.user,
                    content_type=ContentType.objects.get_for_model(self.model),
                )
        except IntegrityError:
            raise AlreadySent from None

    def already_sent(self, token):
        """A resent create form: show what the first send created, not a copy."""
        name = self.model._meta.verbose_name
        receipt = FormSubmission.objects.filter(token=token, user=self.request.user).first()
        created = (
            self.get_base_queryset().filter(pk=receipt.object_id).first()
            if receipt and receipt.object_id
            else None
        )
        if created is None:
            messages.error(self.request, f"This form was already sent, so no second {name} was added.")
            return HttpResponseRedirect(self.get_cancel_url())
        messages.info(
            self.request,
            f"This form was already sent: the {name} “{created}” was added once, and is shown here.",
        )
        return HttpResponseRedirect(created.get_absolute_url())

    def check_not_stale(self, form):
        if not self.object.pk:
            return
        current = type(self.object)._default_manager.select_for_update().get(pk=self.object.pk)
        loaded = form.cleaned_data.get("loaded_version")
        if not loaded:
            raise StaleEdit(
                f"Your changes were not saved: the form did not say which version of this "
                f"{self.model._meta.verbose_name} it was opened on, so they could overwrite someone "
                "else's. The record as it is now is shown below with your changes: check it, then "
                "save again.",
                current.updated_at.isoformat(),
            )
        if current.updated_at.isoformat() != loaded:
            latest = current.history.select_related("history_user").first()
            who = (
                (latest.history_user.get_full_name() or latest.history_user.username)
                if latest and latest.history_user
                else "someone"
            )
            raise StaleEdit(
                f"{who} changed this {self.model._meta.verbose_name} at "
                f"{current.updated_at:%H:%M on %d %B %Y} after you opened it, so your changes were "
                "not saved. Your version is shown below: compare it with the record's history, "
                "then save again to overwrite.",
                current.updated_at.isoformat(),
            )

    def save_object(self, form, obj):
        obj.save()
        form.save_m2m()


class ObjectDeleteView(ObjectMixin, TemplateView):
    template_name = "generic/object_delete.html"

    @cached_property
    def object(self):
        return self.get_object()

    def get_success_url(self):
        return self.partnership.get_absolute_url()

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["object"] = self.object
        context["verbose_name"] = self.model._meta.verbose_name
        context.setdefault("form", ReasonForm())
        return context

    def get(self, request, *args, **kwargs):
        permissions.require(permissions.can_delete(request.user, self.object))
        return super().get(request, *args, **kwargs)

    def post(self, request, *args, **kwargs):
        permissions.require(permissions.can_delete(request.user, self.object))
        form = ReasonForm(request.POST)
        if not form.is_valid():
            return self.render_to_response(self.get_context_data(form=form), status=400)
        obj = self.object
        label = str(obj)
        with transaction.atomic():
            obj._change_reason = form.cleaned_data["change_reason"]
            obj.delete()
        messages.success(request, f"{self.model._meta.verbose_name.capitalize()} “{label}” deleted.")
        return HttpResponseRedirect(self.get_success_url())


class ConfirmReasonForm(ReasonForm):
    """The reason a confirmation page asks for: required, and kept in the history."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        reason = self.fields["change_reason"]
        reason.required = True
        reason.help_text = "Kept in the history that auditors read."
        reason.error_messages["required"] = "Enter the reason"


class ConfirmActionMixin:
    """A confirmation page for an action that cannot simply be undone: GET shows it, POST acts.

    Mix it into a ``TemplateView`` (after the mixins that load the record).
    The page (``generic/confirm.html``) asks ``question`` as its heading, says in
    ``warning`` what will happen, asks the reason (required), and offers a
    warning button labelled ``confirm_label`` and a "Cancel" link back.

    Subclasses say who may act (:meth:`check_permission`, raising
    PermissionDenied), may refuse before the form with :meth:`unavailable`
    (a message; the user is sent back to the record), and do the action in
    :meth:`perform`, which calls a service and returns the success message.
    A ``ValidationError`` from it is shown on the form: one carrying a
    ``{field: message}`` dict lands beside those fields.
    """

    template_name = "generic/confirm.html"
    form_class = ConfirmReasonForm
    question = ""
    caption = ""
    warning = ""
    confirm_label = "Yes, continue"
    #: The link back, in the action's words where "Cancel" would be ambiguous.
    cancel_label = "Cancel"
    #: The reason's label and the error when it is left out, in the action's words
    #: ("Reason for cancelling the meeting"); None keeps "Reason" and "Enter the reason".
    reason_label = None
    reason_required = None
    #: The red warning button; set False for an action that undoes something.
    destructive = True

    def check_permission(self):
        """Raise PermissionDenied if the user may not take this action."""

    def unavailable(self):
        """A message saying why the action cannot be taken now, or None."""
        return None

    def perform(self, form):
        raise NotImplementedError

    def get_question(self):
        return self.question

    def get_caption(self):
        return self.caption

    def get_warning(self):
        return self.warning

    def get_confirm_label(self):
        return self.confirm_label

    def get_cancel_url(self):
        raise NotImplementedError

    def get_success_url(self):
        return self.get_cancel_url()

    def get_form_kwargs(self):
        return {}

    def get_form(self, data=None):
        form = self.form_class(data=data, **self.get_form_kwargs())
        reason = form.fields.get("change_reason")
        if reason is not None and self.reason_label:
            reason.label = self.reason_label
        if reason is not None and self.reason_required:
            reason.error_messages["required"] = self.reason_required
        return form

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.setdefault("form", self.get_form())
        context.update(
            question=self.get_question(),
            caption=self.get_caption(),
            warning=self.get_warning(),
            confirm_label=self.get_confirm_label(),
            destructive=self.destructive,
            cancel_url=self.get_cancel_url(),
            cancel_label=self.cancel_label,
        )
        return context

    def refuse_unavailable(self):
        message = self.unavailable()
        if message:
            messages.error(self.request, message)
            return HttpResponseRedirect(self.get_cancel_url())
        return None

    def get(self, request, *args, **kwargs):
        self.check_permission()
        return self.refuse_unavailable() or super().get(request, *args, **kwargs)

    def post(self, request, *args, **kwargs):
        self.check_permission()
        refused = self.refuse_unavailable()
        if refused:
            return refused
        form = self.get_form(data=request.POST)
        if form.is_valid():
            try:
                message = self.perform(form)
            except ValidationError as error:
                form.add_error(None, error)
            else:
                if message:
                    messages.success(request, message)
                return HttpResponseRedirect(self.get_success_url())
        return self.render_to_response(self.get_context_data(form=form))
