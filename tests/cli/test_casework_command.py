"""`visabond casework assign`: the post a consular officer or cashier works at."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import call_command

from tests.casework_world import person
from visabond.accounts.roles import Role
from visabond.audit.models import AuditEvent
from visabond.casework.selectors import post_of

pytestmark = pytest.mark.usefixtures("pilot")


def test_assigning_an_officer_gives_them_the_posts_cases_and_is_audited() -> None:
    officer = person("ada", Role.CONSULAR_OFFICER)
    out = StringIO()
    call_command("casework", "assign", "ada", "--post", "banjul", stdout=out)
    assert "ada works at U.S. Embassy Banjul" in out.getvalue()
    post = post_of(officer)
    assert post is not None
    assert post.code == "banjul"
    assert AuditEvent.objects.filter(action="account.post_assigned").count() == 1


@pytest.mark.parametrize(
    ("username", "post", "message"),
    [("nobody", "banjul", "there is no user"), ("ada", "atlantis", "there is no consular post")],
)
def test_an_unknown_person_or_post_exits_with_status_two(
    username: str, post: str, message: str, capsys: pytest.CaptureFixture[str]
) -> None:
    person("ada", Role.CONSULAR_OFFICER)
    with pytest.raises(SystemExit) as exited:
        call_command("casework", "assign", username, "--post", post)
    assert exited.value.code == 2
    assert message in capsys.readouterr().err
    assert not AuditEvent.objects.filter(action="account.post_assigned").exists()
