"""`init`, `watch …` and `config check`: the watch list and the setup around it."""

from __future__ import annotations

import typer

from tracker.cli.app import (
    app,
    comma_list,
    console,
    database,
    database_url,
    format_option,
    print_json,
    settings,
    wants_json,
)
from tracker.keys import check_languages, check_tags, key_from, parse_key
from tracker.model import Watch

watch_app = typer.Typer(
    help="The watch list: which laws are checked, in which languages.", no_args_is_help=True
)
config_app = typer.Typer(help="Configuration.", no_args_is_help=True)
app.add_typer(watch_app, name="watch")
app.add_typer(config_app, name="config")


@app.command()
def init() -> None:
    """Create or upgrade the database schema; an empty watch list gets the configured default acts."""
    from storage import watchlist

    db = database()
    with db.transaction() as session:
        added = watchlist.seed(session, settings().watch)
    console.print(
        f"Database ready at {db.shown_url}" + (f"; {added} acts added to the watch list." if added else ".")
    )


@watch_app.command("add")
def watch_add(
    key: str = typer.Argument(..., help="SOURCE:ID, e.g. adilet:Z010000142_ (keep the trailing underscore)."),
    lang: str = typer.Option("rus", "--lang", help="Comma-separated languages: rus, kaz, eng."),
    tag: list[str] = typer.Option([], "--tag", help="A tag such as ngo or media; repeat or comma-separate."),
    title: str = typer.Option("", "--title", help="A title to show (English is fine)."),
    backfill: bool = typer.Option(
        False, "--backfill", help="Also record its past editions from adilet's /history (see `backfill`)."
    ),
) -> None:
    """Add a document to the watch list (a key, or its adilet URL pasted from the browser)."""
    from storage import watchlist

    key = key_from(key)
    parse_key(key)
    watch = Watch(
        key=key,
        title=title,
        languages=check_languages(comma_list(lang, "--lang")),
        tags=check_tags(tuple(t for value in tag for t in comma_list(value, "--tag"))),
    )
    with database().transaction() as session:
        watchlist.add(session, watch)
    console.print(f"Watching {key} ({', '.join(watch.languages)}).")
    if backfill:
        from tracker.cli.editions import run_backfill

        run_backfill(key, watch.languages)


@watch_app.command("list")
def watch_list(fmt: str = format_option()) -> None:
    """Show the watch list."""
    from storage import watchlist

    as_json = wants_json(fmt)
    with database().transaction() as session:
        watches = watchlist.all_watches(session)
    if as_json:
        print_json(
            [
                {
                    "key": w.key,
                    "title": w.title,
                    "languages": list(w.languages),
                    "tags": list(w.tags),
                    "enabled": w.enabled,
                }
                for w in watches
            ]
        )
        return
    from tracker.render.listing import Column, Listing

    listing = Listing(
        Column("key", "id"), Column("languages"), Column("tags", "ids"), Column("on"), Column("title", "text")
    )
    for w in watches:
        listing.add(w.key, ",".join(w.languages), ", ".join(w.tags), "yes" if w.enabled else "no", w.title)
    console.print(listing)


@watch_app.command("remove")
def watch_remove(key: str) -> None:
    """Stop watching a document. Its stored editions are kept."""
    from storage import watchlist

    with database().transaction() as session:
        watchlist.remove(session, key)
    console.print(f"Removed {key} from the watch list.")


@watch_app.command("enable")
def watch_enable(key: str) -> None:
    """Resume checking a document."""
    from storage import watchlist

    with database().transaction() as session:
        watchlist.set_enabled(session, key, True)
    console.print(f"Enabled {key}.")


@watch_app.command("disable")
def watch_disable(key: str) -> None:
    """Pause checking a document without forgetting it."""
    from storage import watchlist

    with database().transaction() as session:
        watchlist.set_enabled(session, key, False)
    console.print(f"Disabled {key}.")


@config_app.command("check")
def config_check() -> None:
    """Validate the configuration file and say which database it points at."""
    s = settings()
    from tracker.rules.engine import load_rules

    rules = load_rules(s.rules.packs)
    console.print(
        f"{s.path}: OK — {len(s.watch)} watched acts, {len(rules.rules)} rules, database {database_url()}"
    )
