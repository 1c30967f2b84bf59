"""The edition's web address (``--base-url``): checked once, then trusted by every output.

The base URL reaches HTML attributes, JSON-LD, Highwire tags, BibLaTeX's verbatim ``url`` field,
RIS lines and DTS URI templates.  Rather than escape it differently for each, teikit accepts only
what is unambiguous in all of them: an absolute ``http``/``https`` URL with a host, written in the
characters RFC 3986 allows (so no space, quote, angle bracket, brace, backslash or control
character can occur), with no user name, password, query or fragment.  Its path always ends in
``/`` (a document's URL is the base plus ``ID/``).
"""

from __future__ import annotations

import re
from urllib.parse import urlsplit

from .errors import UsageProblem

DEFAULT_BASE_URL = "https://teikit.example.org/"

# RFC 3986: unreserved, reserved and percent-encoded octets; nothing else.
_URI_CHARACTERS = re.compile(r"(?:[A-Za-z0-9\-._~:/?#\[\]@!$&'()*+,;=]|%[0-9A-Fa-f]{2})*")
_HOST = re.compile(r"(?:[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?\.)*[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?"
                   r"|\[[0-9A-Fa-f:.]+\]")


def base_url(value: str) -> str:
    """``value`` checked and normalised (path ending in ``/``), or :class:`UsageProblem` saying why."""
    def refuse(why: str) -> UsageProblem:
        from .errors import quoted

        return UsageProblem(f"--base-url {quoted(value)} {why}; give an absolute http(s) URL, "
                            "for example https://example.org/editions/deutscher/")

    if not _URI_CHARACTERS.fullmatch(value):
        raise refuse("has characters a URL cannot hold unencoded (percent-encode them)")
    parts = urlsplit(value)
    if parts.scheme.lower() not in ("http", "https"):
        raise refuse("is not an http or https URL" if parts.scheme else "is not absolute (it has no scheme)")
    if not parts.netloc or not parts.hostname:
        raise refuse("has no host")
    if parts.username is not None or parts.password is not None:
        raise refuse("holds a user name or password")
    host = parts.netloc.rpartition("@")[2]
    hostname = host.rsplit(":", 1)[0] if not host.endswith("]") else host
    if not _HOST.fullmatch(hostname):
        raise refuse("has no valid host name")
    try:
        parts.port  # noqa: B018  (raises on a port that is not a number in range)
    except ValueError:
        raise refuse("has an invalid port") from None
    if parts.query or parts.fragment or value.endswith(("?", "#")):
        raise refuse("has a query or fragment")
    path = parts.path if parts.path.endswith("/") else parts.path + "/"
    return f"{parts.scheme.lower()}://{host.lower()}{path}"


def api_base(base: str) -> str:
    """Where the static DTS API of an edition published at ``base`` lives."""
    return base + "api/dts"
