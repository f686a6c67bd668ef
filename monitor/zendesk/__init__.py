"""The only code that talks HTTP to Zendesk."""

from monitor.zendesk.client import ZendeskClient, basic_token_authorization
from monitor.zendesk.response import Answer, ApiResponse, FailureKind, TransportFailure
from monitor.zendesk.tls import shared_ssl_context

__all__ = [
    "Answer",
    "ApiResponse",
    "FailureKind",
    "TransportFailure",
    "ZendeskClient",
    "basic_token_authorization",
    "shared_ssl_context",
]
