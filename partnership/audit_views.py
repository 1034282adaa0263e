"""The auditor's pages: the partnership-wide audit log, one entry, and a record
"as it stood on" a date (with its PDF).

Who sees what:

* The audit log and its entries are for people who may see everything in the
  partnership (``permissions.can_see_everything``: its auditors, body- or
  partnership-scoped, and site administrators). The log names every kind of
  record, including exempt (Part 2) committee items and drafts, so other
  members read each record's own History tab instead, which follows that
  record's visibility. Others inside the partnership get 403.
* "As it stood on" is open to anyone who may see the record today and read
  it (exempt business only to those entitled, ``permissions.can_read``), with
  only the children they may read; a deleted record, or one outside any
  partnership (a body, a membership), only to those who may see everything.
"""

import csv
import datetime

import django_filters
from django import forms
from django.apps import apps
from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.http import Http404, HttpResponse, StreamingHttpResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.functional import cached_property
from django.views.generic import TemplateView, View

from partnership import as_of_pdf, audit, generic, permissions
from partnership.exports import safe_row
from partnership.forms import Form, errors_as_text
from partnership.models import AuditAction, AuditEntry, Membership, Organisation
from partnership.pdf import render_pdf_cached

PAGE_SIZE = 50


def can_read_audit_log(user, partnership):
    return permissions.can_see_everything(user, partnership)


def kind_choices():
    models = sorted(audit.tracked_models(), key=lambda m: str(m._meta.verbose_name).lower())
    return [(m._meta.label_lower, str(m._meta.verbose_name).capitalize()) for m in models]


class AuditEntryFilter(django_filters.FilterSet):
    organisation = django_filters.ModelChoiceFilter(
        label="Body", queryset=Organisation.objects.none(), empty_label="Any body"
    )
    user = django_filters.ModelChoiceFilter(
        label="Person", queryset=get_user_model().objects.none(), empty_label="Anyone"
    )
    kind = django_filters.ChoiceFilter(
        label="Kind of record", choices=kind_choices, method="filter_kind", empty_label="Any kind"
    )
    action = django_filters.ChoiceFilter(choices=AuditAction.choices, empty_label="Any action")
    date_from = django_filters.DateFilter(label="From", method="filter_from")
    date_to = django_filters.DateFilter(label="To", method="filter_to")

    class Meta:
        model = AuditEntry
        fields = ["organisation", "user", "kind", "action", "date_from", "date_to"]
        form = Form

    def __init__(self, *args, partnership, **kwargs):
        super().__init__(*args, **kwargs)
        partner_ids = permissions.partner_organisation_ids(partnership)
        self.filters["organisation"].queryset = Organisation.objects.filter(pk__in=partner_ids)
        people = Membership.objects.filter(
            Q(organisation_id__in=partner_ids, partnership__isnull=True) | Q(partnership=partnership)
        ).values("user_id")
        self.filters["user"].queryset = (
            get_user_model()
            .objects.filter(Q(pk__in=people) | Q(is_superuser=True))
            .order_by("last_name", "first_name", "username")
        )
        self.filters["user"].field.label_from_instance = lambda u: (
            f"{u.get_full_name()} ({u.username})" if u.get_full_name() else u.username
        )

    def filter_kind(self, queryset, name, value):
        app_label, model_name = value.split(".")
        content_type = ContentType.objects.get_for_model(apps.get_model(app_label, model_name))
        return queryset.filter(content_type=content_type)

    def filter_from(self, queryset, name, value):
        return queryset.filter(timestamp__gte=audit.end_of_day(value - datetime.timedelta(days=1)))

    def filter_to(self, queryset, name, value):
        return queryset.filter(timestamp__lt=audit.end_of_day(value))


class AuditLogMixin(generic.PartnershipMixin):
    def dispatch(self, request, *args, **kwargs):
        if not request.user.is_authenticated:
            return self.handle_no_permission()
        self.partnership = permissions.get_partnership_or_404(request.user, kwargs["partnership"])
        permissions.require(
            can_read_audit_log(request.user, self.partnership),
            "Only the partnership's auditors may read its audit log. "
            "Each record's History tab shows its changes.",
        )
        return super(generic.PartnershipMixin, self).dispatch(request, *args, **kwargs)


def _cursor(value):
    try:
        return int(value) if value else None
    except ValueError:
        return None


class AuditCheckpointView(AuditLogMixin, View):
    """The chain head as it stands now, signed: a file for the auditor to keep outside
    Concordat and hand to ``verify_audit_chain --checkpoint`` later."""

    def get(self, request, *args, **kwargs):
        checkpoint = audit.make_checkpoint()
        response = HttpResponse(checkpoint.to_text(), content_type="application/json")
        name = f"concordat-audit-checkpoint-{timezone.localtime(checkpoint.made_at):%Y-%m-%d-%H%M}.json"
        response["Content-Disposition"] = f'attachment; filename="{name}"'
        return response


class AuditLogView(AuditLogMixin, TemplateView):
    """Every change in the partnership, newest first, paged by id (no counting)."""

    template_name = "audit/log.html"

    @cached_property
    def filterset(self):
        queryset = (
            AuditEntry.objects.for_partnership(self.partnership)
            .select_related("user", "organisation", "content_type")
            .defer("snapshot")
            .order_by("-id")
        )
        return AuditEntryFilter(self.request.GET or None, queryset=queryset, partnership=self.partnership)

    def get(self, request, *args, **kwargs):
        if request.GET.get("export") == "csv":
            return self.export_csv()
        return super().get(request, *args, **kwargs)

    def page(self):
        queryset = self.filterset.qs
        before = _cursor(self.request.GET.get("before"))
        after = _cursor(self.request.GET.get("after"))
        if after is not None:
            rows = list(queryset.filter(pk__gt=after).order_by("pk")[: PAGE_SIZE + 1])
            has_newer = len(rows) > PAGE_SIZE
            rows = rows[:PAGE_SIZE][::-1]
            has_older = True
        else:
            if before is not None:
                queryset = queryset.filter(pk__lt=before)
            rows = list(queryset[: PAGE_SIZE + 1])
            has_older = len(rows) > PAGE_SIZE
            rows = rows[:PAGE_SIZE]
            has_newer = before is not None
        return rows, has_newer and bool(rows), has_older and bool(rows)

    def _link(self, **cursor):
        query = self.request.GET.copy()
        for key in ("before", "after", "export"):
            query.pop(key, None)
        query.update(cursor)
        return f"?{query.urlencode()}"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        rows, has_newer, has_older = self.page()
        for entry in rows:
            entry.kind = str(entry.content_type.model_class()._meta.verbose_name).capitalize()
            entry.as_of_url = as_of_url(self.partnership, entry)
        context.update(
            partnership=self.partnership,
            filter=self.filterset,
            entries=rows,
            newer_url=self._link(after=rows[0].pk) if has_newer else None,
            older_url=self._link(before=rows[-1].pk) if has_older else None,
            newest_url=self._link() if has_newer else None,
            export_url=self._link(export="csv"),
            filtered=any(v for k, v in self.request.GET.items() if k not in ("before", "after")),
        )
        return context

    def export_csv(self):
        queryset = self.filterset.qs

        def rows():
            class Echo:
                def write(self, value):
                    return value

            writer = csv.writer(Echo())
            yield writer.writerow(
                [
                    "Entry",
                    "When (UK time)",
                    "Action",
                    "Kind of record",
                    "Record id",
                    "Record",
                    "Person",
                    "Acting for",
                    "Reason",
                    "Hash",
                ]
            )
            for entry in queryset.iterator(chunk_size=2000):
                model = entry.content_type.model_class()
                yield writer.writerow(
                    safe_row(
                        [
                            entry.pk,
                            timezone.localtime(entry.timestamp).strftime("%Y-%m-%d %H:%M:%S"),
                            entry.get_action_display(),
                            str(model._meta.verbose_name).capitalize() if model else entry.history_table,
                            entry.object_id,
                            entry.object_label,
                            entry.user.username if entry.user else "",
                            entry.organisation.name if entry.organisation else "",
                            entry.reason,
                            entry.hash,
                        ]
                    )
                )

        response = StreamingHttpResponse(rows(), content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = f'attachment; filename="{self.partnership.slug}-audit-log.csv"'
        return response


def as_of_url(partnership, entry, day=None):
    """Link to ``entry``'s record as it stood at the end of the entry's day."""
    day = day or timezone.localtime(entry.timestamp).date()
    app_label, model_name = entry.content_type.app_label, entry.content_type.model
    url = reverse(
        "audit:as_of",
        kwargs={
            "partnership": partnership.slug,
            "app_label": app_label,
            "model": model_name,
            "pk": entry.object_id,
        },
    )
    return f"{url}?date={day.isoformat()}"


class AuditEntryView(AuditLogMixin, TemplateView):
    """One entry: who, when, the history row as hashed, and the change it made."""

    template_name = "audit/entry.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        try:
            entry = (
                AuditEntry.objects.for_partnership(self.partnership)
                .select_related("user", "organisation", "content_type")
                .get(pk=self.kwargs["pk"])
            )
        except AuditEntry.DoesNotExist as exc:
            raise Http404("No such audit entry in this partnership.") from exc
        model = entry.content_type.model_class()
        changes = []
        if model is not None:
            from partnership import history

            history_model = audit.history_model_for(model)
            rows = history_model.objects.filter(**{model._meta.pk.attname: entry.object_id})
            found = history.entry_for(rows, entry.history_id)
            changes = found.changes if found is not None else []
        context.update(
            partnership=self.partnership,
            entry=entry,
            kind=str(model._meta.verbose_name).capitalize() if model else entry.history_table,
            changes=changes,
            created=entry.action == AuditAction.CREATED,
            snapshot=sorted(entry.snapshot.items()),
            as_of_url=as_of_url(self.partnership, entry),
            log_url=reverse("audit:log", kwargs={"partnership": self.partnership.slug}),
        )
        return context


class AsOfForm(Form):
    date = forms.DateField(
        label="Show it as it stood at the end of",
        # The input itself says how to write the date (the GOV.UK date input's own example).
        help_text="The record is shown as it was at midnight UK time.",
    )


class AsOfView(generic.PartnershipMixin, TemplateView):
    """A record and its children as they stood at the end of a chosen day."""

    template_name = "audit/as_of.html"

    def dispatch(self, request, *args, **kwargs):
        if not request.user.is_authenticated:
            return self.handle_no_permission()
        self.partnership = permissions.get_partnership_or_404(request.user, kwargs["partnership"])
        try:
            model = apps.get_model(kwargs["app_label"], kwargs["model"])
        except LookupError as exc:
            raise Http404("No such kind of record.") from exc
        if model not in audit.tracked_models():
            raise Http404("That kind of record has no history.")
        try:
            self.record_pk = model._meta.pk.to_python(kwargs["pk"])
        except ValidationError as exc:
            raise Http404("No such record.") from exc
        self.model = model
        self.check_access(request.user)
        return super(generic.PartnershipMixin, self).dispatch(request, *args, **kwargs)

    def check_access(self, user):
        model, pk = self.model, self.record_pk
        live = model._base_manager.filter(pk=pk).first()
        entry = audit.latest_entry_for(model, pk)
        if entry is not None:
            partnership_id, subject_id = entry.partnership_id, entry.subject_organisation_id
        elif live is not None:
            partnership_id = audit.partnership_id_of(live)
            subject_id = audit.subject_organisation_id_of(live)
        else:
            raise Http404("No such record.")
        belongs = partnership_id == self.partnership.pk or (
            partnership_id is None and subject_id in permissions.partner_organisation_ids(self.partnership)
        )
        if not belongs:
            raise Http404("No such record in this partnership.")
        if permissions.can_see_everything(user, self.partnership):
            return
        allowed = False
        if live is not None and model.partnership_path is not None:
            manager = model._default_manager
            queryset = manager.visible_to(user) if hasattr(manager, "visible_to") else manager.all()
            allowed = permissions.restrict(queryset, user).filter(pk=pk).exists()
        permissions.require(
            allowed,
            "Only the partnership's auditors may see deleted records and records of bodies "
            "as they stood on a date.",
        )
        permissions.require(
            permissions.can_read(user, live) and not self.unreadable_rows(user).exists(),
            "This record is exempt (Part 2) business: only those entitled to it may see it.",
        )

    def unreadable_rows(self, user):
        """Rows of the record's history ``user`` may not read (it was exempt then)."""
        history_model = audit.history_model_for(self.model)
        rows = history_model.objects.filter(**{self.model._meta.pk.attname: self.record_pk})
        return rows.exclude(history_id__in=permissions.readable(rows, user).values("history_id"))

    @cached_property
    def form(self):
        # One ISO date (a link), or the Day, Month and Year boxes of the date input.
        given = any(key == "date" or key.startswith("date-") for key in self.request.GET)
        data = self.request.GET if given else None
        return AsOfForm(data, initial={"date": timezone.localdate()})

    @cached_property
    def day(self):
        if self.form.is_bound:
            return self.form.cleaned_data["date"] if self.form.is_valid() else None
        return timezone.localdate()

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        reconstruction = (
            audit.reconstruct(
                self.model, self.record_pk, self.day, self.request.user, **self.children_pages()
            )
            if self.day
            else None
        )
        kwargs = {
            "partnership": self.partnership.slug,
            "app_label": self.model._meta.app_label,
            "model": self.model._meta.model_name,
            "pk": self.record_pk,
        }
        context.update(
            partnership=self.partnership,
            form=self.form,
            day=self.day,
            reconstruction=reconstruction,
            kind=str(self.model._meta.verbose_name).capitalize(),
            record_pk=self.record_pk,
            pdf_url=(
                f"{reverse('audit:as_of_pdf', kwargs=kwargs)}?date={self.day.isoformat()}"
                if self.day
                else None
            ),
            log_url=(
                reverse("audit:log", kwargs={"partnership": self.partnership.slug})
                if can_read_audit_log(self.request.user, self.partnership)
                else None
            ),
            generated=timezone.localtime(),
        )
        return context

    #: Children of each kind shown on a page; the PDF, a record for the file, has them all.
    children_per_page = 25

    def children_pages(self):
        return {"per_page": self.children_per_page, "pages": self.request.GET}


class AsOfPdfView(AsOfView):
    """The PDF, with every child: made here when the record has few children
    (``AS_OF_PDF_IN_REQUEST_UP_TO``), else in the background (:mod:`partnership.as_of_pdf`)
    while this address answers a page saying how far it has got (asked again by its "Check
    again" link, or in place by ``static/js/concordat.js``) until it answers the PDF."""

    template_name = "audit/as_of_pdf_status.html"
    refresh_seconds = 3

    def get(self, request, *args, **kwargs):
        if self.day is None:
            return generic.bad_request(request, errors_as_text(self.form) or "Choose a date.")
        user = request.user
        if self.children_count() <= settings.AS_OF_PDF_IN_REQUEST_UP_TO:
            context = as_of_pdf.document_context(self.partnership, self.model, self.record_pk, self.day, user)
            return self.pdf_response(
                render_pdf_cached("pdf/audit/as_of.html", context, request=request, cache_prefix="as-of")
            )
        key = as_of_pdf.document_key(user, self.model, self.record_pk, self.day)
        pdf = as_of_pdf.read(key)
        if pdf is None:
            status = as_of_pdf.get_status(key)
            if status["state"] != as_of_pdf.FAILED or "retry" in request.GET:
                status = as_of_pdf.request_build(
                    key, self.partnership, self.model, self.record_pk, self.day, user
                )
            pdf = as_of_pdf.read(key)
            if pdf is None:
                return self.render_to_response(self.status_context(status))
        return self.pdf_response(pdf)

    def pdf_response(self, pdf):
        response = HttpResponse(pdf, content_type="application/pdf")
        name = f"{self.model._meta.model_name}-{self.record_pk}-as-of-{self.day.isoformat()}.pdf"
        response["Content-Disposition"] = f'inline; filename="{name}"'
        return response

    @cached_property
    def first_pages(self):
        """The record with one child of each kind: their totals say how long the PDF would be."""
        return audit.reconstruct(self.model, self.record_pk, self.day, self.request.user, per_page=1)

    def children_count(self):
        return sum(children.total for children in self.first_pages.children)

    def status_context(self, status):
        kwargs = {
            "partnership": self.partnership.slug,
            "app_label": self.model._meta.app_label,
            "model": self.model._meta.model_name,
            "pk": self.record_pk,
        }
        query = f"?date={self.day.isoformat()}"
        failed = status["state"] == as_of_pdf.FAILED
        return {
            "partnership": self.partnership,
            "kind": str(self.model._meta.verbose_name).capitalize(),
            "label": self.first_pages.root.label if self.first_pages.root else None,
            "children": self.children_count(),
            "record_pk": self.record_pk,
            "day": self.day,
            "status": status,
            "failed": failed,
            "refresh": not failed,
            "refresh_seconds": self.refresh_seconds,
            "pdf_url": f"{reverse('audit:as_of_pdf', kwargs=kwargs)}{query}",
            "retry_url": f"{reverse('audit:as_of_pdf', kwargs=kwargs)}{query}&retry=1",
            "as_of_url": f"{reverse('audit:as_of', kwargs=kwargs)}{query}",
        }
