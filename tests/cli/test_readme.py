"""The README's walkthrough runs top to bottom on a fresh directory (issue #10): every `zanwatch` line of
the fenced blocks marked `<!-- walkthrough -->` exits 0, in order, offline. The bundled config.toml is used
as it is, but for its sites: a local server replays recorded adilet pages (the law changes between the two
checks, as laws do), and the default acts are seeded disabled so that `check` fetches only what the
walkthrough adds; names other than loopback do not resolve."""

from __future__ import annotations

import re
import shlex
from pathlib import Path

import pytest

from tracker.demo import earlier_edition, real_page
from tracker.replay import ReplayServer, Reply

ROOT = Path(__file__).parents[2]
MARKED = re.compile(r"<!-- walkthrough -->\s*\n```sh\n(.*?)```", re.S)
SITES = ("https://old.adilet.zan.kz", "https://adilet.zan.kz", "https://mazhilis.parlam.kz")


def walkthrough(readme: str) -> list[list[str]]:
    """The marked blocks' command lines, continuations joined and comments dropped, as argument lists."""
    lines: list[list[str]] = []
    for block in MARKED.findall(readme):
        for line in block.replace("\\\n", " ").splitlines():
            words = shlex.split(line, comments=True)
            if words:
                lines.append(words)
    return lines


def offline_config(server_url: str) -> str:
    text = (ROOT / "config.toml").read_text(encoding="utf-8")
    for site in SITES:
        text = text.replace(f'"{site}"', f'"{server_url}"')
    text = re.sub(r"(?m)^default = 1\.0", "default = 1000.0", text)  # the replay needs no pacing
    return text.replace("[[watch]]\n", "[[watch]]\nenabled = false\n")


def test_the_readme_walkthrough_runs_offline_on_a_fresh_directory(
    cli, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, offline: None
) -> None:
    commands = walkthrough((ROOT / "README.md").read_text(encoding="utf-8"))
    assert commands[0] == ["zanwatch", "init"] and len(commands) >= 25, commands
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data"))
    with ReplayServer() as server:
        server.sequence("/rus/docs/Z950002592_", [Reply(earlier_edition(real_page())), Reply(real_page())])
        config = tmp_path / "config.toml"
        config.write_text(offline_config(server.url), encoding="utf-8")
        monkeypatch.setenv("ZANWATCH_CONFIG", str(config))
        for words in commands:
            if words[0] == "export":
                name, _, value = words[1].partition("=")
                monkeypatch.setenv(name, value)
                continue
            assert words[0] == "zanwatch", f"the walkthrough runs zanwatch commands only: {words}"
            result = cli(*words[1:])
            assert result.code == 0, (words, result.err)
    assert (tmp_path / "diff.html").exists()


def test_the_walkthrough_reader_handles_continuations_and_comments() -> None:
    readme = (
        "text\n<!-- walkthrough -->\n```sh\n# a comment\nzanwatch a --x 'b c'   # note\n"
        "zanwatch d \\\n    --e f\nexport T=1\n```\n```sh\nzanwatch unmarked\n```\n"
    )
    assert walkthrough(readme) == [
        ["zanwatch", "a", "--x", "b c"],
        ["zanwatch", "d", "--e", "f"],
        ["export", "T=1"],
    ]
