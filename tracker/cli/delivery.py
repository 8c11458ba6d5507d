"""`subscribers …`, `deliveries …`, `digest …` and `deliver`: who is told, and telling them."""

from __future__ import annotations

import dataclasses
import time
from pathlib import Path
from typing import TYPE_CHECKING, Any

import typer
from rich.markup import escape

from tracker.cli.app import (
    app,
    clock,
    comma_list,
    console,
    database,
    day_option,
    format_option,
    print_json,
    settings,
    wants_json,
)
from tracker.errors import InputError
from tracker.userfiles import write_text

if TYPE_CHECKING:
    from storage.subscribers import Subscriber

subscribers_app = typer.Typer(
    help="Subscribers: e-mail digests, webhooks and Telegram chats.", no_args_is_help=True
)
deliveries_app = typer.Typer(help="The delivery log.", no_args_is_help=True)
digest_app = typer.Typer(help="E-mail digests.", no_args_is_help=True)
app.add_typer(subscribers_app, name="subscribers")
app.add_typer(deliveries_app, name="deliveries")
app.add_typer(digest_app, name="digest")


@subscribers_app.command("add")
def subscribers_add(
    name: str = typer.Argument(..., help="A unique name, e.g. the organisation."),
    email: str | None = typer.Option(None, "--email", help="Address for the digest."),
    webhook: str | None = typer.Option(None, "--webhook", help="https:// URL that receives signed events."),
    telegram: str | None = typer.Option(None, "--telegram", help="Telegram chat id the bot posts to."),
    documents: str | None = typer.Option(None, "--documents", help="Comma-separated watched keys."),
    tags: str | None = typer.Option(None, "--tags", help="Comma-separated tags (instead of --documents)."),
    themes: str | None = typer.Option(None, "--themes", help="Comma-separated themes, e.g. assembly,media."),
    min_severity: str = typer.Option("info", "--min-severity", help="info, low, medium, high or critical."),
    digest: str = typer.Option("daily", "--digest", help="daily, weekly or immediate."),
    lang: str | None = typer.Option(
        None, "--lang", help="Only documents in these languages (comma-separated: rus, kaz, eng)."
    ),
    language: str = typer.Option("rus", "--language", help="The digest's language: rus, kaz or eng."),
) -> None:
    """Add a subscriber. A webhook's signing secret is printed once: store it now."""
    from storage import subscribers, watchlist
    from tracker.notify.channels import channel
    from tracker.notify.subscribers import new_subscriber

    cfg = settings()
    addresses = {"email": email, "webhook": webhook, "telegram": telegram}
    endpoints = [channel(kind, cfg).endpoint(a) for kind, a in addresses.items() if a is not None]
    with database().transaction() as session:
        sub = new_subscriber(
            name,
            endpoints=endpoints,
            documents=comma_list(documents, "--documents"),
            tags=comma_list(tags, "--tags"),
            themes=comma_list(themes, "--themes"),
            min_severity=min_severity,
            digest=digest,
            languages=comma_list(lang, "--lang"),
            language=language,
            known_documents={w.key for w in watchlist.all_watches(session)},
        )
        subscribers.add(session, sub)
    console.print(f"Added subscriber {escape(sub.name)}.")
    if sub.secret:
        _show_secret(sub.secret)


@subscribers_app.command("list")
def subscribers_list(fmt: str = format_option()) -> None:
    """Subscribers, their endpoints and filters (never their secrets)."""
    from storage import subscribers

    as_json = wants_json(fmt)
    with database().transaction() as session:
        subs = subscribers.all_subscribers(session)
    if as_json:
        print_json([_subscriber_dict(s) for s in subs])
        return
    from tracker.render.listing import Column, Listing

    listing = Listing(
        Column("name", "id"),
        Column("endpoints", "ids"),
        Column("filter", "ids"),
        Column("themes", "ids"),
        Column("min"),
        Column("digest"),
        Column("lang"),
        Column("reads"),
        Column("state", "text"),
    )
    for s in subs:
        off = [f"{e.channel} disabled ({e.dead_letters} dead)" for e in s.endpoints if not e.enabled]
        state = "disabled" if not s.enabled else "; ".join(off) or "ok"
        scope = ", ".join(s.documents) or (f"tags: {', '.join(s.tags)}" if s.tags else "all")
        reach = "\n".join(f"{e.channel}: {e.address}" for e in s.endpoints)
        cells = [s.name, reach, scope, ", ".join(s.themes) or "all", s.min_severity, s.digest]
        listing.add(*cells, ",".join(s.languages) or "all", s.language, state)
    console.print(listing)


def _subscriber_dict(sub: Subscriber) -> dict[str, Any]:
    endpoints = [
        {"channel": e.channel, "address": e.address, "enabled": e.enabled, "dead_letters": e.dead_letters}
        for e in sub.endpoints
    ]
    return {
        "name": sub.name,
        "endpoints": endpoints,
        "documents": list(sub.documents),
        "tags": list(sub.tags),
        "themes": list(sub.themes),
        "min_severity": sub.min_severity,
        "digest": sub.digest,
        "languages": list(sub.languages),
        "language": sub.language,
        "enabled": sub.enabled,
    }


@subscribers_app.command("remove")
def subscribers_remove(name: str) -> None:
    """Remove a subscriber with its delivery log."""
    from storage import subscribers

    with database().transaction() as session:
        subscribers.remove(session, name)
    console.print(f"Removed subscriber {escape(name)}.")


@subscribers_app.command("rotate-secret")
def subscribers_rotate_secret(name: str) -> None:
    """Replace the webhook signing secret; the new one is printed once."""
    from storage import subscribers
    from tracker.notify.subscribers import new_secret

    secret = new_secret()
    with database().transaction() as session:
        if not subscribers.get(session, name).webhook_url:
            raise InputError(f"subscriber {name!r} has no webhook, so no signing secret")
        subscribers.set_secret(session, name, "webhook", secret)
    _show_secret(secret)


@subscribers_app.command("enable")
def subscribers_enable(
    name: str, channel_name: str = typer.Argument(..., metavar="CHANNEL", help="webhook, telegram or email.")
) -> None:
    """Turn an endpoint disabled after dead letters back on; its pending deliveries resume."""
    from storage import subscribers
    from tracker.notify.channels import channel

    channel(channel_name, settings())  # refuses an unknown channel
    with database().transaction() as session:
        subscribers.set_endpoint_enabled(session, name, channel_name, True)
    console.print(f"{escape(channel_name)} endpoint of {escape(name)} enabled.")


@deliveries_app.command("list")
def deliveries_list(
    status: str | None = typer.Option(None, "--status", help="pending, delivered, failed or dead."),
    subscriber: str | None = typer.Option(None, "--subscriber", help="Only this subscriber."),
    limit: int = typer.Option(50, "--limit", min=1),
    fmt: str = format_option(),
) -> None:
    """The delivery log, newest first."""
    from storage import deliveries, subscribers

    as_json = wants_json(fmt)
    if status is not None and status not in deliveries.STATUSES:
        raise InputError(f"unknown status {status!r} (known: {', '.join(deliveries.STATUSES)})")
    with database().transaction() as session:
        sub_id = subscribers.get(session, subscriber).id if subscriber is not None else None
        rows = deliveries.listing(session, status=status, subscriber_id=sub_id, limit=limit)
    if as_json:
        print_json([dataclasses.asdict(d) for d in rows])
        return
    when = clock()
    from tracker.render.listing import Column, Listing

    listing = Listing(
        Column("id", "id"),
        Column("subscriber", "id"),
        Column("event", "id"),
        Column("channel"),
        Column("status"),
        Column("attempts"),
        Column("next / delivered"),
        Column("last error", "text"),
        caption=when.note,
    )
    for d in rows:
        due = when.text(d.delivered_at if d.status == "delivered" else d.next_attempt_at, named=False)
        ids = (str(d.id), d.subscriber, str(d.event_id))
        listing.add(*ids, d.channel, d.status, str(d.attempts), due, d.last_error)
    console.print(listing)


@deliveries_app.command("retry")
def deliveries_retry(delivery_id: int = typer.Argument(..., metavar="ID")) -> None:
    """Send a failed, dead or pending delivery (webhook, Telegram) again now, with fresh attempts."""
    from storage import deliveries
    from tracker.notify.channels import channel

    with database().transaction() as session:
        made_on = deliveries.get(session, delivery_id).channel
    if made_on == "email":
        raise InputError(f"delivery {delivery_id} is an e-mail digest: use `zanwatch digest send`")
    d = channel(made_on, settings()).retry(database(), delivery_id)
    detail = f" ({d.last_error})" if d.last_error else ""
    console.print(f"Delivery {d.id} to {escape(d.subscriber)}: {d.status}{escape(detail)}")


@digest_app.command("preview")
def digest_preview(
    subscriber: str,
    output: Path | None = typer.Option(None, "--output", help="Write the HTML part here."),
    since: str | None = typer.Option(
        None, "--since", help="Past events from this day (YYYY-MM-DD or dd.mm.yyyy) on."
    ),
    last: int | None = typer.Option(None, "--last", help="The last N events for this subscriber."),
) -> None:
    """Show the digest the subscriber would get now, or over past events; nothing is sent or moved."""
    from tracker.notify import digests

    day = day_option(since, "--since")
    digest = digests.preview(settings(), database(), subscriber, since=day, last=last)
    if digest is None:
        console.print(f"Nothing new for {escape(subscriber)}.")
        return
    text, html = digests.render(digest)
    if output:
        write_text(output, html)
        console.print(f"{escape(digest.subject)}\nHTML written to {output}")
    else:
        console.print(text, markup=False, highlight=False)


@digest_app.command("send")
def digest_send(
    period: str | None = typer.Option(None, "--period", help="daily or weekly; default: every subscriber."),
) -> None:
    """Send digests now, whatever the schedule says."""
    from tracker.notify import digests

    if period not in (None, "daily", "weekly", "immediate"):
        raise InputError(f"unknown period {period!r}: use daily or weekly")
    summary = digests.send_digests(settings(), database(), period=period, force=True)
    console.print(f"Digests: {summary.sent} sent, {summary.empty} with nothing new, {summary.failed} failed.")
    for error in summary.errors:
        console.print(f"  {escape(error)}")
    if summary.failed:
        raise typer.Exit(1)


@app.command()
def deliver(
    once: bool = typer.Option(False, "--once", help="One pass, then exit."),
    interval: float = typer.Option(60.0, "--interval", help="Seconds between passes.", min=1.0),
) -> None:
    """Send due webhooks, Telegram messages and digests (repeatedly, unless --once)."""
    from tracker.notify import deliver_once

    while True:
        summary = deliver_once(settings(), database())
        console.print(summary.line())
        if once:
            return
        time.sleep(interval)


def _show_secret(secret: str) -> None:
    """Printed once, on stdout only: no log line or listing ever shows it again."""
    typer.echo(f"Signing secret (shown once, store it now): {secret}")
