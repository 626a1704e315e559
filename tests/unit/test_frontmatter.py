from __future__ import annotations

from generator.problems import Problem
from generator.read.discover import split_name
from generator.read.frontmatter import parse, split


def test_split_keeps_body_line() -> None:
    front, body, line = split("x.md", "---\ntitle: A\nb: 2\n---\nHello\n")
    assert front == "title: A\nb: 2"
    assert body == "Hello\n"
    assert line == 5


def test_key_lines_and_nested_lines() -> None:
    source = parse("content/rituals/r.md", "rituals", "r", "",
                   "---\ntitle: R\nwhere:\n  online: https://x.example\nexcept:\n  - 2026-01-01\n  - 2026-02-01\n---\n")
    assert not isinstance(source, Problem)
    assert source.line("title") == 2
    assert source.line("where", "online") == 4
    assert source.line("except", 1) == 7
    assert source.line("missing") == 1


def test_yaml_error_line_is_the_file_line() -> None:
    problem = parse("content/stories/s.md", "stories", "s", "", "---\ntitle: ok\nsummary: a: b\n---\n")
    assert isinstance(problem, Problem)
    assert problem.line == 3
    assert "quote" in problem.hint


def test_norway_problem_avoided() -> None:
    source = parse("content/pages/p.md", "pages", "p", "", "---\ntitle: No\nmenu: 1\n---\n")
    assert not isinstance(source, Problem)
    assert source.data["title"] == "No"


def test_no_front_matter_and_unclosed() -> None:
    assert isinstance(split("x.md", "# Hello\n"), Problem)
    assert isinstance(split("x.md", "---\ntitle: x\n"), Problem)


def test_alias_bomb_is_refused() -> None:
    bomb = "---\na: &a [x, x, x, x, x, x, x, x, x, x]\n"
    for level in "bcdefghij":
        prev = chr(ord(level) - 1)
        bomb += f"{level}: &{level} [*{prev}, *{prev}, *{prev}, *{prev}, *{prev}, *{prev}, *{prev}, *{prev}, *{prev}, *{prev}]\n"
    bomb += "---\n"
    problem = parse("content/pages/p.md", "pages", "p", "", bomb)
    assert isinstance(problem, Problem)
    assert "aliases" in problem.message


def test_crlf_and_bom() -> None:
    from generator.read.frontmatter import normalise_text

    text = normalise_text("\ufeff---\r\ntitle: A\r\n---\r\nBody\r\n".encode())
    source = parse("content/pages/p.md", "pages", "p", "", text)
    assert not isinstance(source, Problem)
    assert source.data == {"title": "A"}


def test_date_prefix() -> None:
    assert split_name("2025-01-02-hello") == ("hello", "2025-01-02")
    assert split_name("hello") == ("hello", "")
    assert split_name("2025-01-hello") == ("2025-01-hello", "")
