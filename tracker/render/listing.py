"""Lists for the terminal that never cut what a user must copy.

An identifier (a document key, a rule id, a subscriber name, an act, event or delivery id) is printed
whole at any width; free text (a title, a note) gets the room that is left, on one line, cut with «…».
When the identifiers and short values cannot stand side by side (an 80-column terminal, a pipe), each row
becomes a small block instead: its identifiers, then `header value` pairs, then its text.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Literal

from rich import box
from rich.cells import cell_len
from rich.console import Console, ConsoleOptions, RenderableType
from rich.padding import Padding
from rich.table import Table
from rich.text import Text

Kind = Literal["id", "ids", "value", "text"]
"""`id`: one identifier, never cut. `ids`: identifiers in a list, wrapped between them, never inside one.
`value`: a short value (a language, a count, a time), never cut. `text`: free text, cut to one line."""

GAP = 3
"""A column separator and the padding either side of it."""
MIN_TEXT = 12
"""The narrowest a text column gets before the rows turn into blocks."""
INDENT = (0, 0, 0, 2)


@dataclass(frozen=True)
class Column:
    header: str
    kind: Kind = "value"


def _longest_line(text: Text) -> int:
    return max((cell_len(line) for line in text.plain.split("\n")), default=0)


def _longest_word(text: Text) -> int:
    return max((cell_len(word) for word in text.plain.split()), default=0)


class Listing:
    """A table of rows whose cells are plain strings (never read as markup) or styled `Text`."""

    def __init__(self, *columns: Column, caption: str = "", empty: str = "Nothing to list.") -> None:
        self.columns = columns
        self.caption = caption
        self.empty = empty
        self.rows: list[list[Text]] = []

    def add(self, *cells: str | Text) -> None:
        if len(cells) != len(self.columns):
            raise ValueError(f"{len(cells)} cells for {len(self.columns)} columns")
        row = []
        for column, cell in zip(self.columns, cells, strict=True):
            text = cell if isinstance(cell, Text) else Text(cell)
            if column.kind == "text":
                text = Text(" ").join(text.split("\n"))
            row.append(text)
        self.rows.append(row)

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> Iterator[RenderableType]:
        if not self.rows:
            yield Text(self.empty)
            return
        widths = self._widths(options.max_width)
        if widths is None:
            yield from self._blocks()
        else:
            yield self._table(widths)

    def _widths(self, width: int) -> list[int] | None:
        """Each column's width, or None when identifiers and values alone do not fit."""
        wanted: list[int] = []
        least: list[int] = []
        for i, column in enumerate(self.columns):
            cells = [Text(column.header), *(row[i] for row in self.rows)]
            longest = max(_longest_line(cell) for cell in cells)
            wanted.append(longest)
            if column.kind == "ids":
                least.append(max(_longest_word(cell) for cell in cells))
            elif column.kind == "text":
                least.append(max(min(longest, MIN_TEXT), cell_len(column.header)))
            else:
                least.append(longest)
        spare = width - GAP * (len(self.columns) - 1) - sum(least)
        if spare < 0:
            return None
        widths = least[:]
        growing = [i for i, c in enumerate(self.columns) if c.kind in ("ids", "text")]
        while spare > 0 and any(widths[i] < wanted[i] for i in growing):
            for i in growing:
                if spare > 0 and widths[i] < wanted[i]:
                    widths[i] += 1
                    spare -= 1
        return widths

    def _table(self, widths: list[int]) -> Table:
        table = Table(
            box=box.SIMPLE_HEAD,
            show_edge=False,
            pad_edge=False,
            caption=self.caption or None,
            caption_justify="left",
        )
        for column, width in zip(self.columns, widths, strict=True):
            table.add_column(
                column.header,
                width=width,
                no_wrap=column.kind != "ids",
                overflow="ellipsis" if column.kind == "text" else "fold",
            )
        for row in self.rows:
            table.add_row(*row)
        return table

    def _blocks(self) -> Iterator[RenderableType]:
        for row in self.rows:
            cells = list(zip(self.columns, row, strict=True))
            ids = [cell for column, cell in cells if column.kind == "id" and cell.plain]
            if ids:
                yield Text("  ", overflow="fold").join(Text(cell.plain, style="bold") for cell in ids)
            values = [
                Text.assemble((f"{column.header} ", "dim"), cell)
                for column, cell in cells
                if column.kind in ("value", "ids") and cell.plain
            ]
            if values:
                yield Padding(Text(" · ", overflow="fold").join(values), INDENT)
            for column, cell in cells:
                if column.kind == "text" and cell.plain:
                    line = Text.assemble((f"{column.header}: ", "dim"), cell)
                    line.no_wrap, line.overflow = True, "ellipsis"
                    yield Padding(line, INDENT)
        if self.caption:
            yield Text(self.caption, style="dim")
