"""docs/zh/mistakes/ shows what sitegen really prints: each page is remade from real runs and must match."""

from __future__ import annotations

from tests.mistakes_zh import FOLDER, MISTAKES, pages


def test_the_committed_mistake_pages_are_what_sitegen_prints_today() -> None:
    """Made by `python -m tests.mistakes_zh`: each mistake gives its message, and its fix checks clean."""
    made = pages()
    assert len(made) == len(MISTAKES) + 1
    committed = {p.name: p.read_text("utf-8") for p in FOLDER.glob("*.md")}
    assert sorted(committed) == sorted(made)
    stale = [name for name, text in made.items() if committed[name] != text]
    assert stale == [], f"run: python -m tests.mistakes_zh ({stale})"


def test_every_mistake_page_shows_a_chinese_message_with_its_file_and_line() -> None:
    for mistake in MISTAKES:
        text = (FOLDER / f"{mistake.slug}.md").read_text("utf-8")
        said = text.split("## `sitegen check` 会说")[1].split("```")[1]
        assert said.strip().startswith("products/lishui/jumi/"), mistake.slug
        assert any("\u4e00" <= ch <= "\u9fff" for ch in said), mistake.slug
