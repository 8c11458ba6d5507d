"""E-mail digests received by a real SMTP server (aiosmtpd) on 127.0.0.1."""

from __future__ import annotations

from datetime import UTC, datetime

from notify_helpers import ASSEMBLY_LAW, NGO_LAW, add_subscriber, change, document, flag, publish

from storage import deliveries, subscribers
from tracker.config import Schedule
from tracker.notify import events as ev
from tracker.notify.digests import is_due, send_digests

AMENDMENT = {
    "kind": "new_wording",
    "text": "Изложена в редакции Закона РК от 10.11.2026 № 410-VIII",
    "act_id": "Z2600000410",
    "act_number": "410-VIII",
    "act_date": "2026-11-10",
    "in_force": "",
    "effective": "2026-12-01",
}
DRAFT = {
    "id": "14567",
    "title": "О внесении изменений в Закон о некоммерческих организациях",
    "status": "public discussion",
    "developer": "Ministry of Information",
    "created": "2026-11-12",
    "deadline": "2026-11-27",
    "url": "https://legalacts.egov.kz/npa/view?id=14567",
    "version": "1",
}


def _parts(message):
    return {part.get_content_type(): part.get_content() for part in message.walk() if not part.is_multipart()}


def _publish_week(db) -> None:
    ngo, assembly = document(), document(ASSEMBLY_LAW, "Law on Peaceful Assemblies")
    publish(db, ev.edition_created(ngo, {"seq": 4, "date": "2026-11-14"}, 2, 2))
    publish(db, ev.provision_changed(ngo, 4, change("art_5", "Статья 5. Отчётность", amendments=[AMENDMENT])))
    publish(
        db, ev.provision_changed(ngo, 4, change("art_9", "Статья 9. Ликвидация", flags=[flag("liquidation")]))
    )
    publish(
        db,
        ev.provision_changed(assembly, 2, change("art_3", "Статья 3. Уведомление", flags=[flag("assembly")])),
    )
    publish(
        db, ev.provision_changed(ngo, 4, change("art_12", "Статья 12. Низкое", flags=[flag(severity="low")]))
    )
    publish(db, ev.draft_deadline(document("legalacts:14567", DRAFT["title"]), DRAFT, 5))


def test_digest_arrives_grouped_with_html_and_text_parts(watched, make_settings, smtp_server):
    settings = make_settings(smtp_port=smtp_server.port)
    add_subscriber(watched, settings, "Legal team", email="legal@example.org", min_severity="medium")
    _publish_week(watched)

    summary = send_digests(settings, watched, force=True)

    assert summary.sent == 1
    [message] = smtp_server.messages
    assert smtp_server.envelopes[0][1] == ["legal@example.org"]
    assert message["Subject"] == "Zan Watch: 3 статьи изменены в 2 законах, 3 ограничивают, 1 проект"
    assert message["List-Unsubscribe"].strip().startswith("<mailto:alerts@zanwatch.test?subject=unsubscribe")
    assert message.get_content_type() == "multipart/alternative"
    parts = _parts(message)
    text, html = parts["text/plain"], parts["text/html"]
    # document → article → flags, in order; the low-severity change is below this subscriber's floor
    order = ["Law on Non-Commercial Organisations", "Статья 5", "иностранное финансирование", "Статья 9"]
    order += ["приостановление и ликвидация", "Law on Peaceful Assemblies", "Статья 3", "мирные собрания"]
    body = text[text.index("Правка:") :]  # after the summary, which names the laws first
    positions = [body.index(marker) for marker in order]
    assert positions == sorted(positions)
    assert "Статья 12" not in text and "Статья 12" not in html
    assert "[+ежеквартально+]" in text and "[-ежегодно-]" in text
    for link in (
        "https://adilet.zan.kz/rus/docs/Z010000142_",  # the source page
        "https://adilet.zan.kz/rus/docs/Z2600000410",  # the amending act
        "https://legalacts.egov.kz/npa/view?id=14567",  # the draft
    ):
        assert link in html
    assert "вступает в силу 01.12.2026" in html and "обсуждение до 27.11.2026" in html
    assert "Законов: 2" in text and "Отмечено правилами: 3: ограничивают — 3, смягчают — 0" in text
    assert "<style" not in html and 'style="' in html


def test_law_text_with_markup_arrives_escaped(watched, make_settings, smtp_server):
    settings = make_settings(smtp_port=smtp_server.port)
    add_subscriber(watched, settings, "legal", email="legal@example.org")
    hostile = change(heading="<b>Статья 5</b>", ops=[["+", "<script>alert('x')</script>"]])
    publish(watched, ev.provision_changed(document(title="Закон <img src=x onerror=alert(1)>"), 4, hostile))

    send_digests(settings, watched, force=True)

    html = _parts(smtp_server.messages[0])["text/html"]
    assert "<script>" not in html and "&lt;script&gt;" in html
    assert "<img" not in html and "<b>" not in html


def test_line_breaks_in_a_name_cannot_inject_headers(watched, make_settings, smtp_server):
    settings = make_settings(smtp_port=smtp_server.port)
    evil = subscribers.Subscriber(
        "evil\r\nBcc: victim@example.org\r\nX-Injected: yes", email="evil@example.org"
    )
    with watched.transaction() as session:  # stored directly: `subscribers add` refuses such a name
        subscribers.add(session, evil)
    publish(watched, ev.provision_changed(document(), 4, change()))

    assert send_digests(settings, watched, force=True).sent == 1

    [message] = smtp_server.messages
    assert message["Bcc"] is None and message["X-Injected"] is None
    assert smtp_server.envelopes[0][1] == ["evil@example.org"]
    assert "\n" not in message["To"] and "evil@example.org" in message["To"]


def test_watermark_moves_only_after_the_server_accepted(watched, make_settings, smtp_server):
    add_subscriber(watched, make_settings(), "legal", email="legal@example.org")
    publish(watched, ev.provision_changed(document(), 4, change()))

    down = send_digests(make_settings(smtp_port=smtp_server.port + 1), watched, force=True)  # nobody listens

    assert (down.sent, down.failed) == (0, 1)
    with watched.transaction() as session:
        [failed] = deliveries.listing(session, status="failed")
        assert deliveries.watermarks(session, "email")[failed.subscriber_id][0] == 0

    up = make_settings(smtp_port=smtp_server.port)
    assert send_digests(up, watched, force=True).sent == 1
    assert send_digests(up, watched, force=True).sent == 0  # the same digest is never sent twice
    assert len(smtp_server.messages) == 1
    publish(watched, ev.provision_changed(document(), 5, change("art_7")))
    assert send_digests(up, watched, force=True).sent == 1
    assert "-- Статья 7." in _parts(smtp_server.messages[1])["text/plain"]
    assert "-- Статья 5." not in _parts(smtp_server.messages[1])["text/plain"]


def test_a_digest_already_marked_delivered_is_not_sent_again(watched, make_settings, smtp_server):
    """A crash after the log said "delivered" but before the watermark moved must not re-send."""
    settings = make_settings(smtp_port=smtp_server.port)
    sub = add_subscriber(watched, settings, "legal", email="legal@example.org")
    event_id = publish(watched, ev.provision_changed(document(), 4, change()))
    with watched.transaction() as session:
        row = deliveries.ensure(session, sub.id, "email", event_id)
        deliveries.record(session, row.id, status="delivered", now=datetime.now(UTC))

    send_digests(settings, watched, force=True)

    assert smtp_server.messages == []
    with watched.transaction() as session:
        assert deliveries.watermarks(session, "email")[sub.id][0] == event_id


def test_digests_are_due_after_their_cron_time_in_almaty():
    schedule = Schedule()  # daily 08:00, weekly Monday 08:00, Asia/Almaty (UTC+5)
    at = lambda text: datetime.fromisoformat(text).replace(tzinfo=UTC)  # noqa: E731
    assert is_due("daily", at("2026-11-18T02:00"), at("2026-11-18T03:30"), schedule)
    assert not is_due("daily", at("2026-11-18T03:10"), at("2026-11-18T23:00"), schedule)
    assert not is_due("weekly", at("2026-11-16T03:10"), at("2026-11-22T12:00"), schedule)
    assert is_due("weekly", at("2026-11-16T03:10"), at("2026-11-23T03:00"), schedule)
    assert is_due("immediate", at("2026-11-18T03:10"), at("2026-11-18T03:11"), schedule)


def test_preview_writes_html_without_sending_or_moving_anything(
    watched, make_settings, smtp_server, cli, tmp_path
):
    settings = make_settings(smtp_port=smtp_server.port)
    add_subscriber(watched, settings, "legal", email="legal@example.org", documents=(NGO_LAW,))
    publish(watched, ev.provision_changed(document(), 4, change()))
    out = tmp_path / "digest.html"

    result = cli("--config", str(settings.path), "digest", "preview", "legal", "--output", str(out))

    assert result.code == 0, result.err
    assert "Статья 5" in out.read_text(encoding="utf-8")
    assert smtp_server.messages == []
    # a daily digest is not due before the next 08:00 Almaty after the subscriber joined
    assert cli("--config", str(settings.path), "deliver", "--once").code == 0
    assert smtp_server.messages == []
    assert cli("--config", str(settings.path), "digest", "send", "--period", "daily").code == 0
    assert len(smtp_server.messages) == 1
