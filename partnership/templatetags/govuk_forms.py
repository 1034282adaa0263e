"""Template filters for the GOV.UK form templates (templates/forms/, the error summary)."""

from django import template

from partnership.forms import form_errors_id as errors_id

register = template.Library()


@register.filter
def form_errors_id(form):
    """The id of the place where ``form``'s own errors show, which the error summary links to."""
    return errors_id(form)


@register.filter
def hidden_errors(hidden_fields):
    """Whether any hidden field has an error (shown with the form's own errors)."""
    return any(field.errors for field in hidden_fields)
