"""A relying party that speaks SCIM 2.0 (RFC 7643, RFC 7644), over plain httpx.

One SCIM User per person: ``externalId`` holds idms' key, and the managed attributes are mapped
by :mod:`idms.connectors.scim.mapping`. Every failure is raised as an
:mod:`idms.connectors.errors` type whose message names the relying party and the account, never
the token.

Writes are idempotent. An add that meets a uniqueness conflict looks the user up by userName:
if it already carries our key, the add was ours (a retry after a lost answer) and counts as
applied. An update or disable is a PATCH of exactly the changed attributes; with ETags it is
conditional on the version read, and a stale version (412) re-reads that one user and retries
once with its fresh version.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import httpx

from idms.connectors.base import (
    ACTIVE,
    USER_NAME,
    Account,
    Action,
    ActionKind,
    Capability,
    Health,
    HealthStatus,
    Outcome,
    OutcomeStatus,
)
from idms.connectors.errors import (
    ConflictError,
    ConnectorError,
    InvalidValueError,
    NotFoundError,
    StopError,
    TransientError,
)
from idms.connectors.scim import mapping
from idms.connectors.scim.config import ScimConfig

BULK_REQUEST_SCHEMA = "urn:ietf:params:scim:api:messages:2.0:BulkRequest"
LIST_RESPONSE_SCHEMA = "urn:ietf:params:scim:api:messages:2.0:ListResponse"
SCIM_JSON = "application/scim+json"

BULK_CEILING = 1000  # operations per bulk request, whatever the server announces
BULK_PAYLOAD_SHARE = 0.9  # of the announced maxPayloadSize, to leave room for the envelope
DETAIL_LIMIT = 300  # characters of a server's error detail kept in a message

ALWAYS = frozenset({Capability.READ, Capability.CREATE, Capability.UPDATE, Capability.DISABLE})


@dataclass(frozen=True, slots=True)
class ServiceFeatures:
    """What the ServiceProviderConfig announced (RFC 7643 section 5)."""

    bulk: bool = False
    bulk_max_operations: int = 0
    bulk_max_payload: int = 0
    etag: bool = False
    filter: bool = False

    @property
    def capabilities(self) -> frozenset[Capability]:
        found = set(ALWAYS)
        if self.bulk and self.bulk_max_operations > 0:
            found.add(Capability.BULK)
        if self.etag:
            found.add(Capability.ETAG)
        return frozenset(found)

    @classmethod
    def parse(cls, document: Any) -> ServiceFeatures:
        """Read the features; a malformed document announces no optional feature."""
        if not isinstance(document, dict):
            return cls()

        def section(name: str) -> dict[str, Any]:
            value = document.get(name)
            return value if isinstance(value, dict) else {}

        def number(value: Any) -> int:
            return value if isinstance(value, int) and not isinstance(value, bool) else 0

        bulk = section("bulk")
        return cls(
            bulk=bulk.get("supported") is True,
            bulk_max_operations=number(bulk.get("maxOperations")),
            bulk_max_payload=number(bulk.get("maxPayloadSize")),
            etag=section("etag").get("supported") is True,
            filter=section("filter").get("supported") is True,
        )


def _detail(response: httpx.Response) -> tuple[str, str | None]:
    """The server's error ``detail`` on one line, and its ``scimType``."""
    try:
        body = response.json()
    except ValueError:
        body = None
    detail = ""
    scim_type = None
    if isinstance(body, dict):
        if isinstance(body.get("detail"), str):
            detail = body["detail"]
        if isinstance(body.get("scimType"), str):
            scim_type = body["scimType"]
    detail = " ".join(detail.split())
    if len(detail) > DETAIL_LIMIT:
        detail = detail[: DETAIL_LIMIT - 1] + "…"
    return detail, scim_type


def _last_segment(location: Any) -> str | None:
    if isinstance(location, str) and location.strip("/"):
        return location.rstrip("/").rsplit("/", 1)[-1]
    return None


def _filter_string(value: str) -> str:
    """A SCIM filter string literal (RFC 7644 section 3.4.2.2 uses JSON string rules)."""
    return json.dumps(value)


class ScimConnector:
    """A SCIM 2.0 relying party; see the module docstring for the projection and the rules.

    ``client`` lets a caller share or instrument an ``httpx.Client``; URLs are absolute, so any
    client works, and the connector only closes a client it made itself. Safe to call from
    several threads at once.
    """

    def __init__(self, config: ScimConfig, client: httpx.Client | None = None) -> None:
        self.config = config
        self._owns_client = client is None
        self._client = client or httpx.Client(timeout=config.timeout, verify=config.verify_tls)
        self._timeout = httpx.Timeout(config.timeout)
        self._headers = {"Accept": SCIM_JSON}
        if config.token:
            self._headers["Authorization"] = f"Bearer {config.token}"
        self._discovery_lock = threading.Lock()
        self._features: ServiceFeatures | None = None

    def __repr__(self) -> str:
        return f"ScimConnector(url={self.config.url!r})"

    __str__ = __repr__

    def close(self) -> None:
        if self._owns_client:
            self._client.close()

    def __enter__(self) -> ScimConnector:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    # -- discovery -------------------------------------------------------------------------

    @property
    def capabilities(self) -> frozenset[Capability]:
        """What the relying party supports; discovered (and cached) on first use."""
        return self._discover().capabilities

    def _discover(self, refresh: bool = False) -> ServiceFeatures:
        # One thread asks; the others wait for its answer rather than asking too.
        with self._discovery_lock:
            if self._features is not None and not refresh:
                return self._features
            what = "its service configuration"
            response = self._send("GET", "/ServiceProviderConfig", what=what)
            if response.status_code == 404:
                raise StopError(
                    f"no SCIM service answers at {self.config.url} "
                    "(404 on /ServiceProviderConfig); check the URL"
                )
            self._raise_for(response, what)
            try:
                self._features = ServiceFeatures.parse(response.json())
            except ValueError:
                self._features = ServiceFeatures()
            return self._features

    def check(self) -> Health:
        """Reach the relying party, learn its features, and prove the token on /Users."""
        try:
            features = self._discover(refresh=True)
            # The service configuration is often public (RFC 7644 section 4): list one user
            # to learn whether the token is accepted.
            response = self._send(
                "GET",
                "/Users",
                what="its accounts",
                params={"startIndex": 1, "count": 1, "attributes": "userName"},
            )
            self._raise_for(response, "its accounts")
        except TransientError as error:
            return Health(HealthStatus.UNREACHABLE, str(error))
        except ConnectorError as error:
            return Health(HealthStatus.REFUSED, str(error))
        return Health(
            HealthStatus.OK,
            f"the SCIM service at {self.config.url} answers",
            features.capabilities,
        )

    # -- reading ---------------------------------------------------------------------------

    def read(self) -> Iterator[Account]:
        """Every user, one page at a time (1-based ``startIndex``/``count``).

        Index paging is not a snapshot: accounts added or removed while reading may shift the
        pages (RFC 7644 section 3.4.2.4). Reading stops at ``totalResults`` or an empty page.
        """
        start = 1
        count = self.config.page_size
        while True:
            response = self._send(
                "GET",
                "/Users",
                what="its accounts",
                params={"startIndex": start, "count": count, "attributes": mapping.READ_ATTRIBUTES},
            )
            self._raise_for(response, "its accounts")
            page = self._json(response, "its accounts")
            resources = page.get("Resources") or []
            if not isinstance(resources, list):
                raise InvalidValueError(
                    f"{self.config.url} answered a user listing without a list of Resources"
                )
            for resource in resources:
                if isinstance(resource, dict):
                    yield mapping.from_user(resource)
            if not resources:
                return
            start += len(resources)
            total = page.get("totalResults")
            if isinstance(total, int):
                if start > total:
                    return
            elif len(resources) < count:
                return

    def _read_one(self, rp_id: str) -> Account:
        what = f"account {rp_id}"
        response = self._send(
            "GET", f"/Users/{rp_id}", what=what, params={"attributes": mapping.READ_ATTRIBUTES}
        )
        self._raise_for(response, what)
        return mapping.from_user(self._json(response, what), response.headers.get("ETag"))

    def _find_by_user_name(self, user_name: str, what: str) -> list[dict[str, Any]]:
        response = self._send(
            "GET",
            "/Users",
            what=what,
            params={
                "filter": f"userName eq {_filter_string(user_name)}",
                "attributes": mapping.READ_ATTRIBUTES,
            },
        )
        self._raise_for(response, what)
        resources = self._json(response, what).get("Resources") or []
        return [r for r in resources if isinstance(r, dict)]

    # -- writing ---------------------------------------------------------------------------

    def apply(self, action: Action) -> Outcome:
        """Make one change; raises an ``idms.connectors.errors`` type when it cannot."""
        if action.kind is ActionKind.ORPHAN:
            raise ValueError("an orphan is reported, never applied")
        if action.kind is ActionKind.ADD:
            return self._add(action)
        return self._patch(action)

    @staticmethod
    def _describe(action: Action) -> str:
        name = (action.after or {}).get(USER_NAME) or (action.before or {}).get(USER_NAME)
        text = f"account {action.key}"
        if name:
            text += f" ({name})"
        return text

    def _add(self, action: Action) -> Outcome:
        what = self._describe(action)
        body = mapping.to_user(action.key, action.after or {})
        response = self._send("POST", "/Users", what=what, json_body=body)
        if response.status_code == 409:
            detail, _ = _detail(response)
            return self._settle_add_conflict(action, what, detail)
        self._raise_for(response, what)
        created = self._json(response, what)
        rp_id = created.get("id") if isinstance(created.get("id"), str) else None
        rp_id = rp_id or _last_segment(response.headers.get("Location"))
        return Outcome(action, OutcomeStatus.APPLIED, rp_id=rp_id)

    def _settle_add_conflict(self, action: Action, what: str, detail: str) -> Outcome:
        """An add refused for uniqueness: ours already (a retried add), or a real clash."""
        user_name = (action.after or {}).get(USER_NAME)
        if isinstance(user_name, str) and user_name:
            for found in self._find_by_user_name(user_name, what):
                if found.get("externalId") == action.key and isinstance(found.get("id"), str):
                    return Outcome(action, OutcomeStatus.APPLIED, rp_id=found["id"])
                holder = found.get("externalId")
                linked = f"linked to {holder}" if holder else "not linked to idms"
                raise ConflictError(
                    f"{self.config.url} already has a user named {user_name} "
                    f"(id {found.get('id')}, {linked}); {what} was not added"
                )
        reason = f": {detail}" if detail else ""
        raise ConflictError(f"{self.config.url} refused to add {what} (409){reason}")

    def _patch_operations(self, action: Action) -> list[dict[str, Any]]:
        changes = dict(action.changes)
        if action.kind is ActionKind.DISABLE:
            changes.setdefault(ACTIVE, False)
        return mapping.patch_operations(changes, action.key if action.adopt else None)

    def _if_match(self, version: str | None) -> dict[str, str]:
        if version and self._discover().etag:
            return {"If-Match": version}
        return {}

    def _patch(self, action: Action) -> Outcome:
        if not action.rp_id:
            raise ValueError(f"a {action.kind} needs the relying party's id of the account")
        what = self._describe(action)
        operations = self._patch_operations(action)
        if not operations:
            return Outcome(action, OutcomeStatus.APPLIED, rp_id=action.rp_id)
        body = mapping.patch_body(operations)
        path = f"/Users/{action.rp_id}"
        response = self._send(
            "PATCH", path, what=what, json_body=body, headers=self._if_match(action.version)
        )
        if response.status_code == 412:
            return self._retry_stale(action, what)
        self._raise_for(response, what)
        return Outcome(action, OutcomeStatus.APPLIED, rp_id=action.rp_id)

    def _retry_stale(self, action: Action, what: str) -> Outcome:
        """The version was stale: re-read the user, and apply the same change once more."""
        assert action.rp_id is not None
        fresh = self._read_one(action.rp_id)
        body = mapping.patch_body(self._patch_operations(action))
        response = self._send(
            "PATCH",
            f"/Users/{action.rp_id}",
            what=what,
            json_body=body,
            headers=self._if_match(fresh.version),
        )
        if response.status_code == 412:
            raise ConflictError(
                f"{what} keeps changing on {self.config.url} (412 twice); try again later"
            )
        self._raise_for(response, what)
        return Outcome(action, OutcomeStatus.APPLIED, rp_id=action.rp_id, attempts=2)

    # -- bulk ------------------------------------------------------------------------------

    def apply_many(self, actions: Sequence[Action]) -> list[Outcome]:
        """Apply many actions, through /Bulk when the server supports it; one outcome each.

        Bulk requests carry at most min(maxOperations, 1000) operations and stay under the
        announced payload size; ``failOnErrors`` is not set, so the server tries every
        operation. An operation the server refused becomes a FAILED outcome with the sentence
        its error would carry (even a transient status: the request as a whole succeeded).
        A uniqueness clash on an add and a stale version on an update are settled as
        :meth:`apply` does. A request that fails as a whole raises its error (TransientError,
        StopError, ...): re-applying the whole list is then safe, as every write is idempotent.

        Without bulk support, each action goes through :meth:`apply`; its InvalidValueError,
        ConflictError and NotFoundError become FAILED outcomes, other errors are raised.
        """
        for action in actions:
            if action.kind is ActionKind.ORPHAN:
                raise ValueError("an orphan is reported, never applied")
        if not actions:
            return []
        features = self._discover()
        if Capability.BULK not in features.capabilities:
            return [self._apply_or_fail(action) for action in actions]
        outcomes: dict[int, Outcome] = {}
        for chunk in self._chunks(actions, features):
            outcomes.update(self._send_bulk(actions, chunk, features))
        return [outcomes[index] for index in range(len(actions))]

    def _apply_or_fail(self, action: Action) -> Outcome:
        try:
            return self.apply(action)
        except (InvalidValueError, ConflictError, NotFoundError) as error:
            return Outcome(action, OutcomeStatus.FAILED, error=str(error), rp_id=action.rp_id)

    def _bulk_operation(
        self, index: int, action: Action, features: ServiceFeatures
    ) -> dict[str, Any] | None:
        """The bulk operation for one action, or None when there is nothing to send."""
        bulk_id = f"idms-{index}"
        if action.kind is ActionKind.ADD:
            return {
                "method": "POST",
                "path": "/Users",
                "bulkId": bulk_id,
                "data": mapping.to_user(action.key, action.after or {}),
            }
        if not action.rp_id:
            raise ValueError(f"a {action.kind} needs the relying party's id of the account")
        operations = self._patch_operations(action)
        if not operations:
            return None
        operation: dict[str, Any] = {
            "method": "PATCH",
            "path": f"/Users/{action.rp_id}",
            "bulkId": bulk_id,
            "data": mapping.patch_body(operations),
        }
        if action.version and features.etag:
            operation["version"] = action.version
        return operation

    def _chunks(
        self, actions: Sequence[Action], features: ServiceFeatures
    ) -> Iterator[list[tuple[int, dict[str, Any] | None, str | None]]]:
        """Groups of (index, operation or None, problem) that fit one bulk request each."""
        max_operations = min(features.bulk_max_operations, BULK_CEILING)
        max_bytes = int(features.bulk_max_payload * BULK_PAYLOAD_SHARE) or None
        chunk: list[tuple[int, dict[str, Any] | None, str | None]] = []
        sent = 0  # operations in the chunk
        size = 0
        for index, action in enumerate(actions):
            try:
                operation = self._bulk_operation(index, action, features)
            except InvalidValueError as error:
                chunk.append((index, None, str(error)))
                continue
            if operation is None:
                chunk.append((index, None, None))
                continue
            length = len(json.dumps(operation)) + 2
            if sent and (sent >= max_operations or (max_bytes and size + length > max_bytes)):
                yield chunk
                chunk, sent, size = [], 0, 0
            chunk.append((index, operation, None))
            sent += 1
            size += length
        if chunk:
            yield chunk

    def _send_bulk(
        self,
        actions: Sequence[Action],
        chunk: list[tuple[int, dict[str, Any] | None, str | None]],
        features: ServiceFeatures,
    ) -> Iterator[tuple[int, Outcome]]:
        operations = [operation for _, operation, _ in chunk if operation is not None]
        results: dict[str, dict[str, Any]] = {}
        if operations:
            what = f"{len(operations)} bulk operations"
            response = self._send(
                "POST",
                "/Bulk",
                what=what,
                json_body={"schemas": [BULK_REQUEST_SCHEMA], "Operations": operations},
            )
            self._raise_for(response, what)
            answered = self._json(response, what).get("Operations") or []
            for position, result in enumerate(answered):
                if not isinstance(result, dict):
                    continue
                bulk_id = result.get("bulkId")
                if not isinstance(bulk_id, str) and position < len(operations):
                    bulk_id = operations[position]["bulkId"]  # matched by position
                if isinstance(bulk_id, str):
                    results[bulk_id] = result
        for index, operation, problem in chunk:
            action = actions[index]
            if problem is not None:
                yield index, Outcome(action, OutcomeStatus.FAILED, error=problem)
            elif operation is None:
                yield index, Outcome(action, OutcomeStatus.APPLIED, rp_id=action.rp_id)
            else:
                yield index, self._bulk_outcome(action, results.get(operation["bulkId"]))

    def _bulk_outcome(self, action: Action, result: dict[str, Any] | None) -> Outcome:
        what = self._describe(action)
        if result is None:
            return Outcome(
                action,
                OutcomeStatus.FAILED,
                error=f"{self.config.url} gave no answer for {what} in its bulk response",
            )
        try:
            status = int(str(result.get("status", "")).split()[0])
        except (ValueError, IndexError):
            status = 0
        if 200 <= status < 300:
            rp_id = action.rp_id
            if action.kind is ActionKind.ADD:
                rp_id = _last_segment(result.get("location"))
            return Outcome(action, OutcomeStatus.APPLIED, rp_id=rp_id)
        body = result.get("response")
        detail = ""
        if isinstance(body, dict) and isinstance(body.get("detail"), str):
            detail = " ".join(body["detail"].split())[:DETAIL_LIMIT]
        try:
            if status == 409 and action.kind is ActionKind.ADD:
                return self._settle_add_conflict(action, what, detail)
            if status == 412 and action.kind is not ActionKind.ADD:
                return self._retry_stale(action, what)
            scim_type = body.get("scimType") if isinstance(body, dict) else None
            error = self._error(
                status, what, detail, scim_type if isinstance(scim_type, str) else None
            )
        except StopError:
            raise
        except ConnectorError as raised:
            error = raised
        if error is None:
            error = InvalidValueError(
                f"{self.config.url} answered {what} in its bulk response with status {status}"
            )
        return Outcome(action, OutcomeStatus.FAILED, error=str(error), rp_id=action.rp_id)

    # -- HTTP ------------------------------------------------------------------------------

    def _send(
        self,
        method: str,
        path: str,
        *,
        what: str,
        params: Mapping[str, str | int] | None = None,
        json_body: Any = None,
        headers: Mapping[str, str] | None = None,
    ) -> httpx.Response:
        """One request; transport failures become TransientError (StopError for a bad URL)."""
        all_headers = dict(self._headers)
        content = None
        if json_body is not None:
            content = json.dumps(json_body).encode()
            all_headers["Content-Type"] = SCIM_JSON
        if headers:
            all_headers.update(headers)
        try:
            return self._client.request(
                method,
                self.config.url + path,
                params=params,
                content=content,
                headers=all_headers,
                timeout=self._timeout,
            )
        except httpx.UnsupportedProtocol as error:
            raise StopError(f"{self.config.url} is not a URL idms can reach") from error
        except httpx.TimeoutException as error:
            raise TransientError(
                f"{self.config.url} did not answer in time about {what}; try again later"
            ) from error
        except httpx.TransportError as error:
            raise TransientError(
                f"cannot reach {self.config.url} about {what} ({type(error).__name__})"
            ) from error

    def _json(self, response: httpx.Response, what: str) -> dict[str, Any]:
        if not response.content:
            return {}
        try:
            body = response.json()
        except ValueError:
            raise InvalidValueError(
                f"{self.config.url} answered about {what} with something that is not JSON"
            ) from None
        return body if isinstance(body, dict) else {}

    def _raise_for(self, response: httpx.Response, what: str) -> None:
        if response.is_success:
            return
        detail, scim_type = _detail(response)
        error = self._error(response.status_code, what, detail, scim_type)
        if error is not None:
            raise error

    def _error(
        self, status: int, what: str, detail: str, scim_type: str | None
    ) -> ConnectorError | None:
        """The error a status means for ``what``; None for a success."""
        url = self.config.url
        if self.config.token:  # a server might echo what it was sent
            detail = detail.replace(self.config.token, "***")
        reason = f": {detail}" if detail else ""
        kind = f" {scim_type}" if scim_type else ""
        if 200 <= status < 300:
            return None
        if status in (401, 403):
            if self.config.token:
                return StopError(f"the relying party at {url} refused the token ({status})")
            return StopError(
                f"the relying party at {url} asks for a token and none is configured ({status})"
            )
        if status == 404:
            return NotFoundError(f"{what} is not on {url} (404)")
        if status == 409:
            return ConflictError(f"{url} refused {what} (409{kind}){reason}")
        if status == 412:
            return ConflictError(f"{what} changed on {url} since it was read (412)")
        if status == 429 or (status >= 500 and status not in (501, 505)):
            return TransientError(f"{url} is busy or failing ({status}) about {what}")
        if status in (405, 501, 505) or 300 <= status < 400:
            return StopError(f"{url} does not serve this SCIM request ({status}) for {what}")
        return InvalidValueError(f"{url} refused {what} ({status}{kind}){reason}")
