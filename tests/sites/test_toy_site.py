"""A second site is one module (`toy_site.py`) plus one config table: `watch add` (also by a pasted
address), the scheduler's plan, `check`, `show`, `diff`, `history` and `reparse` work for it end to end,
against the toy site served on a loopback port."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from toy_site import ToySite

from tracker.replay import ReplayServer

PAGE = """<html><body><h1>Закон об игрушках</h1>
<article data-num="1"><h2>Игрушки</h2><p>Каждый ребёнок вправе иметь игрушку.</p></article>
<article data-num="2"><h2>Обмен</h2><p>Игрушками можно меняться по согласию владельцев.</p></article>
{more}</body></html>"""
V1 = PAGE.format(more="")
V2 = PAGE.replace("по согласию владельцев", "только с разрешения родителей").format(
    more='<article data-num="3"><h2>Хранение</h2><p>Игрушки хранят в коробке.</p></article>'
)


@pytest.fixture
def toy() -> Iterator[ReplayServer]:
    with ReplayServer() as server:
        server.route("/law/T1", V1)
        yield server


@pytest.fixture
def zanwatch(cli, toy: ReplayServer, tmp_path: Path):
    """`zanwatch --config FILE …` with the toy site's one table pointing at the loopback server."""
    config = tmp_path / "config.toml"
    config.write_text(
        f'[sources.{ToySite.name}]\nbase_url = "{toy.url}"\n'
        "[politeness]\nretries = 0\ntimeout_s = 5.0\n[politeness.rate_per_host]\ndefault = 1000.0\n",
        encoding="utf-8",
    )
    assert cli("--config", str(config), "init").code == 0
    return lambda *args: cli("--config", str(config), *args)


def test_a_toy_site_is_watched_checked_shown_and_diffed_like_adilet(zanwatch, toy: ReplayServer) -> None:
    added = zanwatch("watch", "add", "https://toy.example/law/T1", "--title", "Toy law")
    assert added.code == 0, added.err
    assert "toy:T1" in [w["key"] for w in json.loads(zanwatch("watch", "list", "--format", "json").out)]

    assert "check toy:T1/rus" in zanwatch("status").out  # the scheduler plans its checks

    first = zanwatch("check", "toy:T1")
    assert first.code == 0, first.err
    assert "new_edition" in first.out
    assert zanwatch("check", "toy:T1").out.count("not_modified") == 1  # the replay's ETag answers 304

    toy.route("/law/T1", V2)
    second = zanwatch("check")
    assert second.code == 0, second.err
    assert "new_edition" in second.out

    shown = zanwatch("show", "toy:T1", "--article", "2")
    assert shown.code == 0, shown.err
    assert "только с разрешения родителей" in shown.out
    assert "Хранение" not in shown.out

    diff = zanwatch("diff", "toy:T1", "--format", "json")
    assert diff.code == 0, diff.err
    changes = json.loads(diff.out)["changes"]
    assert sorted((c["kind"], c["new_num"]) for c in changes) == [("inserted", "3"), ("substituted", "2")]

    report = zanwatch("diff", "toy:T1", "--format", "md")
    assert f"{toy.url}/law/T1?lang=rus" in report.out  # the site's own public address

    history = zanwatch("history", "toy:T1")
    assert history.code == 0 and "2" in history.out
    assert zanwatch("reparse", "toy:T1").code == 0  # the stored pages read again by the site's parser
    assert json.loads(zanwatch("diff", "toy:T1", "--format", "json").out)["changes"] == changes


def test_a_bad_toy_id_or_table_is_one_line(zanwatch, cli, tmp_path: Path) -> None:
    bad_id = zanwatch("watch", "add", "toy:X1")
    assert bad_id.code != 0
    assert bad_id.err.strip() == "zanwatch: error: invalid toy id 'X1' in 'toy:X1' (toy ids look like T1)"
    config = tmp_path / "bad.toml"
    config.write_text('[sources.toy]\nbase_url = "ftp://toy.example"\n', encoding="utf-8")
    refused = cli("--config", str(config), "config", "check")
    assert refused.code != 0
    assert "sources.toy.base_url: 'ftp://toy.example' is not an http(s) URL" in refused.err
