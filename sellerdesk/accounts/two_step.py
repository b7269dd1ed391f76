"""Two-step sign-in: an authenticator app's codes (TOTP) and one-use recovery codes, kept as
django-otp's devices. Who must use it is decided here, in one function."""

import re
from base64 import b32encode
from binascii import unhexlify
from math import ceil

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice
from django_otp.util import random_hex

from sellerdesk.accounts.models import User
from sellerdesk.core.errors import ErrorCode, InvalidInput, NothingToDo

RECOVERY_CODE_COUNT = 10
# An authenticator app's code: six digits. Anything else is tried as a recovery code.
TOTP_CODE = re.compile(r"\d{6}")
DEVICE_NAME = "default"


def wrong_code_message() -> str:
    return _("That code is not right, or it was used already. Try the newest code.")


def two_step_required(user: User) -> bool:
    """The user must sign in with two steps: the seller requires it of every one of its users
    (set by its administrators on User permissions). Read from the user's seller, which the
    page reads next anyway."""
    seller = user.seller
    return seller is not None and seller.two_step_required


def two_step_enabled(user: User) -> bool:
    """The user has a confirmed authenticator: signing in asks for a code."""
    return TOTPDevice.objects.filter(user=user, confirmed=True).exists()


def two_step_setup_required(user: User) -> bool:
    """The user must set up two-step sign-in before reaching any other page."""
    return two_step_required(user) and not two_step_enabled(user)


def totp_key_new() -> str:
    """A new secret for an authenticator app, as django-otp stores it (40 hex digits)."""
    return str(random_hex(20))


def totp_key_text(key: str) -> str:
    """The secret as authenticator apps take it typed in: base32, in groups of four."""
    encoded = b32encode(unhexlify(key)).decode()
    return " ".join(encoded[i : i + 4] for i in range(0, len(encoded), 4))


def totp_config_url(*, user: User, key: str) -> str:
    """The otpauth:// address that the QR code carries."""
    return str(TOTPDevice(user=user, key=key).config_url)


def normalized_code(code: str) -> str:
    """A code as typed: spaces and dashes dropped, recovery codes in lower case."""
    return re.sub(r"[\s-]", "", code).lower()


def two_step_enable(*, user: User, key: str, code: str) -> list[str]:
    """Confirms the authenticator that holds `key` by one of its codes and turns two-step
    sign-in on; returns the new recovery codes, which are shown this once."""
    with transaction.atomic():
        User.objects.select_for_update().get(pk=user.pk)
        if two_step_enabled(user):
            raise NothingToDo(_("Two-step sign-in is already on."), code=ErrorCode.ALREADY_DONE)
        TOTPDevice.objects.filter(user=user).delete()
        device = TOTPDevice.objects.create(user=user, name=DEVICE_NAME, key=key, confirmed=False)
        if not TOTP_CODE.fullmatch(normalized_code(code)) or not device.verify_token(
            normalized_code(code)
        ):
            raise InvalidInput(wrong_code_message(), code=ErrorCode.INVALID_INPUT)
        device.confirmed = True
        device.save(update_fields=["confirmed"])
        return _recovery_codes_replace(user)


def two_step_code_check(*, user: User, code: str) -> None:
    """Accepts `code` if it is the user's authenticator code of the moment or one of the user's
    recovery codes, and raises InvalidInput otherwise. A recovery code is used up, an
    authenticator code is not accepted twice, and after a wrong code the device takes none for
    1, 2, 4, ... seconds (django-otp's backoff, whatever address the codes come from). The
    device's row is locked, so two requests cannot both use one code."""
    refusal = _code_verify(user=user, code=normalized_code(code))
    if refusal is not None:
        # Raised after the commit: a wrong code's count in the backoff must stay.
        raise InvalidInput(refusal, code=ErrorCode.INVALID_INPUT)


def _code_verify(*, user: User, code: str) -> str | None:
    device_class = TOTPDevice if TOTP_CODE.fullmatch(code) else StaticDevice
    with transaction.atomic():
        device = (
            device_class.objects.select_for_update()
            .filter(user=user, confirmed=True)
            .order_by("pk")
            .first()
        )
        if device is None:
            return wrong_code_message()
        allowed, details = device.verify_is_allowed()
        if not allowed:
            seconds = ceil((details["locked_until"] - timezone.now()).total_seconds())
            return ngettext(
                "Too many wrong codes in a row: wait %(seconds)d second, then try again.",
                "Too many wrong codes in a row: wait %(seconds)d seconds, then try again.",
                seconds,
            ) % {"seconds": seconds}
        return None if device.verify_token(code) else wrong_code_message()


def recovery_codes_left(user: User) -> int:
    return StaticToken.objects.filter(device__user=user, device__confirmed=True).count()


def recovery_codes_regenerate(*, user: User, code: str) -> list[str]:
    """New recovery codes in place of the old ones, after a check of a current code."""
    _code_check_for_change(user=user, code=code)
    with transaction.atomic():
        User.objects.select_for_update().get(pk=user.pk)
        if not two_step_enabled(user):
            raise NothingToDo(_("Two-step sign-in is off."), code=ErrorCode.ALREADY_DONE)
        return _recovery_codes_replace(user)


def two_step_disable(*, user: User, code: str) -> None:
    """Turns two-step sign-in off, after a check of a current code; refused while the user
    must use it."""
    if two_step_required(user):
        raise InvalidInput(
            _("Your seller requires two-step sign-in: it cannot be turned off."),
            code=ErrorCode.INVALID_TRANSITION,
        )
    _code_check_for_change(user=user, code=code)
    with transaction.atomic():
        User.objects.select_for_update().get(pk=user.pk)
        TOTPDevice.objects.filter(user=user).delete()
        StaticDevice.objects.filter(user=user).delete()


def _code_check_for_change(*, user: User, code: str) -> None:
    """A change of the user's two-step sign-in asks for a code first. The check commits on its
    own, so that a wrong code counts in the device's backoff even though nothing changes."""
    if not two_step_enabled(user):
        raise NothingToDo(_("Two-step sign-in is off."), code=ErrorCode.ALREADY_DONE)
    two_step_code_check(user=user, code=code)


def _recovery_codes_replace(user: User) -> list[str]:
    StaticDevice.objects.filter(user=user).delete()
    device = StaticDevice.objects.create(user=user, name=DEVICE_NAME, confirmed=True)
    codes: set[str] = set()
    while len(codes) < RECOVERY_CODE_COUNT:
        codes.add(StaticToken.random_token())
    StaticToken.objects.bulk_create(StaticToken(device=device, token=code) for code in codes)
    return sorted(codes)
