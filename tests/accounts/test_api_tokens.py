"""`bangkom api-token` (create shows the secret once, list never, revoke by prefix) and the token admin."""

from __future__ import annotations

import hashlib
import io

import pytest
from django.core import management
from django.core.management import CommandError, call_command
from django.test import Client

from bangkom.accounts.models import ApiToken
from bangkom.audit.models import AuditEvent
from bangkom.cli import main as bangkom_cli

from ..conftest import Org, make_user


def run(*args: str) -> str:
    out = io.StringIO()
    call_command("api_token", *args, stdout=out)
    return out.getvalue()


def test_create_list_revoke(org: Org) -> None:
    created = run("create", "--user", "admin_a", "--name", "LMS BPSDM")
    secret = created.strip().splitlines()[-1]
    token = ApiToken.objects.get()
    assert secret.startswith(token.prefix) and token.key_hash == hashlib.sha256(secret.encode()).hexdigest()
    assert token.prefix in created and token.user == org.users["admin_a"] and token.name == "LMS BPSDM"
    assert Client(headers={"authorization": f"Bearer {secret}"}).get("/api/v1/me").status_code == 200

    listed = run("list")
    assert token.prefix in listed and "LMS BPSDM" in listed and "aktif" in listed
    assert secret not in listed
    assert run("list", "--user", "staf1").strip().count("\n") == 0  # the header only

    assert "dicabut" in run("revoke", token.prefix)
    token.refresh_from_db()
    assert token.revoked_at is not None
    assert "sudah dicabut" in run("revoke", token.prefix)
    assert "dicabut" in run("list")
    assert Client(headers={"authorization": f"Bearer {secret}"}).get("/api/v1/me").status_code == 401

    events = AuditEvent.objects.filter(entity="accounts.apitoken").order_by("pk")
    assert [e.action for e in events] == ["create", "revoke"]  # the second revoke changed nothing
    # admin_a has no pegawai row: the event goes to the instansi they administer, for its admins to see.
    assert all(e.agency_id == org.agency_a.pk and e.actor_id is None for e in events)
    assert secret not in str([(e.before, e.after, e.summary) for e in events])


@pytest.mark.parametrize(("user", "agency"), [("staf1", "agency_a"), ("pegawai_b", "agency_b"), ("nasional", None)])
def test_audit_names_the_users_instansi(org: Org, user: str, agency: str | None) -> None:
    run("create", "--user", user, "--name", "LMS")
    expected = getattr(org, agency).pk if agency else None
    assert AuditEvent.objects.get(entity="accounts.apitoken").agency_id == expected


def test_two_tokens_differ(org: Org) -> None:
    first = run("create", "--user", "staf1", "--name", "A").strip().splitlines()[-1]
    second = run("create", "--user", "staf1", "--name", "B").strip().splitlines()[-1]
    assert first != second and ApiToken.objects.values("prefix").distinct().count() == 2


@pytest.mark.parametrize(
    "args",
    [
        ("create", "--user", "tidak-ada", "--name", "LMS"),
        ("create", "--user", "staf1", "--name", "   "),
        ("create", "--user", "staf1", "--name", "x" * 101),
        ("revoke", "bkm_tidakada"),
    ],
)
def test_wrong_usage_exits_2_and_writes_nothing(org: Org, args: tuple[str, ...]) -> None:
    with pytest.raises(CommandError) as info:
        run(*args)
    assert info.value.returncode == 2
    assert ApiToken.objects.count() == 0 and not AuditEvent.objects.filter(entity="accounts.apitoken").exists()


def test_inactive_user_gets_no_token(org: Org) -> None:
    org.users["staf2"].is_active = False
    org.users["staf2"].save()
    with pytest.raises(CommandError):
        run("create", "--user", "staf2", "--name", "LMS")


def test_bangkom_cli_spells_it_with_a_hyphen(monkeypatch: pytest.MonkeyPatch) -> None:
    """`bangkom api-token ...` reaches this command (run in-process it would close the test's connection)."""
    seen: list[list[str]] = []
    monkeypatch.setattr(management, "execute_from_command_line", seen.append)
    bangkom_cli(["bangkom", "api-token", "list"])
    assert seen == [["bangkom", "api_token", "list"]]
    assert management.get_commands()["api_token"] == "bangkom.accounts"


def test_admin_shows_tokens_read_only_and_revokes_audited(org: Org) -> None:
    root = make_user("root", org.users["staf1"].password, is_staff=True, is_superuser=True)
    client = Client()
    client.force_login(root)
    run("create", "--user", "staf1", "--name", "LMS")
    token = ApiToken.objects.get()
    assert client.get("/admin/accounts/apitoken/").status_code == 200
    assert client.get("/admin/accounts/apitoken/add/").status_code == 403
    page = client.get(f"/admin/accounts/apitoken/{token.pk}/change/").content.decode()
    assert token.key_hash in page and 'name="key_hash"' not in page and 'name="name"' in page
    response = client.post(
        "/admin/accounts/apitoken/",
        {"action": "revoke_tokens", "_selected_action": [token.pk]},
    )
    assert response.status_code == 302
    token.refresh_from_db()
    assert token.revoked_at is not None
    event = AuditEvent.objects.get(entity="accounts.apitoken", action="revoke")
    assert event.actor_id == root.pk
