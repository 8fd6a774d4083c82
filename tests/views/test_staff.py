"""Staff sign-in: strong passwords, throttling, server-side sessions, roles."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import func, select

from portal.db import utcnow
from portal.models import Role, StaffSession, StaffUser
from portal.services import staff
from portal.services.passwords import password_problems
from tests.conftest import STAFF_PASSWORD


def test_sign_in_opens_the_queue_and_sign_out_really_ends_it(app, make_staff, sign_in):
    moderator = make_staff("moderator")
    client = app.test_client()
    assert client.get("/moderation/").status_code == 403  # with a link to sign in
    response = sign_in(client, moderator)
    assert response.status_code == 303
    assert response.headers["Location"] == "/moderation/"
    queue = client.get("/moderation/")
    assert queue.status_code == 200
    assert queue.headers["Cache-Control"] == "no-store"

    stolen = client.get_cookie("session").value
    page = client.get("/moderation/").get_data(as_text=True)
    from tests.forms import hidden_fields

    client.post("/staff/sign-out", data=hidden_fields(page, "/staff/sign-out"))
    assert client.get("/moderation/").status_code == 403
    replay = app.test_client()
    replay.set_cookie("session", stolen)
    assert replay.get("/moderation/").status_code == 403  # the old cookie is dead


def test_a_new_session_and_form_token_at_sign_in(app, make_staff, sign_in):
    moderator = make_staff("moderator")
    client = app.test_client()
    from tests.forms import hidden_fields

    before = hidden_fields(
        client.get("/staff/sign-in").get_data(as_text=True), "/staff/sign-in"
    )
    sign_in(client, moderator)
    page = client.get("/moderation/").get_data(as_text=True)
    after = hidden_fields(page, "/staff/sign-out")
    assert before["csrf_token"] != after["csrf_token"]


def test_wrong_password_and_unknown_user_get_the_same_answer(app, make_staff, sign_in):
    moderator = make_staff("moderator")
    wrong = sign_in(app.test_client(), moderator, password="not the password at all")
    ghost = StaffUser(username="nobody-here")
    unknown = sign_in(app.test_client(), ghost)
    assert wrong.status_code == unknown.status_code == 401
    message = "用户名或密码不正确"
    assert message in wrong.get_data(as_text=True)
    assert message in unknown.get_data(as_text=True)


def test_ten_failures_lock_the_account_for_a_while(app, session, make_staff):
    moderator = make_staff("moderator")
    with app.test_request_context():
        for _ in range(10):
            assert (
                staff.sign_in(session, moderator.username, "wrong password x") is None
            )
        # The right password does not open a locked account.
        assert staff.sign_in(session, moderator.username, STAFF_PASSWORD) is None
        user = session.get(StaffUser, moderator.id)
        user.locked_until = utcnow() - timedelta(seconds=1)
        session.commit()
        assert staff.sign_in(session, moderator.username, STAFF_PASSWORD) is not None


def test_an_operator_can_unlock_an_account(app, runner, session, make_staff):
    moderator = make_staff("moderator")
    with app.test_request_context():
        for _ in range(10):
            staff.sign_in(session, moderator.username, "wrong password x")
    result = runner.invoke(args=["users", "unlock", moderator.username])
    assert result.exit_code == 0, result.output
    with app.test_request_context():
        assert staff.sign_in(session, moderator.username, STAFF_PASSWORD) is not None
    assert runner.invoke(args=["users", "unlock", "nobody"]).exit_code != 0


def test_sign_in_is_throttled_per_username(app, make_staff, sign_in):
    moderator = make_staff("moderator")
    client = app.test_client()
    statuses = [
        sign_in(client, moderator, password=f"wrong password {i}").status_code
        for i in range(6)
    ]
    assert statuses[:5] == [401] * 5 and statuses[5] == 429


def test_idle_and_absolute_timeouts_end_sessions(app, session, make_staff, sign_in):
    moderator = make_staff("moderator")
    client = app.test_client()
    sign_in(client, moderator)
    row = session.scalar(select(StaffSession))
    row.last_seen_at = utcnow() - timedelta(minutes=31)
    session.commit()
    assert client.get("/moderation/").status_code == 403
    assert session.scalar(select(func.count()).select_from(StaffSession)) == 0

    sign_in(client, moderator)
    row = session.scalar(select(StaffSession))
    row.created_at = utcnow() - timedelta(hours=13)
    session.commit()
    assert client.get("/moderation/").status_code == 403


def test_activity_keeps_a_session_alive(app, session, make_staff, sign_in):
    moderator = make_staff("moderator")
    client = app.test_client()
    sign_in(client, moderator)
    # Twenty minutes idle, twice: forty in all, but never thirty in a row.
    for _ in range(2):
        session.expire_all()
        row = session.scalar(select(StaffSession))
        row.last_seen_at -= timedelta(minutes=20)
        session.commit()
        assert client.get("/moderation/").status_code == 200


@pytest.mark.parametrize(
    ("password", "role", "problem"),
    [
        ("short pass 1", Role.ADMINISTRATOR, "15"),
        ("aaaaaaaaaaaaaaa", Role.MODERATOR, "different characters"),
        ("Password1234", Role.MODERATOR, "too common"),
        ("my-name-is-alice-ok", Role.MODERATOR, "username"),
    ],
)
def test_weak_passwords_are_refused(app, password, role, problem):
    with app.test_request_context("/?lang=en"):
        problems = password_problems(password, "alice", role)
    assert any(problem in p for p in problems), problems


def test_a_good_password_passes(app):
    with app.test_request_context("/?lang=en"):
        assert password_problems(STAFF_PASSWORD, "alice", Role.ADMINISTRATOR) == []


def test_users_create_command(runner, session):
    result = runner.invoke(
        args=[
            "users",
            "create",
            "Chief",
            "--role",
            "administrator",
            "--password-stdin",
        ],
        input=STAFF_PASSWORD + "\n",
    )
    assert result.exit_code == 0, result.output
    user = session.scalar(select(StaffUser))
    assert user.username == "chief" and user.role == Role.ADMINISTRATOR
    assert user.password_hash.startswith("$argon2id$")
    weak = runner.invoke(
        args=["users", "create", "x", "--role", "moderator", "--password-stdin"],
        input="123456\n",
    )
    assert weak.exit_code != 0


@pytest.mark.parametrize("path", ["/moderation/", "/moderation/audit"])
def test_residents_cannot_open_staff_pages(client, path):
    page = client.get(path)
    assert page.status_code == 403
    assert "/staff/sign-in?next=" in page.get_data(as_text=True)
    assert client.post("/moderation/decide").status_code == 400  # no CSRF token


def test_a_resident_with_a_token_posting_to_moderation_gets_403(client, shipped):
    from tests.forms import hidden_fields

    token = hidden_fields(
        client.get("/c/2.1").get_data(as_text=True), "/c/2.1/comments"
    )
    response = client.post(
        "/moderation/decide",
        data={"csrf_token": token["csrf_token"], "bulk": "approve"},
    )
    assert response.status_code == 403


def test_roles_are_checked_on_the_server(app, make_staff, sign_in):
    official = make_staff("official")
    client = app.test_client()
    sign_in(client, official)
    assert client.get("/moderation/").status_code == 403
    moderator = make_staff("moderator")
    client = app.test_client()
    sign_in(client, moderator)
    assert client.get("/moderation/audit").status_code == 403


def test_every_route_declares_who_may_open_it(app):
    undeclared = [
        rule.endpoint
        for rule in app.url_map.iter_rules()
        if rule.endpoint != "static"
        and not hasattr(app.view_functions[rule.endpoint], "access")
    ]
    assert undeclared == []


def test_a_departing_moderator_is_stopped_and_signed_out_at_once(
    app, runner, session, make_staff, sign_in
):
    """An operator stops an account: its open session ends, it cannot sign in,
    and the audit log says so; activating it lets it back in."""
    from portal.models import AuditEvent

    moderator = make_staff("moderator", username="leaving")
    client = app.test_client()
    sign_in(client, moderator)
    assert client.get("/moderation/").status_code == 200
    result = runner.invoke(args=["users", "deactivate", "leaving"])
    assert result.exit_code == 0, result.output
    assert client.get("/moderation/").status_code == 403
    with app.test_request_context():
        assert staff.sign_in(session, "leaving", STAFF_PASSWORD) is None
    listed = runner.invoke(args=["users", "list"]).output
    assert "leaving\tmoderator\t-\tstopped" in listed
    assert runner.invoke(args=["users", "activate", "leaving"]).exit_code == 0
    with app.test_request_context():
        assert staff.sign_in(session, "leaving", STAFF_PASSWORD) is not None
    actions = session.scalars(
        select(AuditEvent.action)
        .where(AuditEvent.action.like("staff.%activate"))
        .order_by(AuditEvent.id)
    ).all()
    assert actions == ["staff.deactivate", "staff.activate"]
    assert runner.invoke(args=["users", "deactivate", "nobody"]).exit_code != 0


def test_a_role_change_and_a_new_password_sign_the_account_out(
    app, runner, session, make_staff, sign_in
):
    user = make_staff("moderator", username="promoted")
    client = app.test_client()
    sign_in(client, user)
    result = runner.invoke(args=["users", "role", "promoted", "official"])
    assert result.exit_code == 0, result.output
    assert session.scalar(select(StaffUser.role).where(StaffUser.id == user.id)) == (
        Role.OFFICIAL
    )
    assert client.get("/dashboard/").status_code == 403  # signed out: sign in again
    # A moderator's password met a lighter rule than an administrator's.
    refused = runner.invoke(args=["users", "role", "promoted", "administrator"])
    assert refused.exit_code != 0 and "stricter" in refused.output
    new = "a long new passphrase 2026"
    result = runner.invoke(
        args=["users", "password", "promoted", "--password-stdin"], input=new + "\n"
    )
    assert result.exit_code == 0, result.output
    with app.test_request_context():
        assert staff.sign_in(session, "promoted", STAFF_PASSWORD) is None
        assert staff.sign_in(session, "promoted", new) is not None
    weak = runner.invoke(
        args=["users", "password", "promoted", "--password-stdin"], input="123456\n"
    )
    assert weak.exit_code != 0


def test_an_administrator_manages_staff_accounts_on_a_page(
    app, session, make_staff, sign_in
):
    from tests.forms import hidden_fields, send

    admin = app.test_client()
    chief = make_staff("administrator", username="chief")
    sign_in(admin, chief)
    leaving = make_staff("moderator", username="leaving")
    moving = make_staff("moderator", username="moving")
    their_client = app.test_client()
    sign_in(their_client, leaving)
    page = admin.get("/admin/staff?lang=en").get_data(as_text=True)
    assert "leaving" in page and "Stop this account" in page
    send(admin, "/admin/staff", "/admin/staff/moving/role", {"role": "official"})
    send(admin, "/admin/staff?lang=en", "/admin/staff/leaving/stop?lang=en", {})
    session.expire_all()
    assert session.get(StaffUser, moving.id).role == Role.OFFICIAL
    assert not session.get(StaffUser, leaving.id).is_active
    assert their_client.get("/moderation/").status_code == 403
    page = admin.get("/admin/staff?lang=en").get_data(as_text=True)
    assert "leaving can no longer sign in, and was signed out." in page
    assert "Let it sign in again" in page
    # No administrator can stop or demote themselves by mistake (the page
    # offers no such form; a hand-made request is refused too).
    plain = admin.get("/admin/staff").get_data(as_text=True)
    assert "/admin/staff/chief/" not in plain
    token = hidden_fields(plain, "/admin/staff/leaving/start")
    own = admin.post("/admin/staff/chief/stop?lang=en", data=token)
    assert own.status_code == 303
    session.expire_all()
    assert session.get(StaffUser, chief.id).is_active
    assert "You cannot change or stop your own account here." in admin.get(
        "/admin/staff?lang=en"
    ).get_data(as_text=True)
    moderator = app.test_client()
    sign_in(moderator, make_staff("moderator", username="other"))
    assert moderator.get("/admin/staff").status_code == 403
