from django.db.models import Min, Prefetch
from django.urls import reverse
from django.utils import timezone
from django.views.generic import TemplateView

from agreements.access import signing_authority
from partnership import generic, permissions
from partnership.models import Organisation
from staffing import services
from staffing.filtersets import PostFilterSet
from staffing.forms import PostForm, YearForm
from staffing.models import Post, PostShare
from staffing.tables import PostTable


def _shares_prefetch():
    return Prefetch("shares", queryset=PostShare.objects.select_related("organisation"))


#: How many past financial years the year picker offers when no post is older.
YEARS_BACK = 6


def _chosen_year(request, partnership, default=None):
    """The financial year asked for in ``?year=``, else the current one; and the form to change it.

    The picker offers every year from the oldest post's establishment (or
    ``YEARS_BACK`` years ago) to next year.
    """
    current = services.default_year()
    first = Post.objects.filter(partnership=partnership).aggregate(first=Min("start_date"))["first"]
    first_year = current - YEARS_BACK
    if first is not None:
        first_year = min(services.default_year(first), first_year)
    years = list(range(current + 1, first_year - 1, -1))
    default = current if default is None else min(default, current)
    form = YearForm(request.GET or None, years=years, initial={"year": default})
    year = form.cleaned_data["year"] if form.is_bound and form.is_valid() else default
    return year, form


class PostMixin:
    model = Post
    queryset = Post.objects.select_related("employer", "agreement", "holder", "partnership")

    def get_base_queryset(self):
        return super().get_base_queryset().prefetch_related(_shares_prefetch())


class PostListView(PostMixin, generic.ObjectListView):
    table_class = PostTable
    filterset_class = PostFilterSet
    title = "Shared posts"

    def get_create_url(self):
        if permissions.can_create(self.request.user, Post, self.partnership):
            return reverse("staffing:create", kwargs={"partnership": self.partnership.slug})
        return None

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["create_label"] = "Add a post"
        return context


class PostDetailView(PostMixin, generic.ObjectDetailView):
    template_name = "staffing/post_detail.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        post = self.object
        # For a post that has ended, show its last year and its last day.
        on_date = timezone.localdate()
        if post.end_date and post.end_date < on_date:
            on_date = post.end_date
        year, year_form = _chosen_year(self.request, self.partnership, default=services.default_year(on_date))
        shares = list(post.shares.all())
        lines = services.post_recharges(post, year)
        context.update(
            shares=shares,
            lines=lines,
            year=year,
            year_form=year_form,
            days_charged=services.days_charged(post, year),
            recharged_total=sum((line.amount for line in lines if line.is_recharge), services.ZERO),
            year_total=sum((line.amount for line in lines), services.ZERO),
            history_url=reverse(
                "staffing:history", kwargs={"partnership": self.partnership.slug, "pk": post.pk}
            ),
            holdings=list(post.holdings.select_related("holder")),
            signing=self.signing(post, on_date),
            signing_date=on_date,
            today=timezone.localdate(),
        )
        return context

    def signing(self, post, on_date):
        """For the holder on ``on_date``, if they have an account: whom they may sign for that
        day, body by body."""
        holding = (
            post.holdings.covering(on_date).filter(holder__isnull=False).select_related("holder").first()
        )
        if holding is None:
            return []
        bodies = Organisation.objects.filter(partner_places__partnership=self.partnership).order_by("name")
        return [
            (body, signing_authority(holding.holder, body, on_date, partnership=self.partnership))
            for body in bodies
        ]


class PostHistoryView(PostMixin, generic.ObjectHistoryView):
    pass


class PostEditView(PostMixin, generic.ObjectEditView):
    form_class = PostForm
    template_name = "staffing/post_edit.html"

    def owner_of(self, obj):
        return obj.employer if obj.employer_id else None

    def get_form_kwargs(self):
        kwargs = super().get_form_kwargs()
        kwargs.update(partnership=self.partnership, user=self.request.user)
        return kwargs

    def get_cancel_url(self):
        if self.object.pk:
            return self.object.get_absolute_url()
        return reverse("staffing:list", kwargs={"partnership": self.partnership.slug})

    def save_object(self, form, obj):
        services.save_post(
            post=obj,
            shares=form.shares,
            user=self.request.user,
            reason=form.cleaned_data.get("change_reason", ""),
            holder_since=form.cleaned_data.get("holder_since"),
        )


class PostDeleteView(PostMixin, generic.ObjectDeleteView):
    def get_success_url(self):
        return reverse("staffing:list", kwargs={"partnership": self.partnership.slug})


class RechargeView(generic.PartnershipMixin, TemplateView):
    """The partnership's recharge statement for one financial year, with the net positions."""

    template_name = "staffing/recharges.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        year, year_form = _chosen_year(self.request, self.partnership)
        statement = services.recharge_statement(partnership=self.partnership, year=year)
        context.update(
            partnership=self.partnership,  # not the URL's slug, which TemplateView passes in
            statement=statement,
            year=year,
            year_form=year_form,
            net_positions=statement.net_positions(),
            body_totals=statement.body_totals(),
            posts_url=reverse("staffing:list", kwargs={"partnership": self.partnership.slug}),
        )
        return context
