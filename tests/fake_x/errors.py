"""X's error bodies, as X sends them (problem+json), and the 400 for a bad parameter."""

from __future__ import annotations

from typing import Any

UNAUTHORIZED = {
    "title": "Unauthorized",
    "type": "about:blank",
    "status": 401,
    "detail": "Unauthorized",
}
CLIENT_FORBIDDEN = {
    "client_id": "27182818",
    "detail": (
        "When authenticating requests to the Twitter API v2 endpoints, you must use keys and "
        "tokens from a Twitter developer App that is attached to a Project. You can create a "
        "project via the developer portal."
    ),
    "registration_url": "https://developer.twitter.com/en/docs/projects/overview",
    "title": "Client Forbidden",
    "required_enrollment": "Appropriate Level of API Access",
    "reason": "client-not-enrolled",
    "type": "https://api.twitter.com/2/problems/client-forbidden",
}
NO_RULES = {
    "title": "ConnectionException",
    "detail": (
        "You must define rules using the POST /2/tweets/search/stream/rules endpoint before "
        "connecting to filtered stream."
    ),
    "connection_issue": "RuleConfigurationIssue",
    "type": "https://api.twitter.com/2/problems/streaming-connection",
}
TOO_MANY_CONNECTIONS = {
    "title": "ConnectionException",
    "detail": "This stream is currently at the maximum allowed connection limit.",
    "connection_issue": "TooManyConnections",
    "type": "https://api.twitter.com/2/problems/streaming-connection",
}
TOO_MANY_REQUESTS = {
    "title": "Too Many Requests",
    "detail": "Too Many Requests",
    "type": "about:blank",
    "status": 429,
}
SERVICE_UNAVAILABLE = {
    "title": "Service Unavailable",
    "detail": "Service Unavailable",
    "type": "about:blank",
    "status": 503,
}
NOT_FOUND = {
    "title": "Not Found Error",
    "detail": "Sorry, that page does not exist",
    "type": "about:blank",
    "status": 404,
}
OPERATIONAL_DISCONNECT = {
    "errors": [
        {
            "title": "operational-disconnect",
            "disconnect_type": "OperationalDisconnect",
            "detail": "This stream has been disconnected for operational reasons.",
            "type": "https://api.twitter.com/2/problems/operational-disconnect",
        }
    ]
}
METHOD_NOT_ALLOWED = {
    "title": "Method Not Allowed",
    "detail": "Method Not Allowed",
    "type": "about:blank",
    "status": 405,
}
#: The body `Respond(status)` sends when the test gives none.
DEFAULT_ERROR_BODIES: dict[int, dict[str, Any]] = {
    401: UNAUTHORIZED,
    403: CLIENT_FORBIDDEN,
    404: NOT_FOUND,
    409: NO_RULES,
    429: TOO_MANY_CONNECTIONS,
    503: SERVICE_UNAVAILABLE,
}


def invalid_request(parameter: str, values: list[str], message: str) -> dict[str, Any]:
    """X's 400 body for a bad query parameter or request body."""
    return {
        "errors": [{"parameters": {parameter: values}, "message": message}],
        "title": "Invalid Request",
        "detail": "One or more parameters to your request was invalid.",
        "type": "https://api.twitter.com/2/problems/invalid-request",
    }
