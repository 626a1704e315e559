"""The plain front-matter reader gives the YAML parser's very result, or leaves the text to it."""

from __future__ import annotations

import datetime
import random
from pathlib import Path
from typing import Any

import pytest

from generator.problems import Problem
from generator.read import frontmatter, simpleyaml, yamlfile
from tests.conftest import CORPUS, ROOT, generated_hub, require_tool

LOADERS = [cls for cls in (yamlfile._FastLoader, yamlfile._Loader) if cls is not None]
READ = simpleyaml.reader(LOADERS[0])


def _typed(value: Any) -> Any:
    """A value with every type spelled out (True == 1 == 1.0 in Python, not in YAML)."""
    if isinstance(value, dict):
        return ("dict", [(_typed(k), _typed(v)) for k, v in value.items()])
    if isinstance(value, list):
        return ("list", [_typed(v) for v in value])
    if isinstance(value, datetime.datetime):
        return ("datetime", value.isoformat(), str(value.tzinfo))
    return (type(value).__name__, repr(value))


def _parsed(text: str, offset: int) -> list[Any]:
    """What each YAML loader makes of the text: (data, lines), or the problem's message."""
    results = []
    for cls in LOADERS:
        doc = yamlfile._load("x.md", text, offset, cls)
        results.append(doc.message if isinstance(doc, Problem) else (_typed(doc.data), doc.lines))
    return results


def _same(text: str, offset: int = 1) -> bool:
    """True when the plain reader read the text; fails when it read it otherwise than YAML."""
    simple = READ(text, offset)
    if simple is None:
        return False
    data, lines = simple
    for parsed in _parsed(text, offset):
        assert parsed == (_typed(data), lines), text
    return True


def _front_matters(root: Path) -> list[tuple[str, int]]:
    texts = []
    for path in sorted(root.rglob("*")):
        if ".foyer-cache" in path.parts or "site" in path.parts or not path.is_file():
            continue
        if path.suffix in (".yaml", ".yml"):
            texts.append((frontmatter.normalise_text(path.read_bytes()), 0))
        elif path.suffix == ".md":
            parts = frontmatter.split(str(path), frontmatter.normalise_text(path.read_bytes()))
            if not isinstance(parts, Problem):
                texts.append((parts[0], 1))
    return texts


@pytest.mark.parametrize("which", ["example", "twir", "generated"])
def test_the_plain_reader_equals_yaml_on_real_files(which: str, tmp_path: Path) -> None:
    if which == "twir":
        require_tool(CORPUS.is_dir(), "shared/corpora/twir")
    root = {"example": ROOT / "content", "twir": CORPUS}.get(which) \
        or generated_hub(tmp_path / "hub", 200)
    texts = _front_matters(root)
    read = sum(_same(text, offset) for text, offset in texts)
    # the plain reader really reads most real files (the rest goes to the parser)
    assert len(texts) > 20 and read >= len(texts) // 2, (read, len(texts))


ATOMS = [
    "Story 12", "Bilan : 2025", "a:b", "a: b", "a :b", "a #b", "a#b", "C# meetup", "end:", "x,y",
    "a]", "a}", "[a]", "{a: b}", "- a", "-a", "-1", "+1", "1", "0", "012", "0o17", "0x1F", "1_000",
    "1:30", "12:30:05", "1.5", "1e3", "1.0e+3", ".5", ".inf", "-.inf", ".NaN", "nan", "true",
    "True", "TRUE", "tRue", "false", "yes", "no", "on", "off", "y", "n", "null", "Null", "NULL",
    "~", "", "2025-01-01", "2025-1-1", "2025-13-45", "2025-01-01T18:30:00", "2025-01-01 18:30",
    "2025-01-01T18:30:00+02:00", "2025-01-01t18:30:00Z", "2025-02-30", "20250101", "'q'", "'it''s'",
    "'a' b", "'a", "\"q\"", "\"a\\nb\"", "\"a\" b",
    "é à ç", "日本語", "emoji 🎉", "a\u00a0", "\u00a0a",
    "a\u00a0#b", "a\u2028b", "a\u0085b", "a\tb", "a\x07b", "a\ufeffb",
    "*alias", "&anchor x", "!tag x",
    "!!str 1", "|", ">", "%x", "@x", "`x`", "?x", "? x", ":x", "=", "<<", "a  b", "a ", " a", "'' ",
    "http://example.org/a?b=c#d", "mailto:a@b.c", "a, b", "[a, b]", "[a,b]", "[ a , b ]", "[]",
    "[ ]", "[a, ]", "[, a]", "[a, [b]]", "[a, 'b']", "[a, \"b\"]", "[a: b]", "[a #b]", "[-a]",
    "[1, true, null, 2025-01-01]", "[a, b", "[a]]", "[a] b", "a\u2029b", "\u3000a",
]
PLAIN = ["Story 12", "Rencontre du jeudi", "ana", "tag-3", "2025-01-01", "42", "guide", "https://x.org/",
         "'Bilan : 2025'", "\"Entre nous\"", "Apéro #3", "a, b"]
KEYS = ["title", "date", "tags", "members", "a-b", "a_b", "_x", "x1", "true", "null", "Null",
        "yes", "on", "1", "2025-01-01", "a b", "a:b", "é", "<<", "~", "-a", "a.b", "title"]


def _atom(rng: random.Random) -> str:
    return rng.choice(PLAIN if rng.random() < 0.6 else ATOMS)


def _document(rng: random.Random) -> str:
    lines = []
    for _ in range(rng.randrange(1, 6)):
        key = rng.choice(KEYS if rng.random() < 0.3 else KEYS[:4])
        form = rng.random()
        space = rng.choice([" "] * 8 + ["  ", ""])
        if form < 0.55:
            lines.append(f"{key}:{space}{_atom(rng)}{rng.choice(['', '', '', '', ' ', ' # c'])}")
        elif form < 0.75:
            indent = rng.choice(["", "  ", "  ", "    "])
            lines.append(f"{key}:")
            for _ in range(rng.randrange(0, 4)):
                lines.append(f"{rng.choice([indent, indent, ' '])}-{rng.choice([' ', ' ', ''])}"
                             f"{_atom(rng)}")
                if rng.random() < 0.1:
                    lines.append(rng.choice(["", "# comment", "  # comment", "  "]))
        elif form < 0.93:
            lines.append(f"{key}: [{', '.join(_atom(rng) for _ in range(rng.randrange(4)))}]")
        else:
            lines.append(rng.choice(["", "# comment", "  indented: x", "  more text", "---", "...",
                                     "key : v", "- loose", "\t", "x: |", "  block", "y: a\n  b"]))
    return "\n".join(lines) + rng.choice(["", "\n", "\n\n"])


def test_the_plain_reader_equals_yaml_on_random_documents() -> None:
    rng = random.Random(20261203)
    read = 0
    for _ in range(6000):
        read += _same(_document(rng), rng.choice([0, 1, 5]))
    assert read > 600, read  # it reads a share of them (757 of 6,000), each as YAML does


@pytest.mark.parametrize("text", [
    "title: a\ntitle: b",  # a repeated key: the parser's rules, and the validator's
    "title: a #comment",
    "title: a\n  continued",
    "true: a",
    "tags: [a,\n  b]",
    "",
    "# only a comment",
    "title: \"a\\tb\"",
])
def test_what_the_plain_reader_leaves_to_yaml(text: str) -> None:
    assert READ(text, 1) is None


def test_load_yaml_takes_the_plain_reading() -> None:
    text = "title: Histoire\ndate: 2025-03-01\ntags: [a, b]\nmembers:\n  - ana\n"
    doc = yamlfile.load_yaml("x.md", text, offset=1)
    assert isinstance(doc, yamlfile.YamlDoc)
    assert doc.data == {"title": "Histoire", "date": datetime.date(2025, 3, 1), "tags": ["a", "b"],
                        "members": ["ana"]}
    assert doc.lines == {("title",): 2, ("date",): 3, ("tags",): 4, ("tags", 0): 4, ("tags", 1): 4,
                         ("members",): 5, ("members", 0): 6}
