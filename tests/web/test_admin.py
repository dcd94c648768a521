"""The admin lists what idms stores, and never shows a relying party's token."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import User

from idms.domain import SystemClock
from idms.web.relying_parties.services import add_relying_party

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_client(client):
    user = User.objects.create_superuser("admin", "admin@example.gov", "pw")
    client.force_login(user)
    return client


def test_relying_party_admin_page_never_shows_the_token(admin_client):
    relying_party = add_relying_party(
        name="hr",
        kind="scim",
        settings={"url": "https://hr.example/scim/v2"},
        secret="s3cr3t-token-value",
        disable_threshold=5.0,
        actor="tester",
        clock=SystemClock(),
    )

    page = admin_client.get(f"/admin/relying_parties/relyingparty/{relying_party.pk}/change/")

    assert page.status_code == 200
    assert b"all credentials" in page.content  # the default automation is editable here
    assert b"s3cr3t-token-value" not in page.content
    assert relying_party.secret.encode() not in page.content


@pytest.mark.parametrize(
    "path",
    [
        "/admin/credentials/person/",
        "/admin/credentials/credential/",
        "/admin/credentials/credentialevent/",
        "/admin/runs/run/",
        "/admin/runs/runentry/",
        "/admin/runs/actionoutcome/",
        "/admin/audit/auditrecord/",
        "/admin/relying_parties/relyingpartyaccount/",
    ],
)
def test_admin_lists_open(admin_client, path):
    assert admin_client.get(path).status_code == 200
