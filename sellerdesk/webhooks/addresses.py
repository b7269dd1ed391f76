"""Where a webhook may point. A destination's URL is checked when it is created and again, with
a fresh lookup of its host, before every delivery, and the delivery connects to the address
that was checked (delivery.py): a name that later resolves elsewhere cannot turn it to the
machine's own or its network's services.

Refused: anything but https, user names and passwords in the URL, and a host any of whose
addresses is loopback, private, link-local, shared, multicast, reserved or unspecified (every
address that is not global). WEBHOOKS_ALLOW_PRIVATE_ADDRESSES lets the operator allow http and
those addresses (a receiver on the same machine or LAN)."""

import ipaddress
import socket
from dataclasses import dataclass
from urllib.parse import urlsplit

from django.conf import settings
from django.utils.translation import gettext as _

from sellerdesk.core.errors import ErrorCode, InvalidInput

URL_MAX_LENGTH = 2048

type Address = ipaddress.IPv4Address | ipaddress.IPv6Address


class WebhookUrlRefused(InvalidInput):
    code = ErrorCode.WEBHOOK_URL_REFUSED


@dataclass(frozen=True)
class Target:
    """A checked URL: where to connect (`address`) and what to say the host is."""

    scheme: str
    host: str
    port: int
    path: str  # with the query
    address: str

    @property
    def host_header(self) -> str:
        default = 443 if self.scheme == "https" else 80
        host = f"[{self.host}]" if ":" in self.host else self.host
        return host if self.port == default else f"{host}:{self.port}"


def webhook_target(url: str) -> Target:
    """The URL checked, its host resolved now and every address checked; raises
    WebhookUrlRefused (an InvalidInput) with the reason."""
    allow_private = settings.WEBHOOKS_ALLOW_PRIVATE_ADDRESSES
    if len(url) > URL_MAX_LENGTH:
        raise WebhookUrlRefused(
            _("The URL is limited to %(limit)d characters.") % {"limit": URL_MAX_LENGTH}
        )
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError:
        raise WebhookUrlRefused(_("The URL is not valid.")) from None
    schemes = {"https", "http"} if allow_private else {"https"}
    if parts.scheme not in schemes:
        raise WebhookUrlRefused(_("The URL must start with https://."))
    if not parts.hostname:
        raise WebhookUrlRefused(_("The URL has no host."))
    if parts.username is not None or parts.password is not None:
        raise WebhookUrlRefused(_("The URL must not contain a user name or password."))
    if parts.fragment or any(character.isspace() for character in url):
        raise WebhookUrlRefused(_("The URL is not valid."))
    host = parts.hostname
    addresses = _resolve(host, port or (443 if parts.scheme == "https" else 80))
    if not allow_private:
        for address in addresses:
            if not _public(address):
                raise WebhookUrlRefused(
                    _(
                        "The URL's host %(host)s has the address %(address)s, which is not a"
                        " public Internet address."
                    )
                    % {"host": host, "address": address}
                )
    path = parts.path or "/"
    return Target(
        scheme=parts.scheme,
        host=host,
        port=port or (443 if parts.scheme == "https" else 80),
        path=f"{path}?{parts.query}" if parts.query else path,
        address=str(addresses[0]),
    )


def _resolve(host: str, port: int) -> list[Address]:
    try:
        return [ipaddress.ip_address(host)]
    except ValueError:
        pass
    try:
        found = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except (socket.gaierror, UnicodeError):
        raise WebhookUrlRefused(
            _("The URL's host %(host)s cannot be resolved.") % {"host": host}
        ) from None
    addresses: list[Address] = []
    for _family, _type, _proto, _name, sockaddr in found:
        address = ipaddress.ip_address(str(sockaddr[0]).split("%")[0])
        if address not in addresses:
            addresses.append(address)
    if not addresses:
        raise WebhookUrlRefused(_("The URL's host %(host)s cannot be resolved.") % {"host": host})
    return addresses


def _public(address: Address) -> bool:
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
        address = address.ipv4_mapped
    return address.is_global and not address.is_multicast
