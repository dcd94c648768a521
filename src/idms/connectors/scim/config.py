"""How to reach one SCIM relying party."""

from __future__ import annotations

from dataclasses import dataclass, field
from urllib.parse import urlsplit


@dataclass(frozen=True, slots=True)
class ScimConfig:
    """The base URL of a SCIM 2.0 service (e.g. ``https://rp.example/scim/v2``) and its token.

    ``token`` is a bearer token; it never appears in ``repr`` or ``str``. ``page_size`` is the
    ``count`` asked for when listing accounts; the server may return fewer per page.
    """

    url: str
    token: str | None = field(default=None, repr=False)
    timeout: float = 10.0
    page_size: int = 200
    verify_tls: bool = True

    def __post_init__(self) -> None:
        url = self.url.strip().rstrip("/")
        parts = urlsplit(url)
        if parts.scheme not in ("http", "https") or not parts.netloc:
            raise ValueError(f"a SCIM URL starts with http:// or https://, not {self.url!r}")
        if self.page_size < 1:
            raise ValueError("the SCIM page size must be at least 1")
        if self.timeout <= 0:
            raise ValueError("the SCIM timeout must be positive")
        if self.token is not None and not self.token.strip():
            raise ValueError("an empty SCIM token; leave it out instead")
        object.__setattr__(self, "url", url)

    def __repr__(self) -> str:
        token = "<set>" if self.token else None
        return (
            f"ScimConfig(url={self.url!r}, token={token}, timeout={self.timeout!r}, "
            f"page_size={self.page_size!r}, verify_tls={self.verify_tls!r})"
        )

    __str__ = __repr__
