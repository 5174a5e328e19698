"""What a higher app lends accounts: sending a one-time password by SMS/WhatsApp.

Accounts sit in the base layer and cannot import the gateway (notifikasi). The
notifikasi app registers its sender here from NotifikasiConfig.ready; without
one, nothing is sent and the slip is the only way the password travels.
"""

from collections.abc import Callable

# sender(*, user, phone, text) -> whether a message was queued
PasswordSender = Callable[..., bool]
SENDERS: list[PasswordSender] = []


def password_sender(func: PasswordSender) -> PasswordSender:
    """Register the function that queues an account's one-time password message."""
    if func not in SENDERS:
        SENDERS.append(func)
    return func


def can_send() -> bool:
    return bool(SENDERS)


def password_send(*, user, phone: str, text: str) -> bool:
    """Queue `text` to `phone` through the registered sender; False without one."""
    if not phone or not SENDERS:
        return False
    return bool(SENDERS[0](user=user, phone=phone, text=text))
