"""A SCIM 2.0 relying party (RFC 7643, RFC 7644)."""

from idms.connectors.scim.config import ScimConfig
from idms.connectors.scim.connector import ScimConnector, ServiceFeatures
from idms.connectors.scim.server import RunningScimServer, start_scim_server

__all__ = [
    "RunningScimServer",
    "ScimConfig",
    "ScimConnector",
    "ServiceFeatures",
    "start_scim_server",
]
