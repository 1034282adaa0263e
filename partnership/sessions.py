"""Sessions and sign-in: time-outs enforced by the server, the client's address, the lockout.

The server decides when a session ends: after ``SESSION_IDLE_TIMEOUT`` seconds without
activity, and ``SESSION_COOKIE_AGE`` seconds after sign-in whatever the person does. Cookies
carry no expiry date, so the browser's clock never takes part. Pages tell the browser how many
seconds are left (``templates/includes/session_timeout.html``); ``static/js/session-timeout.js``
counts them down and warns ``SESSION_TIMEOUT_WARNING`` seconds before the end (WCAG 2.2.1).
"""

import ipaddress
import math
from dataclasses import dataclass
from datetime import timedelta

from axes.handlers.database import AxesDatabaseHandler
from axes.handlers.proxy import AxesProxyHandler
from axes.helpers import get_client_username, get_cool_off, get_failure_limit, get_lockout_parameters
from axes.models import AccessAttempt
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.signals import user_logged_in
from django.contrib.auth.views import redirect_to_login
from django.db.models import Sum
from django.http import HttpResponseRedirect, JsonResponse
from django.shortcuts import render
from django.template.defaultfilters import pluralize
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_POST

SIGNED_IN_AT = "concordat_signed_in_at"
LAST_ACTIVITY = "concordat_last_activity"
# Views that serve a signed-out person as they are: signing in again, or signing out.
ANSWER_SIGNED_OUT = {"login", "logout"}


def in_words(seconds):
    """'40 seconds', '30 minutes', '12 hours': a duration as the person reads it, rounded up."""
    seconds = math.ceil(seconds)
    if seconds < 60:
        return f"{seconds} second{pluralize(seconds)}"
    minutes = math.ceil(seconds / 60)
    if minutes < 60 or minutes % 60:
        return f"{minutes} minute{pluralize(minutes)}"
    hours = minutes // 60
    return f"{hours} hour{pluralize(hours)}"


@dataclass(frozen=True)
class SessionTimeout:
    """What a page says about the session: the limits, and for a signed-in person the time left."""

    seconds_remaining: int | None = None

    @property
    def signed_in(self):
        return self.seconds_remaining is not None

    @property
    def warning_seconds(self):
        return settings.SESSION_TIMEOUT_WARNING

    @property
    def warning_in_words(self):
        return in_words(settings.SESSION_TIMEOUT_WARNING)

    @property
    def idle_timeout_in_words(self):
        return in_words(settings.SESSION_IDLE_TIMEOUT)


def _now():
    return timezone.now().timestamp()


def seconds_remaining(session):
    """Seconds until the server signs this session out, whichever limit comes first.

    Rounded up, so that 0 only ever means signed out.
    """
    now = _now()
    idle_ends = session.get(LAST_ACTIVITY, now) + settings.SESSION_IDLE_TIMEOUT
    age_ends = session.get(SIGNED_IN_AT, now) + settings.SESSION_COOKIE_AGE
    return max(0, math.ceil(min(idle_ends, age_ends) - now))


def record_activity(session):
    session[LAST_ACTIVITY] = _now()


def start_session_clock(sender, request, user, **kwargs):
    """At sign-in the idle time-out and the maximum age both start counting."""
    if request is not None and hasattr(request, "session"):
        request.session[SIGNED_IN_AT] = request.session[LAST_ACTIVITY] = _now()


user_logged_in.connect(start_session_clock, dispatch_uid="concordat-session-clock")


def activity_resolution():
    """How stale the recorded activity may be: a minute, or a thirtieth of a shorter time-out.

    Writing the session on every request would cost three queries a page.
    """
    return min(60, settings.SESSION_IDLE_TIMEOUT / 30)


def background_request(view):
    """Mark a view the page calls by itself (polling): it does not count as the person's activity."""
    view.counts_as_activity = False
    return view


class SessionTimeoutMiddleware:
    """Sign a person out after the idle time-out or the maximum session age, and record activity.

    Runs in ``process_view`` so that a view marked with ``background_request`` can be told apart.
    A request that asks for JSON (the warning's own calls) gets ``seconds_remaining: 0`` rather
    than a redirect to the login page, where the message saying why is shown.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        if not request.user.is_authenticated:
            request.session_timeout = SessionTimeout()
            return None
        session = request.session
        now = _now()
        if SIGNED_IN_AT not in session:
            start_session_clock(None, request, request.user)
        reason = self.reason_to_sign_out(session, now)
        if reason:
            logout(request)
            messages.info(request, reason)
            request.session_timeout = SessionTimeout()
            if _wants_json(request):
                return JsonResponse({"seconds_remaining": 0})
            if request.resolver_match.url_name in ANSWER_SIGNED_OUT:
                return None
            return redirect_to_login(request.get_full_path())
        is_activity = getattr(view_func, "counts_as_activity", True)
        if is_activity and now - session[LAST_ACTIVITY] >= activity_resolution():
            record_activity(session)
        request.session_timeout = SessionTimeout(seconds_remaining=seconds_remaining(session))
        return None

    @staticmethod
    def reason_to_sign_out(session, now):
        idle = settings.SESSION_IDLE_TIMEOUT
        if now - session.get(LAST_ACTIVITY, now) > idle:
            return f"You were signed out after {in_words(idle)} of inactivity. Sign in again to carry on."
        age = settings.SESSION_COOKIE_AGE
        if now - session[SIGNED_IN_AT] > age:
            return (
                f"You were signed out because you had been signed in for {in_words(age)}, "
                "the longest allowed. Sign in again to carry on."
            )
        return None


def _wants_json(request):
    return "application/json" in request.headers.get("Accept", "")


def _session_answer(request):
    remaining = seconds_remaining(request.session) if request.user.is_authenticated else 0
    return JsonResponse({"seconds_remaining": remaining})


@background_request
@never_cache
@require_GET
def session_status(request):
    """Seconds left in this session, for the time-out warning; asking does not extend it."""
    return _session_answer(request)


@never_cache
@require_POST
def extend_session(request):
    """'Stay signed in': the idle time-out starts again from now.

    Answers JSON to the warning's script; without JavaScript the form posts here and the person
    goes back to the page they were on.
    """
    if request.user.is_authenticated:
        record_activity(request.session)
    if _wants_json(request):
        return _session_answer(request)
    if not request.user.is_authenticated:
        return redirect_to_login(request.POST.get("next", ""))
    next_url = request.POST.get("next", "")
    if not url_has_allowed_host_and_scheme(next_url, {request.get_host()}, request.is_secure()):
        next_url = reverse("home")
    return HttpResponseRedirect(next_url)


def client_address(request):
    """The address of the person signing in, for the lockout (``AXES_CLIENT_IP_CALLABLE``).

    With ``TRUSTED_PROXY_COUNT`` proxies in front of Concordat, each appends the address it
    received the request from to X-Forwarded-For, so the client is the entry that many places
    from the right; anything further left was written by the client and is ignored. With no
    trusted proxy (the default), or a header that does not fit, the peer's address is used.
    """
    count = settings.TRUSTED_PROXY_COUNT
    if count:
        forwarded = [part.strip() for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")]
        if len(forwarded) >= count:
            try:
                return str(ipaddress.ip_address(forwarded[-count]))
            except ValueError:
                pass
    return request.META.get("REMOTE_ADDR")


class SignInLockout(AxesDatabaseHandler):
    """Axes' database handler, with its own, higher limit for an address (``AXES_HANDLER``).

    With ``AXES_LOCKOUT_PARAMETERS = ["username", "ip_address"]`` axes counts a username's
    failures from any address, and an address's failures across usernames, and compares the
    larger with one limit. An office's shared address would then lock after a handful of typing
    mistakes by anyone in it, so an address is measured against ``AXES_ADDRESS_FAILURE_LIMIT``:
    ``get_failures`` reports each count scaled to ``AXES_FAILURE_LIMIT``, and axes compares.
    """

    def limits(self, request, credentials):
        username_limit = get_failure_limit(request, credentials)
        return {"username": username_limit, "ip_address": settings.AXES_ADDRESS_FAILURE_LIMIT}

    def counted_attempts(self, request, credentials):
        """Pairs of (the limit, the attempts within the cool-off) for each lockout parameter."""
        limits = self.limits(request, credentials)
        parameters = get_lockout_parameters(request, credentials)
        attempts_per_parameter = self.get_user_attempts(request, credentials)
        return [
            (min(limits[part] for part in _as_list(parameter)), attempts)
            for parameter, attempts in zip(parameters, attempts_per_parameter, strict=True)
        ]

    def get_failures(self, request, credentials=None):
        username_limit = get_failure_limit(request, credentials)
        return max(
            (attempts.aggregate(total=Sum("failures_since_start"))["total"] or 0) * username_limit // limit
            for limit, attempts in self.counted_attempts(request, credentials)
        )

    def reset_user_attempts(self, request, credentials=None):
        """On success forget the username's failures only: a sign-in must not clear its address's count."""
        username = get_client_username(request, credentials)
        count, _ = AccessAttempt.objects.filter(username=username).delete()
        return count

    def locked_until(self, request, credentials=None):
        """When the lock on this sign-in lifts: the cool-off after the failure that reached a limit."""
        cool_off = get_cool_off(request) or timedelta(0)
        ends = []
        for limit, attempts in self.counted_attempts(request, credentials):
            failures = 0
            for attempt_time, count in attempts.order_by("-attempt_time").values_list(
                "attempt_time", "failures_since_start"
            ):
                failures += count
                if failures >= limit:
                    ends.append(attempt_time + cool_off)
                    break
        return max(ends, default=timezone.now() + cool_off)


def _as_list(parameter):
    return [parameter] if isinstance(parameter, str) else parameter


def locked_out(request, original_response=None, credentials=None):
    """The lockout page (``AXES_LOCKOUT_CALLABLE``), saying how long to wait."""
    wait = AxesProxyHandler.get_implementation().locked_until(request, credentials) - timezone.now()
    return render(
        request,
        "registration/locked_out.html",
        {"wait": in_words(max(wait.total_seconds(), 60))},
        status=settings.AXES_HTTP_RESPONSE_CODE,
    )
