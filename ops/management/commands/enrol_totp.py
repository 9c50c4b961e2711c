import io

import qrcode
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from ops.two_factor import AlreadyEnrolled, enrol


class Command(BaseCommand):
    help = (
        "Enrol a staff member's authenticator app for two-factor sign-in: prints a QR code "
        "and the secret, once. With --replace, a lost or compromised authenticator stops "
        "working and a new one is enrolled."
    )

    def add_arguments(self, parser):
        parser.add_argument("username", help="The staff member's user name.")
        parser.add_argument(
            "--replace",
            action="store_true",
            help="Replace the authenticator the member already has.",
        )

    def handle(self, *args, username: str, replace: bool, **options):
        user_model = get_user_model()
        try:
            user = user_model.objects.get(**{user_model.USERNAME_FIELD: username})
        except user_model.DoesNotExist as exc:
            raise CommandError(f"No user {username!r}.") from exc
        if not user.is_staff:
            raise CommandError(f"{username!r} is not staff: only staff sign in to the admin.")
        try:
            device = enrol(user=user, replace=replace)
        except AlreadyEnrolled as exc:
            raise CommandError(
                f"{username!r} already has an authenticator; --replace issues a new secret "
                "(the old one stops working)."
            ) from exc
        qr = qrcode.QRCode(border=2)
        qr.add_data(device.config_url)
        drawing = io.StringIO()
        qr.print_ascii(out=drawing, invert=True)
        self.stdout.write(drawing.getvalue())
        self.stdout.write(f"Or enter this address in the app:\n{device.config_url}\n")
        self.stdout.write(
            self.style.SUCCESS(
                f"Enrolled an authenticator for {username}: scan the code above with it, then "
                "sign in with a code it shows. It is not shown again."
            )
        )
