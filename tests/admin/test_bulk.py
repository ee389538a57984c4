"""“Apply to everything the query matches”: a bulk command from the query box, its page and Abort."""

from __future__ import annotations

from urllib.parse import urlencode

import pytest
from django.urls import reverse

from media_platform.models import BulkCommand, EncodingProcess
from media_platform.services.bulk import bulk_command_create
from media_platform.status import BulkState
from tests.admin.conftest import messages_of
from tests.support.workers import run_burst

BULK = reverse("admin:media_platform_video_bulk")
LIST = reverse("admin:media_platform_video_changelist")


@pytest.mark.workers
@pytest.mark.django_db(transaction=True)
def test_the_query_becomes_a_bulk_command_that_a_worker_walks(admin_client, admin_user, make_video):
    # given three videos, two of which the query selects
    a, b = make_video("match a", original=True), make_video("match b", original=True)
    make_video("other", original=True)
    query = "title LIKE 'match%'"
    listing = admin_client.get(LIST + "?" + urlencode({"query": query})).content.decode()
    assert f'href="{BULK}?query=title%20LIKE%20%27match%25%27"' in listing

    # when the operator confirms a recompute over it
    form = admin_client.get(BULK, {"query": query}).content.decode()
    assert '<strong class="mp-bulk-count">2 videos</strong>' in form
    response = admin_client.post(BULK, {"query": query, "action": "recomputeVideoConversion",
                                        "conversion_names": ["240p"]}, follow=True)  # fmt: skip

    # then a command exists, its page is shown, and a worker goes through the two videos
    command = BulkCommand.objects.get()
    assert response.redirect_chain[-1][0] == reverse("admin:media_platform_bulkcommand_change", args=[command.pk])
    assert "Bulk command <a href" in response.content.decode() and str(command.command_id) in messages_of(response)[0]
    assert command.query == query and command.user == admin_user and command.conversion_names == ["240p"]
    run_burst(["default"])
    command.refresh_from_db()
    assert command.state == BulkState.COMPLETED and command.processed == 2 and command.total == 2
    assert set(EncodingProcess.objects.values_list("video_id", flat=True)) == {a.pk, b.pk}

    page = admin_client.get(reverse("admin:media_platform_bulkcommand_change", args=[command.pk])).content.decode()
    assert 'data-progress="100"' in page and "2 / 2" in page and "Completed" in page
    body = admin_client.get(reverse("admin:media_platform_bulkcommand_progress"), {"ids": command.pk}).json()
    assert body["bulk"][str(command.pk)]["progress"] == 100 and not body["bulk"][str(command.pk)]["active"]


@pytest.mark.django_db
def test_a_bad_or_empty_query_never_schedules_anything(admin_client, make_video):
    response = admin_client.get(BULK, {"query": "title ="}, follow=True)
    assert messages_of(response) == ["Write a valid query first: the bulk command runs over it."]
    assert 'id="mp-query-error"' in response.content.decode()
    response = admin_client.post(BULK, {"query": "", "action": "reencode"}, follow=True)
    assert not BulkCommand.objects.exists()


@pytest.mark.django_db
def test_abort_from_the_page_and_the_action(admin_client, admin_user):
    first = bulk_command_create(query="length > 1", action="reencode", user=admin_user)
    second = bulk_command_create(query="length > 2", action="reencode", user=admin_user)
    page = admin_client.get(reverse("admin:media_platform_bulkcommand_change", args=[first.pk])).content.decode()
    abort_url = reverse("admin:media_platform_bulkcommand_abort", args=[first.pk])
    assert abort_url in page and "0 / 0" in page

    response = admin_client.post(abort_url, follow=True)
    assert messages_of(response) == ["Aborted: work already queued runs on, no further batch starts."]
    first.refresh_from_db()
    assert first.state == BulkState.ABORTED

    response = admin_client.post(
        reverse("admin:media_platform_bulkcommand_changelist"),
        {"action": "abort_commands", "index": 0, "_selected_action": [first.pk, second.pk]},
        follow=True,
    )
    assert messages_of(response)[0].startswith("Aborted 1 bulk command;")
    assert BulkCommand.objects.get(pk=second.pk).state == BulkState.ABORTED
