"""Renderings of one diff model: terminal, HTML, Markdown, JSON."""
