from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import Prefetch, Q
from django.http import Http404, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils import timezone
from django.utils.functional import cached_property
from django.views.generic import DetailView, FormView, ListView, TemplateView

from partnership import generic, permissions, reorganisation, services
from partnership.apps import HOME_ATTENTION_ITEMS, attention_groups, partnership_sections
from partnership.forms import (
    MembershipForm,
    OrganisationForm,
    PartnershipForm,
    ReasonForm,
    ReorganisationForm,
    TransferForm,
)
from partnership.models import Membership, Organisation, Partner, Partnership, Reminder, Reorganisation


class HomeView(LoginRequiredMixin, TemplateView):
    template_name = "partnership/home.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        user = self.request.user
        context["memberships"] = permissions.user_memberships(user)
        today = timezone.localdate()
        current = Partner.objects.filter(Q(left__isnull=True) | Q(left__gte=today)).filter(
            Q(joined__isnull=True) | Q(joined__lte=today)
        )
        context["partnerships"] = (
            permissions.visible_partnerships(user)
            .prefetch_related(Prefetch("partners", queryset=current.select_related("organisation")))
            .order_by("name")
        )
        groups = attention_groups(user, limit=HOME_ATTENTION_ITEMS)
        for group in groups:
            group["shown"] = group["items"][:HOME_ATTENTION_ITEMS]
        context["attention"] = groups
        return context


class AttentionView(LoginRequiredMixin, TemplateView):
    """Everything in one group of what needs the user's attention, a page at a time."""

    template_name = "partnership/attention.html"
    paginate_by = 50

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        group = next(iter(attention_groups(self.request.user, only=kwargs["group"])), None)
        if group is None:
            raise Http404("Nothing in this list needs your attention.")
        page = Paginator(group["items"], self.paginate_by).get_page(self.request.GET.get("page"))
        context.update(group=group, page_obj=page, items=page.object_list)
        return context


class PartnershipDetailView(generic.ObjectDetailView):
    model = Partnership
    template_name = "partnership/partnership_detail.html"

    def get_object(self, queryset=None):
        return self.partnership

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["partners"] = self.partnership.partners.select_related("organisation__successor")
        context["acting_for"] = permissions.bodies_acting_for(self.request.user, self.partnership)
        context["sections"] = partnership_sections(self.partnership, self.request.user)
        context["partnership_history_url"] = reverse(
            "partnership_history", kwargs={"partnership": self.partnership.slug}
        )
        return context


class PartnershipHistoryView(generic.ObjectHistoryView):
    model = Partnership
    template_name = "partnership/partnership_history.html"

    def get_object(self, queryset=None):
        return self.partnership


class PartnershipEditView(generic.ObjectEditView):
    model = Partnership
    form_class = PartnershipForm

    @cached_property
    def object(self):
        return self.partnership


class OrganisationMixin(LoginRequiredMixin):
    """A body's pages: visible to its own people and its partners' people, else 404."""

    @cached_property
    def organisation(self):
        queryset = permissions.restrict_organisations(Organisation.objects.all(), self.request.user)
        return get_object_or_404(queryset.select_related("successor"), pk=self.kwargs["pk"])

    def get_object(self, queryset=None):
        return self.organisation


class OrganisationDetailView(OrganisationMixin, DetailView):
    template_name = "partnership/organisation_detail.html"
    context_object_name = "organisation"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        user = self.request.user
        org = self.organisation
        context["partnerships"] = permissions.visible_partnerships(user).filter(partners__organisation=org)
        context["can_change"] = permissions.can_change(user, org)
        context["can_manage_members"] = permissions.has_object_permission(user, org, "manage_members")
        context["memberships"] = (
            Membership.objects.filter(organisation=org).select_related("user", "partnership")
            if context["can_manage_members"] or permissions.has_role(user, org, *permissions.Role.values)
            else Membership.objects.none()
        )
        context["predecessors"] = predecessors = list(org.predecessors.all())
        # A body before or after this one may be in no partnership the person sees: named, not linked.
        related = [body.pk for body in predecessors] + ([org.successor_id] if org.successor_id else [])
        context["bodies_seen"] = (
            set(
                permissions.restrict_organisations(
                    Organisation.objects.filter(pk__in=related), user
                ).values_list("pk", flat=True)
            )
            if related
            else set()
        )
        return context


class OrganisationHistoryView(OrganisationMixin, DetailView):
    template_name = "partnership/organisation_history.html"
    context_object_name = "organisation"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(
            generic.history_context(
                self.request,
                [
                    self.organisation.history.all(),
                    Membership.history.filter(organisation_id=self.organisation.pk),
                ],
            )
        )
        context["active_tab"] = "history"
        return context


class OrganisationEditView(OrganisationMixin, FormView):
    template_name = "generic/object_edit.html"
    form_class = OrganisationForm

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated:
            permissions.require(
                permissions.can_change(request.user, self.organisation),
                f"Only administrators of {self.organisation} may change its details.",
            )
        return super().dispatch(request, *args, **kwargs)

    def get_form_kwargs(self):
        kwargs = super().get_form_kwargs()
        kwargs["instance"] = self.organisation
        kwargs["user"] = self.request.user
        return kwargs

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(
            object=self.organisation,
            verbose_name="body",
            cancel_url=self.organisation.get_absolute_url(),
        )
        return context

    def form_valid(self, form):
        if not form.has_changed():
            messages.info(self.request, "Nothing was changed.")
        else:
            organisation = form.save(commit=False)
            organisation._change_reason = form.cleaned_data["change_reason"]
            organisation._acting_organisation = self.organisation
            organisation.save()
            messages.success(self.request, f"{organisation} saved.")
        return HttpResponseRedirect(self.organisation.get_absolute_url())


class MembershipAddView(OrganisationMixin, FormView):
    template_name = "partnership/membership_form.html"
    form_class = MembershipForm

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated:
            permissions.require(
                permissions.has_object_permission(request.user, self.organisation, "manage_members"),
                f"Only administrators of {self.organisation} may change who acts for it.",
            )
        return super().dispatch(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        kwargs["organisation"] = self.organisation
        return super().get_context_data(**kwargs)

    def form_valid(self, form):
        try:
            membership = services.add_membership(
                organisation=self.organisation,
                user=form.cleaned_data["user"],
                role=form.cleaned_data["role"],
                job_title=form.cleaned_data["job_title"],
                acting_user=self.request.user,
            )
        except ValidationError as error:
            form.add_error("user", error)
            return self.form_invalid(form)
        messages.success(self.request, f"Added {membership}.")
        return HttpResponseRedirect(self.organisation.get_absolute_url())


class MembershipRemoveView(OrganisationMixin, TemplateView):
    template_name = "partnership/membership_remove.html"

    @cached_property
    def membership(self):
        try:
            return Membership.objects.select_related("user").get(
                pk=self.kwargs["membership"], organisation=self.organisation
            )
        except Membership.DoesNotExist as exc:
            raise Http404 from exc

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated:
            permissions.require(
                permissions.has_object_permission(request.user, self.organisation, "manage_members"),
                f"Only administrators of {self.organisation} may change who acts for it.",
            )
        return super().dispatch(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        kwargs.update(organisation=self.organisation, membership=self.membership)
        kwargs.setdefault("form", ReasonForm())
        return super().get_context_data(**kwargs)

    def post(self, request, *args, **kwargs):
        form = ReasonForm(request.POST)
        if not form.is_valid():
            return self.render_to_response(self.get_context_data(form=form), status=400)
        label = str(self.membership)
        services.remove_membership(
            membership=self.membership,
            acting_user=request.user,
            reason=form.cleaned_data["change_reason"],
        )
        messages.success(request, f"Removed {label}.")
        return HttpResponseRedirect(reverse("organisation_detail", kwargs={"pk": self.organisation.pk}))


class ReminderListView(LoginRequiredMixin, ListView):
    template_name = "partnership/reminder_list.html"
    paginate_by = 25

    def get_queryset(self):
        return Reminder.objects.filter(recipient=self.request.user).select_related("partnership")


# --- Reorganisations: bodies abolished and their records transferred ---------------


def _administered(user):
    return {
        m.organisation_id
        for m in permissions.user_memberships(user)
        if m.role == permissions.Role.ADMINISTRATOR
    }


class ReorganisationListView(LoginRequiredMixin, ListView):
    """The reorganisations concerning a person's bodies: every one for a site administrator."""

    template_name = "partnership/reorganisation/list.html"
    paginate_by = 25

    def get_queryset(self):
        queryset = Reorganisation.objects.prefetch_related("bodies__organisation")
        user = self.request.user
        if not user.is_superuser:
            own = {m.organisation_id for m in permissions.user_memberships(user)}
            queryset = queryset.filter(bodies__organisation_id__in=own).distinct()
        return queryset

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        user = self.request.user
        context["may_record"] = user.is_superuser or bool(_administered(user))
        return context


class ReorganisationCreateView(LoginRequiredMixin, FormView):
    template_name = "partnership/reorganisation/form.html"
    form_class = ReorganisationForm

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated:
            permissions.require(
                request.user.is_superuser or bool(_administered(request.user)),
                "Only a site administrator or a body's administrator may record a reorganisation.",
            )
        return super().dispatch(request, *args, **kwargs)

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "user": self.request.user}

    def form_valid(self, form):
        data = form.cleaned_data
        try:
            recorded = reorganisation.record_reorganisation(
                name=data["name"],
                takes_effect=data["takes_effect"],
                abolished=list(data["abolished"]),
                successors=list(data["successors"]),
                legal_basis=data["legal_basis"],
                user=self.request.user,
                reason=data["change_reason"],
            )
        except ValidationError as error:
            form.add_error(None, error)
            return self.form_invalid(form)
        messages.success(
            self.request, f"Reorganisation “{recorded}” recorded: review the transfer of records."
        )
        return HttpResponseRedirect(recorded.get_absolute_url())


class ReorganisationDetailView(LoginRequiredMixin, TemplateView):
    """The reviewed transfer: every live record naming an abolished body, each with the
    successor it moves to (or ending it); once done, what was transferred. The people of
    the bodies concerned (auditors included) read it; only those who may run it see the form."""

    template_name = "partnership/reorganisation/detail.html"

    @cached_property
    def reorganisation(self):
        found = get_object_or_404(
            Reorganisation.objects.prefetch_related("bodies__organisation"), pk=self.kwargs["pk"]
        )
        user = self.request.user
        concerned = {b.organisation_id for b in found.bodies.all()}
        own = {m.organisation_id for m in permissions.user_memberships(user)}
        if not (user.is_superuser or concerned & own):
            raise Http404("No reorganisation found.")
        return found

    def may_run(self):
        return reorganisation.may_reorganise(self.request.user, self.reorganisation.abolished())

    def get_form(self, data=None):
        touched = reorganisation.touched_records(self.reorganisation)
        return TransferForm(
            data,
            touched=touched,
            successors=self.reorganisation.successors(),
            initial_choices=reorganisation.default_choices(self.reorganisation, touched),
        )

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        found = self.reorganisation
        context["reorganisation"] = found
        context["abolished"] = found.abolished()
        context["successors"] = found.successors()
        context["transferred"] = found.transferred.select_related(
            "from_organisation", "to_organisation", "partnership"
        )
        if not found.is_completed and self.may_run():
            context.setdefault("form", self.get_form())
            context["may_complete"] = timezone.localdate() >= found.takes_effect
        return context

    def post(self, request, *args, **kwargs):
        permissions.require(
            self.may_run(),
            "Only a site administrator or an administrator of every body abolished may run it.",
        )
        form = self.get_form(request.POST)
        if self.reorganisation.is_completed:
            messages.error(request, "This transfer was already completed: nothing more was changed.")
            return HttpResponseRedirect(self.reorganisation.get_absolute_url())
        if not form.is_valid():
            return self.render_to_response(self.get_context_data(form=form), status=400)
        try:
            reorganisation.complete_transfer(
                reorganisation=self.reorganisation,
                choices=form.choices(),
                user=request.user,
                reason=form.cleaned_data["change_reason"],
            )
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
            return HttpResponseRedirect(self.reorganisation.get_absolute_url())
        messages.success(request, f"Transfer for “{self.reorganisation}” completed.")
        return HttpResponseRedirect(self.reorganisation.get_absolute_url())
