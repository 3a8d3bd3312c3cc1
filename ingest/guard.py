"""Which addresses a URL fetch may connect to: public ones, unless the user names an internal source.

A fetch (a page, a feed, a feed item's page, every redirect) connects only through `GuardedBackend`.
It resolves the host itself, refuses loopback, private, link-local, multicast, reserved and
unspecified addresses (IPv4 and IPv6, IPv4-mapped IPv6 unwrapped), connects to the address it
checked, and checks the connected peer once more. A DNS answer that changes between a check and the
connection (a rebind) or a redirect to an internal host is therefore refused too: there is no second
lookup to fool.

    >>> policy = AddressPolicy.from_setting("10.1.0.0/16, intranet.example")
    >>> policy.refusal("news.example", "10.1.2.3") is None
    True
    >>> policy.refusal("evil.example", "::ffff:127.0.0.1")
    '127.0.0.1 is a loopback address'
    >>> policy.refusal("intranet.example", "192.168.0.9") is None  # a named host may be anywhere
    True
"""

from __future__ import annotations

import ipaddress
import socket
from collections.abc import Callable, Iterable
from dataclasses import dataclass

import httpcore

from qa.errors import ConfigError, SourceError

Address = ipaddress.IPv4Address | ipaddress.IPv6Address
Network = ipaddress.IPv4Network | ipaddress.IPv6Network
Resolver = Callable[[str, int], list[str]]  # (host, port) -> IP addresses as text

ALLOW_HINT = "set NEWSQA_FETCH_ALLOW to fetch internal sources"


class FetchRefused(SourceError):
    """A URL that newsqa will not fetch: an internal address, or a scheme other than http(s)."""

    def __init__(self, url: str, reason: str, hint: str = ALLOW_HINT) -> None:
        self.url, self.reason, self.hint = url, reason, hint
        super().__init__(f"refused to fetch {url}: {reason}" + (f" ({hint})" if hint else ""))


def kind_of(address: Address) -> str | None:
    """What makes an address internal, or None for a public one.

    >>> [kind_of(ipaddress.ip_address(a)) for a in ("8.8.8.8", "169.254.169.254", "::1", "fc00::1")]
    [None, 'link-local', 'loopback', 'private']
    """
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped:
        address = address.ipv4_mapped
    for kind, test in (("unspecified", address.is_unspecified), ("loopback", address.is_loopback),
                       ("link-local", address.is_link_local), ("multicast", address.is_multicast),
                       ("private", address.is_private), ("reserved", address.is_reserved)):
        if test:
            return kind
    return None if address.is_global else "reserved"  # shared (100.64/10), documentation ranges, ...


def system_resolver(host: str, port: int) -> list[str]:
    """Every address the system resolver gives for host (decimal and octal IPv4 forms included)."""
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except socket.gaierror as error:
        raise httpcore.ConnectError(f"cannot resolve {host}: {error.strerror}") from None
    return list(dict.fromkeys(str(info[4][0]) for info in infos))


@dataclass(frozen=True)
class AddressPolicy:
    """Public addresses always; internal ones only in `networks`, for `hosts`, or with `allow_private`."""

    networks: tuple[Network, ...] = ()
    hosts: tuple[str, ...] = ()  # "intranet.example" (exactly) or ".example" (it and its subdomains)
    allow_private: bool = False
    resolve: Resolver = system_resolver

    @classmethod
    def from_setting(cls, value: str, *, allow_private: bool = False,
                     resolve: Resolver = system_resolver) -> AddressPolicy:
        """NEWSQA_FETCH_ALLOW ("10.0.0.0/8, 192.168.1.7, wiki.corp") -> a policy; a bad entry is a ConfigError."""
        networks, hosts = [], []
        for item in (part.strip() for part in (value or "").split(",")):
            if not item:
                continue
            try:
                networks.append(ipaddress.ip_network(item.strip("[]"), strict=False))
            except ValueError:
                if "/" in item or not all(c.isalnum() or c in ".-_" for c in item):
                    raise ConfigError(f"NEWSQA_FETCH_ALLOW entry {item!r} is neither a CIDR "
                                      "(10.0.0.0/8), an address nor a host name (wiki.corp).") from None
                hosts.append(item.lower().rstrip("."))
        return cls(tuple(networks), tuple(hosts), allow_private, resolve)

    def host_allowed(self, host: str) -> bool:
        host = host.lower().rstrip(".")
        return any(host == name or (name.startswith(".") and (host.endswith(name) or host == name[1:]))
                   for name in self.hosts)

    def refusal(self, host: str, ip: str) -> str | None:
        """Why connecting to ip (for host) is refused, or None when it is allowed."""
        address = ipaddress.ip_address(ip.split("%")[0])  # "fe80::1%eth0" -> its address
        kind = kind_of(address)
        if kind is None or self.allow_private or self.host_allowed(host):
            return None
        plain = address.ipv4_mapped if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped else address
        if any(plain in net or address in net for net in self.networks):
            return None
        return f"{plain} is {'an' if kind[0] in 'aeiou' else 'a'} {kind} address"

    def addresses(self, host: str, port: int) -> list[str]:
        """The addresses of host that may be connected to; FetchRefused when there are none."""
        found = self.resolve(host, port)
        allowed = [ip for ip in found if self.refusal(host, ip) is None]
        if not allowed:
            reason = self.refusal(host, found[0]) if found else "it has no address"
            if host.strip("[]") not in found:  # a name: say what it resolved to
                reason = f"{host} resolves to {reason.replace(' is ', ', ', 1)}"
            raise FetchRefused(host, reason)
        return allowed


class GuardedBackend(httpcore.NetworkBackend):
    """httpcore's network backend that connects only to addresses the policy allows."""

    def __init__(self, policy: AddressPolicy) -> None:
        self.policy = policy
        self._sync = httpcore.SyncBackend()

    def connect_tcp(self, host: str, port: int, timeout: float | None = None,
                    local_address: str | None = None,
                    socket_options: Iterable[tuple] | None = None) -> httpcore.NetworkStream:
        last: Exception | None = None
        for ip in self.policy.addresses(host, port):
            try:
                stream = self._sync.connect_tcp(ip, port, timeout, local_address, socket_options)
            except httpcore.ConnectError as error:
                last = error
                continue
            peer = stream.get_extra_info("socket").getpeername()[0]
            if (reason := self.policy.refusal(host, peer)) is not None:  # never trust a second look-up
                stream.close()
                raise FetchRefused(host, reason)
            return stream
        raise last or httpcore.ConnectError(f"cannot connect to {host}")

    def connect_unix_socket(self, path: str, timeout: float | None = None,
                            socket_options: Iterable[tuple] | None = None) -> httpcore.NetworkStream:
        raise FetchRefused(path, "unix sockets are never fetched", hint="")

    def sleep(self, seconds: float) -> None:
        self._sync.sleep(seconds)
