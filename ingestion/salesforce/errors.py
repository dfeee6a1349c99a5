"""Salesforce API errors, classified, with messages that never carry the access token.

Salesforce answers errors as a JSON list ``[{"message": ..., "errorCode": ...}]``. The
response hook in ``source.py`` turns every error status into one of these (subclasses of
``requests.HTTPError`` with the response attached, so dlt's retrying session still retries
429 and 5xx and re-raises them when it gives up; everything else fails at once).
"""

from __future__ import annotations

from typing import Any

from requests import HTTPError, Response


class SalesforceApiError(HTTPError):
    """An error answer from the Salesforce REST API."""

    def __init__(self, response: Response, error_code: str, message: str) -> None:
        self.status = response.status_code
        self.error_code = error_code
        self.api_message = message
        # The path only: a query URL carries SOQL, never credentials (those go in headers).
        path = response.request.path_url.split("?")[0] if response.request else ""
        super().__init__(self.describe(path), response=response)

    def describe(self, path: str) -> str:
        return f"Salesforce API error {self.status} {self.error_code} on {path}: {self.api_message}"


class SalesforceAuthError(SalesforceApiError):
    """401: the access token is invalid or expired."""

    def describe(self, path: str) -> str:
        return (
            f"Salesforce rejected the access token (401 {self.error_code}: {self.api_message}). "
            "Get a new token (see docs/connectors/salesforce.md) and set "
            "SOURCES__SALESFORCE__API_TOKEN or [sources.salesforce] api_token in .dlt/secrets.toml."
        )


class SalesforceRequestLimitExceeded(SalesforceApiError):
    """403 REQUEST_LIMIT_EXCEEDED: the org's rolling 24-hour API allocation is spent.

    Not retried: the allocation frees up over hours, not seconds. Rerun later; the
    incremental cursors resume from the last completed load.
    """

    def describe(self, path: str) -> str:
        return (
            "Salesforce API request limit exceeded "
            f"(403 REQUEST_LIMIT_EXCEEDED: {self.api_message}). "
            "The org's rolling 24-hour API allocation is used up; rerun when it has recovered "
            "(Setup > Company Information > API Requests, Last 24 Hours), or lower the "
            "connector's share with [sources.salesforce] requests_per_second."
        )


def error_detail(response: Response) -> tuple[str, str]:
    """``(errorCode, message)`` from a Salesforce error body (list or object form)."""
    try:
        body: Any = response.json()
    except ValueError:
        return f"HTTP_{response.status_code}", (response.text or response.reason or "")[:300]
    if isinstance(body, list) and body and isinstance(body[0], dict):
        body = body[0]
    if isinstance(body, dict):
        code = str(body.get("errorCode") or body.get("error") or f"HTTP_{response.status_code}")
        message = str(body.get("message") or body.get("error_description") or "")
        return code, message[:300]
    return f"HTTP_{response.status_code}", str(body)[:300]


def classify(response: Response) -> SalesforceApiError:
    """The exception for an error response."""
    code, message = error_detail(response)
    if response.status_code == 401:
        return SalesforceAuthError(response, code, message)
    if response.status_code == 403 and code == "REQUEST_LIMIT_EXCEEDED":
        return SalesforceRequestLimitExceeded(response, code, message)
    return SalesforceApiError(response, code, message)


def raise_for_salesforce_status(response: Response, *args: Any, **kwargs: Any) -> None:
    """A requests response hook: raise the classified error on any 4xx/5xx."""
    if response.status_code >= 400:
        raise classify(response)
