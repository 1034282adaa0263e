from django import forms
from django.contrib import admin
from django.core.exceptions import ValidationError

from partnership.admin import HistoryAdmin
from staffing import services
from staffing.models import Post, PostShare


class PostShareFormSet(forms.BaseInlineFormSet):
    """The admin keeps the rule too: a post's shares add up to exactly 100%."""

    def clean(self):
        super().clean()
        if any(form.errors for form in self.forms) or self.instance.partnership_id is None:
            return  # the post's own form says what is missing
        shares = {}
        for form in self.forms:
            data = getattr(form, "cleaned_data", None)
            if not data or data.get("DELETE") or not data.get("organisation"):
                continue
            shares[data["organisation"]] = data["share_percent"]
        try:
            services.validate_shares(shares, partnership=self.instance.partnership)
        except ValidationError as error:
            raise ValidationError(error.messages) from error


class PostShareInline(admin.TabularInline):
    model = PostShare
    formset = PostShareFormSet
    extra = 0
    autocomplete_fields = ["organisation"]


@admin.register(Post)
class PostAdmin(HistoryAdmin):
    list_display = ["title", "partnership", "employer", "fte", "annual_cost", "holder_name", "vacant"]
    list_filter = ["partnership", "employer", "vacant", "jointly_managed"]
    search_fields = ["title", "holder_name"]
    autocomplete_fields = ["partnership", "employer"]
    raw_id_fields = ["agreement"]
    list_select_related = ["partnership", "employer"]
    inlines = [PostShareInline]
    #: Changed on the post's edit page, which records who held the post and from when.
    readonly_fields = ["holder_name", "holder", "vacant", "vacant_from"]


@admin.register(PostShare)
class PostShareAdmin(HistoryAdmin):
    list_display = ["post", "organisation", "share_percent"]
    list_select_related = ["post", "organisation"]
    search_fields = ["post__title", "organisation__name"]

    def has_add_permission(self, request):
        # Shares are edited with their post, where the 100% rule is checked.
        return False

    def has_change_permission(self, request, obj=None):
        return False
