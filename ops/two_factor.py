"""Two-factor sign-in for staff: a password and a TOTP code from an authenticator app.

django-otp checks the codes (and slows down guessing: each wrong code doubles the wait
before the device accepts another). This module decides when a code is needed:

- a staff member who has enrolled an authenticator always gives a code;
- with STAFF_REQUIRE_2FA (on in production) every staff member must have one: a staff
  member without one cannot sign in, and a session signed in without a code (from
  before the setting was on) no longer opens the admin.

Enrolment is `manage.py enrol_totp USERNAME`, run by whoever runs the server: it prints
the QR code to scan. There is deliberately no enrolment page for a signed-in member who
has no authenticator yet: whoever had only the password could then add their own.
"""

from django import forms
from django.conf import settings
from django.contrib import admin
from django.contrib.admin.forms import AdminAuthenticationForm
from django.contrib.auth.signals import user_login_failed
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _
from django_otp.forms import OTPAuthenticationFormMixin
from django_otp.plugins.otp_totp.models import TOTPDevice


def enrolled_device(user) -> TOTPDevice | None:
    """The user's authenticator, if they have enrolled one."""
    return TOTPDevice.objects.devices_for_user(user, confirmed=True).first()


class AlreadyEnrolled(Exception):
    """The user has an authenticator and replacing it was not asked for."""


def enrol(*, user, replace: bool = False) -> TOTPDevice:
    """Give a staff member a new authenticator secret; with replace, the old one stops."""
    with transaction.atomic():
        existing = TOTPDevice.objects.devices_for_user(user, confirmed=None)
        if existing.exists() and not replace:
            raise AlreadyEnrolled(user.get_username())
        existing.delete()
        # Confirmed at once: whoever runs the command hands the code to its owner, whose
        # first sign-in proves it works.
        return TOTPDevice.objects.create(user=user, name="authenticator", confirmed=True)


class TwoFactorAuthenticationForm(OTPAuthenticationFormMixin, AdminAuthenticationForm):
    """The admin's sign-in form with a field for the authenticator's code."""

    otp_token = forms.CharField(
        label=_("Authenticator code"),
        required=False,
        max_length=10,
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "numeric"}),
        help_text=_("The six digits your authenticator app shows for Lattice."),
    )

    otp_error_messages = {
        **OTPAuthenticationFormMixin.otp_error_messages,
        "token_required": _("Enter the code from your authenticator app."),
        "invalid_token": _("That code is wrong or has expired. Enter the current one."),
    }
    error_messages = {
        **AdminAuthenticationForm.error_messages,
        "not_enrolled": _(
            "Staff accounts sign in with an authenticator app, and this one has none yet. "
            "Ask the site's administrator to enrol it."
        ),
    }

    def clean(self) -> dict:
        # The password first: django-axes counts (and locks out) wrong ones there.
        cleaned_data = super().clean()
        user = self.get_user()
        if user is None:
            return cleaned_data
        if enrolled_device(user) is not None:
            try:
                self.clean_otp(user)
            except ValidationError:
                # A wrong code counts as a failed sign-in too, so that the lockout also
                # stops someone who has the password and guesses codes.
                user_login_failed.send(
                    sender=__name__,
                    credentials={"username": self.cleaned_data.get("username")},
                    request=self.request,
                )
                raise
        elif settings.STAFF_REQUIRE_2FA:
            raise ValidationError(self.error_messages["not_enrolled"], code="not_enrolled")
        return cleaned_data

    def _chosen_device(self, user) -> TOTPDevice | None:
        # One authenticator per account (enrol_totp replaces the old one): no choice.
        return enrolled_device(user)

    def _update_form(self, user) -> None:
        # django-otp would render the password back into the page after a wrong code;
        # retyping it is safer.
        pass


class LatticeAdminSite(admin.AdminSite):
    """The admin, signed in with a second factor (see the module's docstring)."""

    login_form = TwoFactorAuthenticationForm
    # The app list down the side took 300 px of a 1280 px screen from every list and
    # change page, which pushed a membership's role, dates and status off the screen
    # (#18); the index page and the breadcrumbs lead to every model as well.
    enable_nav_sidebar = False

    def has_permission(self, request: HttpRequest) -> bool:
        if not super().has_permission(request):
            return False
        return not settings.STAFF_REQUIRE_2FA or request.user.is_verified()
