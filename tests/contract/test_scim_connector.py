"""The SCIM connector against a real scim2-server, one fresh server per test."""

from __future__ import annotations

import threading
from collections.abc import Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import httpx
import pytest

from idms.connectors.base import (
    ACTIVE,
    EMAIL,
    FAMILY_NAME,
    GIVEN_NAME,
    USER_NAME,
    Action,
    ActionKind,
    Capability,
    ExpectedAccount,
    HealthStatus,
    OutcomeStatus,
)
from idms.connectors.errors import (
    ConflictError,
    InvalidValueError,
    NotFoundError,
    StopError,
    TransientError,
)
from idms.connectors.scim import ScimConfig, ScimConnector, start_scim_server
from idms.connectors.scim.server import RunningScimServer
from idms.connectors.testing import (
    Seed,
    TargetConnectorContract,
    add_action,
    by_key,
    change_action,
    sample_account,
)

pytestmark = pytest.mark.contract

USER = "urn:ietf:params:scim:schemas:core:2.0:User"
BULK = "urn:ietf:params:scim:api:messages:2.0:BulkRequest"
PATCH = "urn:ietf:params:scim:api:messages:2.0:PatchOp"
TOKEN = "s3cret-token-7f1c9a"


def scim_user(expected: ExpectedAccount) -> dict[str, Any]:
    """The test's own projection, independent of the connector's mapping."""
    a = expected.attributes
    return {
        "schemas": [USER],
        "externalId": expected.key,
        "userName": a[USER_NAME],
        "name": {"givenName": a[GIVEN_NAME], "familyName": a[FAMILY_NAME]},
        "emails": [{"value": a[EMAIL], "type": "work", "primary": True}],
        "active": a[ACTIVE],
    }


def bulk_post(admin: httpx.Client, users: Sequence[dict[str, Any]]) -> list[str]:
    ids: list[str] = []
    for start in range(0, len(users), 500):
        operations = [
            {"method": "POST", "path": "/Users", "bulkId": f"s{start + n}", "data": user}
            for n, user in enumerate(users[start : start + 500])
        ]
        response = admin.post("/Bulk", json={"schemas": [BULK], "Operations": operations})
        response.raise_for_status()
        for result in response.json()["Operations"]:
            assert result["status"] == "201", result
            ids.append(result["location"].rsplit("/", 1)[-1])
    return ids


@pytest.fixture
def server() -> Iterator[RunningScimServer]:
    """A scim2-server of this test's own (about 0.5 s to start)."""
    with start_scim_server() as running:
        yield running


@pytest.fixture
def admin(server: RunningScimServer) -> Iterator[httpx.Client]:
    """Direct access to the relying party, bypassing the connector."""
    headers = {"Authorization": f"Bearer {server.bearer_token}"} if server.bearer_token else {}
    with httpx.Client(base_url=server.base_url, headers=headers) as client:
        yield client


@pytest.fixture
def scim(server: RunningScimServer) -> Iterator[ScimConnector]:
    with ScimConnector(ScimConfig(server.base_url, token=server.bearer_token)) as connector:
        yield connector


class Recorder:
    """An httpx client that remembers the requests it sent."""

    def __init__(self, transport: httpx.BaseTransport | None = None) -> None:
        self.requests: list[httpx.Request] = []
        self.client = httpx.Client(
            transport=transport, event_hooks={"request": [self.requests.append]}
        )

    def sent(self, method: str, path_end: str) -> list[httpx.Request]:
        return [r for r in self.requests if r.method == method and r.url.path.endswith(path_end)]


class Announcing(httpx.HTTPTransport):
    """Rewrites the ServiceProviderConfig, to play a server with other features."""

    def __init__(self, **sections: Any) -> None:
        super().__init__()
        self.sections = sections

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        response = super().handle_request(request)
        if not request.url.path.endswith("/ServiceProviderConfig"):
            return response
        response.read()
        document = {**response.json(), **self.sections}
        return httpx.Response(response.status_code, json=document)


class TestScimConnectorContract(TargetConnectorContract):
    @pytest.fixture
    def connector(self, server: RunningScimServer) -> Iterator[ScimConnector]:
        with ScimConnector(ScimConfig(server.base_url, page_size=100)) as connector:
            yield connector

    @pytest.fixture
    def seed(self, admin: httpx.Client) -> Seed:
        def put(accounts: Sequence[ExpectedAccount]) -> list[str]:
            return bulk_post(admin, [scim_user(a) for a in accounts])

        return put


# -- reading -----------------------------------------------------------------------------------


def test_reading_250_users_asks_for_three_pages_of_100(
    server: RunningScimServer, admin: httpx.Client
) -> None:
    bulk_post(admin, [scim_user(sample_account(n)) for n in range(250)])
    recorder = Recorder()
    connector = ScimConnector(ScimConfig(server.base_url, page_size=100), recorder.client)

    accounts = list(connector.read())

    assert len({a.key for a in accounts}) == 250
    pages = recorder.sent("GET", "/Users")
    assert [(p.url.params["startIndex"], p.url.params["count"]) for p in pages] == [
        ("1", "100"),
        ("101", "100"),
        ("201", "100"),
    ]
    assert "attributes" in pages[0].url.params


def test_reading_is_a_generator_that_fetches_pages_only_as_needed(
    server: RunningScimServer, admin: httpx.Client
) -> None:
    bulk_post(admin, [scim_user(sample_account(n)) for n in range(30)])
    recorder = Recorder()
    connector = ScimConnector(ScimConfig(server.base_url, page_size=10), recorder.client)

    reading = connector.read()
    first = [next(reading) for _ in range(10)]

    assert len(first) == 10
    assert len(recorder.sent("GET", "/Users")) == 1


def test_a_user_without_active_or_names_reads_as_active_with_none_and_no_drift(
    scim: ScimConnector, admin: httpx.Client
) -> None:
    admin.post("/Users", json={"schemas": [USER], "userName": "bare", "externalId": "cms-1"})

    (account,) = scim.read()

    assert dict(account.attributes) == {
        USER_NAME: "bare",
        GIVEN_NAME: None,
        FAMILY_NAME: None,
        EMAIL: None,
        ACTIVE: True,
    }
    assert account.version


def test_the_email_read_is_the_primary_work_address(
    scim: ScimConnector, admin: httpx.Client
) -> None:
    home = {"value": "home@example.org", "type": "home"}
    work = {"value": "work@agency.example", "type": "work"}
    main = {"value": "main@agency.example", "type": "work", "primary": True}
    primary_home = {**home, "primary": True}
    for user_name, emails in (
        ("a", [home, work, main]),  # the primary work address
        ("b", [work, primary_home]),  # else the primary one
        ("c", [home, work]),  # else the first work one
        ("d", [home]),  # else the first one
    ):
        admin.post("/Users", json={"schemas": [USER], "userName": user_name, "emails": emails})

    found = {a.alt_key: a.attributes[EMAIL] for a in scim.read()}

    assert found == {
        "a": "main@agency.example",
        "b": "home@example.org",
        "c": "work@agency.example",
        "d": "home@example.org",
    }


# -- adoption and versions ---------------------------------------------------------------------


def test_an_account_without_external_id_reads_with_no_key_and_user_name_as_alt_key(
    scim: ScimConnector, admin: httpx.Client
) -> None:
    admin.post("/Users", json={"schemas": [USER], "userName": "jdoe"})

    (account,) = scim.read()

    assert account.key is None
    assert account.alt_key == "jdoe"


def test_an_update_that_adopts_sets_the_external_id_and_the_changes(
    scim: ScimConnector, admin: httpx.Client
) -> None:
    admin.post("/Users", json={"schemas": [USER], "userName": "jdoe"})
    (account,) = scim.read()
    action = Action(
        kind=ActionKind.UPDATE,
        key="cms-42",
        rp_id=account.rp_id,
        before=account.attributes,
        after={**account.attributes, GIVEN_NAME: "Jane"},
        changes={GIVEN_NAME: "Jane"},
        version=account.version,
        adopt=True,
    )

    scim.apply(action)

    (adopted,) = scim.read()
    assert adopted.key == "cms-42"
    assert adopted.attributes[GIVEN_NAME] == "Jane"


def test_a_stale_version_is_re_read_and_the_update_still_applies(
    server: RunningScimServer, admin: httpx.Client
) -> None:
    bulk_post(admin, [scim_user(sample_account(1))])
    recorder = Recorder()
    connector = ScimConnector(ScimConfig(server.base_url), recorder.client)
    (account,) = connector.read()
    # Someone else changes the user after idms read it.
    admin.patch(
        f"/Users/{account.rp_id}",
        json={"schemas": [PATCH], "Operations": [{"op": "replace", "path": "title", "value": "X"}]},
    ).raise_for_status()

    current = admin.get(f"/Users/{account.rp_id}").headers["ETag"]

    outcome = connector.apply(change_action(ActionKind.UPDATE, account, {FAMILY_NAME: "New"}))

    assert outcome.status is OutcomeStatus.APPLIED
    assert outcome.attempts == 2
    patches = recorder.sent("PATCH", f"/Users/{account.rp_id}")
    assert current != account.version
    assert [p.headers["If-Match"] for p in patches] == [account.version, current]
    (after,) = connector.read()
    assert after.attributes[FAMILY_NAME] == "New"
    assert admin.get(f"/Users/{account.rp_id}").json()["title"] == "X"


def test_without_etag_support_no_if_match_is_sent(
    server: RunningScimServer, admin: httpx.Client
) -> None:
    bulk_post(admin, [scim_user(sample_account(1))])
    recorder = Recorder(Announcing(etag={"supported": False}))
    connector = ScimConnector(ScimConfig(server.base_url), recorder.client)
    (account,) = connector.read()

    connector.apply(change_action(ActionKind.DISABLE, account, {ACTIVE: False}))

    assert Capability.ETAG not in connector.capabilities
    assert "If-Match" not in recorder.sent("PATCH", account.rp_id)[0].headers


# -- adds: conflicts and retries ---------------------------------------------------------------


def test_adding_a_user_name_held_by_another_person_raises_conflict(
    scim: ScimConnector, admin: httpx.Client
) -> None:
    bulk_post(admin, [scim_user(sample_account(1))])
    intruder = ExpectedAccount("cms-other", sample_account(1).attributes)

    with pytest.raises(ConflictError, match=r"user000001.*linked to cms-000001"):
        scim.apply(add_action(intruder))

    assert len(list(scim.read())) == 1


def test_an_add_retried_after_it_succeeded_is_applied_with_one_user(
    scim: ScimConnector,
) -> None:
    action = add_action(sample_account(3))

    first = scim.apply(action)
    retried = scim.apply(action)

    assert retried.status is OutcomeStatus.APPLIED
    assert retried.rp_id == first.rp_id
    assert [a.rp_id for a in scim.read()] == [first.rp_id]


def test_updating_a_user_deleted_meanwhile_raises_not_found(
    scim: ScimConnector, admin: httpx.Client
) -> None:
    bulk_post(admin, [scim_user(sample_account(1))])
    (account,) = scim.read()
    admin.delete(f"/Users/{account.rp_id}").raise_for_status()

    with pytest.raises(NotFoundError, match=r"cms-000001.*404"):
        scim.apply(change_action(ActionKind.UPDATE, account, {GIVEN_NAME: "Late"}))


def test_a_value_the_server_rejects_raises_invalid_value_with_its_detail(
    scim: ScimConnector,
) -> None:
    nameless = ExpectedAccount("cms-5", {**sample_account(5).attributes, USER_NAME: None})
    with pytest.raises(InvalidValueError, match="userName"):
        scim.apply(add_action(nameless))

    added = scim.apply(add_action(sample_account(6)))
    (account,) = scim.read()
    assert account.rp_id == added.rp_id
    with pytest.raises(InvalidValueError, match=r"400 invalidValue.*boolean"):
        scim.apply(change_action(ActionKind.UPDATE, account, {ACTIVE: "maybe"}))


def test_an_attribute_idms_does_not_manage_is_refused_before_sending(
    scim: ScimConnector,
) -> None:
    odd = ExpectedAccount("cms-7", {**sample_account(7).attributes, "shoe_size": "44"})

    with pytest.raises(InvalidValueError, match="shoe_size"):
        scim.apply(add_action(odd))


def test_concurrent_adds_from_several_threads_all_apply_once(scim: ScimConnector) -> None:
    actions = [add_action(sample_account(n)) for n in range(60)]

    with ThreadPoolExecutor(max_workers=6) as pool:
        outcomes = list(pool.map(scim.apply, actions))

    assert {o.status for o in outcomes} == {OutcomeStatus.APPLIED}
    assert len(by_key(scim)) == 60


# -- tokens ------------------------------------------------------------------------------------


@pytest.fixture
def guarded() -> Iterator[RunningScimServer]:
    with start_scim_server(bearer_token=TOKEN) as running:
        yield running


def test_without_the_token_writes_stop_and_check_is_refused(guarded: RunningScimServer) -> None:
    connector = ScimConnector(ScimConfig(guarded.base_url))

    health = connector.check()
    with pytest.raises(StopError, match=r"none is configured \(401\)"):
        connector.apply(add_action(sample_account(1)))

    assert health.status is HealthStatus.REFUSED
    assert "401" in health.message


def test_a_wrong_token_is_refused_without_showing_it(guarded: RunningScimServer) -> None:
    wrong = "wrong-token-0a8b"
    connector = ScimConnector(ScimConfig(guarded.base_url, token=wrong))

    health = connector.check()
    with pytest.raises(StopError, match=r"refused the token \(401\)") as raised:
        list(connector.read())

    assert health.status is HealthStatus.REFUSED
    assert wrong not in health.message
    assert wrong not in str(raised.value)
    assert wrong not in repr(raised.value)


def test_with_the_token_check_is_ok_and_writes_apply(guarded: RunningScimServer) -> None:
    config = ScimConfig(guarded.base_url, token=TOKEN)
    connector = ScimConnector(config)

    health = connector.check()
    outcome = connector.apply(add_action(sample_account(1)))

    assert health.status is HealthStatus.OK
    assert {Capability.BULK, Capability.ETAG} <= health.capabilities
    assert outcome.status is OutcomeStatus.APPLIED
    assert [a.key for a in connector.read()] == ["cms-000001"]
    for shown in (repr(config), str(config), repr(connector), str(connector), health.message):
        assert TOKEN not in shown
    assert "token=<set>" in repr(config)


# -- an unreachable server ---------------------------------------------------------------------


def test_a_stopped_server_gives_transient_errors_and_unreachable_health() -> None:
    server = start_scim_server(bearer_token=TOKEN)
    connector = ScimConnector(ScimConfig(server.base_url, token=TOKEN, timeout=2.0))
    added = connector.apply(add_action(sample_account(1)))
    (account,) = connector.read()
    server.stop()

    health = connector.check()
    errors = []
    for attempt in (
        lambda: connector.apply(add_action(sample_account(2))),
        lambda: connector.apply(change_action(ActionKind.DISABLE, account, {ACTIVE: False})),
        lambda: list(connector.read()),
    ):
        with pytest.raises(TransientError) as raised:
            attempt()
        errors.append(raised.value)

    assert added.status is OutcomeStatus.APPLIED
    assert health.status is HealthStatus.UNREACHABLE
    assert server.base_url in health.message
    for error in errors:
        assert server.base_url in str(error)
        assert TOKEN not in str(error)
        assert TOKEN not in repr(error)


def answering(status: int, body: dict[str, Any] | None = None) -> httpx.Client:
    """A client whose every request gets ``status``, as a misbehaving server would answer."""

    def handler(request: httpx.Request) -> httpx.Response:
        if request.url.path.endswith("/ServiceProviderConfig") and status != 404:
            return httpx.Response(200, json={"bulk": {"supported": False}})
        return httpx.Response(status, json=body or {"detail": "nope"})

    return httpx.Client(transport=httpx.MockTransport(handler))


@pytest.mark.parametrize(
    ("status", "error"),
    [
        (429, TransientError),
        (500, TransientError),
        (503, TransientError),
        (401, StopError),
        (403, StopError),
        (404, NotFoundError),
        (409, ConflictError),
        (400, InvalidValueError),
        (501, StopError),
    ],
)
def test_each_error_status_maps_to_its_error_type(status: int, error: type[Exception]) -> None:
    connector = ScimConnector(ScimConfig("https://rp.example/scim/v2"), answering(status))
    account = sample_account(1)
    action = Action(ActionKind.DISABLE, account.key, "id-1", None, None, {ACTIVE: False})

    with pytest.raises(error, match=r"rp\.example"):
        connector.apply(action)


def test_a_url_without_a_scim_service_is_refused_by_check() -> None:
    connector = ScimConnector(ScimConfig("https://rp.example/wrong"), answering(404))

    health = connector.check()

    assert health.status is HealthStatus.REFUSED
    assert "check the URL" in health.message


# -- bulk --------------------------------------------------------------------------------------


def test_bulk_adds_fifty_accounts_in_one_request(
    server: RunningScimServer, admin: httpx.Client
) -> None:
    recorder = Recorder()
    connector = ScimConnector(ScimConfig(server.base_url), recorder.client)
    actions = [add_action(sample_account(n)) for n in range(50)]

    outcomes = connector.apply_many(actions)

    assert [o.action for o in outcomes] == actions
    assert {o.status for o in outcomes} == {OutcomeStatus.APPLIED}
    assert len(recorder.sent("POST", "/Bulk")) == 1
    accounts = by_key(connector)
    assert len(accounts) == 50
    assert {o.rp_id for o in outcomes} == {a.rp_id for a in accounts.values()}


def test_bulk_requests_keep_within_the_announced_max_operations(
    server: RunningScimServer,
) -> None:
    bulk = {"supported": True, "maxOperations": 20, "maxPayloadSize": 1048576}
    recorder = Recorder(Announcing(bulk=bulk))
    connector = ScimConnector(ScimConfig(server.base_url), recorder.client)

    outcomes = connector.apply_many([add_action(sample_account(n)) for n in range(50)])

    sizes = [
        len(httpx.Response(200, content=r.content).json()["Operations"])
        for r in recorder.sent("POST", "/Bulk")
    ]
    assert sizes == [20, 20, 10]
    assert len(outcomes) == 50
    assert len(list(connector.read())) == 50


def test_bulk_gives_each_operation_its_own_outcome(
    scim: ScimConnector, admin: httpx.Client
) -> None:
    taken, stale, gone = (sample_account(n) for n in (1, 2, 3))
    bulk_post(admin, [scim_user(a) for a in (taken, stale, gone)])
    accounts = by_key(scim)
    admin.delete(f"/Users/{accounts[gone.key].rp_id}").raise_for_status()
    admin.patch(
        f"/Users/{accounts[stale.key].rp_id}",
        json={"schemas": [PATCH], "Operations": [{"op": "replace", "path": "title", "value": "X"}]},
    ).raise_for_status()
    actions = [
        add_action(sample_account(4)),  # new
        add_action(taken),  # ours already: a retried add
        add_action(ExpectedAccount("cms-intruder", taken.attributes)),  # someone else's name
        change_action(ActionKind.UPDATE, accounts[stale.key], {GIVEN_NAME: "Fresh"}),
        change_action(ActionKind.DISABLE, accounts[gone.key], {ACTIVE: False}),
        add_action(ExpectedAccount("cms-5", {**sample_account(5).attributes, USER_NAME: None})),
    ]

    outcomes = scim.apply_many(actions)

    statuses = [o.status for o in outcomes]
    assert (
        statuses
        == [OutcomeStatus.APPLIED] * 2
        + [OutcomeStatus.FAILED]
        + [OutcomeStatus.APPLIED]
        + [OutcomeStatus.FAILED] * 2
    )
    assert outcomes[1].rp_id == accounts[taken.key].rp_id
    assert "linked to cms-000001" in (outcomes[2].error or "")
    assert "404" in (outcomes[4].error or "")
    assert "userName" in (outcomes[5].error or "")
    after = by_key(scim)
    assert after[stale.key].attributes[GIVEN_NAME] == "Fresh"
    assert set(after) == {taken.key, stale.key, "cms-000004"}


def test_without_bulk_support_apply_many_sends_one_request_per_action(
    server: RunningScimServer,
) -> None:
    recorder = Recorder(Announcing(bulk={"supported": False}))
    connector = ScimConnector(ScimConfig(server.base_url), recorder.client)
    actions = [add_action(sample_account(n)) for n in range(5)]
    actions.append(add_action(ExpectedAccount("cms-x", sample_account(0).attributes)))

    outcomes = connector.apply_many(actions)

    assert [o.status for o in outcomes] == [OutcomeStatus.APPLIED] * 5 + [OutcomeStatus.FAILED]
    assert recorder.sent("POST", "/Bulk") == []
    assert len(recorder.sent("POST", "/Users")) == 6
    assert Capability.BULK not in connector.capabilities


def test_an_orphan_in_a_bulk_is_refused_before_anything_is_sent(scim: ScimConnector) -> None:
    orphan = Action(ActionKind.ORPHAN, "cms-1", "id-1", None, None, {})

    with pytest.raises(ValueError, match="orphan"):
        scim.apply_many([add_action(sample_account(1)), orphan])

    assert list(scim.read()) == []


def test_capabilities_are_discovered_once_and_shared_between_threads(
    server: RunningScimServer,
) -> None:
    recorder = Recorder()
    connector = ScimConnector(ScimConfig(server.base_url), recorder.client)
    barrier = threading.Barrier(4)

    def ask() -> frozenset[Capability]:
        barrier.wait()
        return connector.capabilities

    with ThreadPoolExecutor(max_workers=4) as pool:
        found = set(pool.map(lambda _: ask(), range(4)))
    again = connector.capabilities

    assert found == {again}
    assert {Capability.BULK, Capability.ETAG} <= again
    assert len(recorder.sent("GET", "/ServiceProviderConfig")) == 1
