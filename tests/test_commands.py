from matchmaker.models import Role, User


def test_create_user_makes_a_confirmed_staff_account(runner, db, client):
    result = runner.invoke(args=["create-user", "--role", "staff", "--password", "a long staff passphrase",
                                 "Ines.Staff@BTU.example"])
    assert result.exit_code == 0, result.output
    user = db.session.scalar(db.select(User).where(User.email == "ines.staff@btu.example"))
    assert user.role == Role.staff and user.confirmed_at is not None
    response = client.post("/auth/login", data={"email": "ines.staff@btu.example", "password": "a long staff passphrase"})
    assert response.status_code == 302


def test_create_user_refuses_bad_input(runner, make_user):
    make_user(email="taken@example.org")
    for args in (["--role", "staff", "--password", "short", "x@example.org"],
                 ["--role", "staff", "--password", "a long staff passphrase", "not-an-email"],
                 ["--role", "staff", "--password", "a long staff passphrase", "taken@example.org"],
                 ["--role", "staff", "--password", "password12345", "z@example.org"],
                 ["--role", "emperor", "--password", "a long staff passphrase", "y@example.org"]):
        result = runner.invoke(args=["create-user", *args])
        assert result.exit_code != 0, args
        assert "Traceback" not in result.output

