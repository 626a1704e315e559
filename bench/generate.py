"""A deterministic contract hub of N stories (~600-word bodies with headings, lists, links, code
and tables; 50 tags; N/20 members; proportional rituals, resources and newsletters).

    python bench/generate.py 1000 /tmp/hub-1000
"""

from __future__ import annotations

import random
import sys
from pathlib import Path

WORDS = ("community member story ritual newsletter give ask learn share help welcome code "
         "garden repair meet week month answer question friend table coffee guide tool talk "
         "book article open source library event volunteer donate survey thanks together").split()


def paragraph(rng: random.Random, n: int) -> str:
    words = [rng.choice(WORDS) for _ in range(n)]
    words[0] = words[0].capitalize()
    return " ".join(words) + "."


def body(rng: random.Random, index: int, members: int) -> str:
    parts = []
    for section in range(4):
        parts.append(f"## Part {section + 1}: {rng.choice(WORDS)}")
        parts.append(paragraph(rng, 60) + f" See [a member](../members/m{rng.randrange(members)}.md)"
                     f" and [the web](https://example.org/{index}/{section}).")
        parts.append("\n".join(f"- {paragraph(rng, 8)}" for _ in range(4)))
        if section == 1:
            parts.append("```python\nfor item in range(3):\n    print(item)\n```")
        if section == 2:
            parts.append("| what | how many |\n|---|---:|\n" + "\n".join(
                f"| {rng.choice(WORDS)} | {rng.randrange(100)} |" for _ in range(4)))
        parts.append(paragraph(rng, 50))
    return "\n\n".join(parts) + "\n"


def generate(n: int, root: Path) -> None:
    rng = random.Random(n)
    members = max(1, n // 20)
    (root / "content").mkdir(parents=True, exist_ok=True)
    (root / "hub.yaml").write_text(
        "title: Bench hub\nbase_url: https://bench.example/\ntimezone: Europe/Paris\n"
        "feeds:\n  items: 20\nsearch:\n  enabled: false\n", encoding="utf-8")
    folders = {s: root / "content" / s for s in ("members", "stories", "rituals", "resources",
                                                 "newsletters")}
    for folder in folders.values():
        folder.mkdir(exist_ok=True)
    for m in range(members):
        (folders["members"] / f"m{m}.md").write_text(
            f"---\nname: Member {m}\njoined: 2024-01-01\n---\n{paragraph(rng, 30)}\n", "utf-8")
    for s in range(n):
        day = f"20{20 + s % 6}-{1 + s % 12:02d}-{1 + s % 28:02d}"
        tags = sorted({f"tag-{rng.randrange(50)}" for _ in range(3)})
        (folders["stories"] / f"s{s}.md").write_text(
            f"---\ntitle: Story {s}\ndate: {day}\nmembers: [m{s % members}]\n"
            f"tags: [{', '.join(tags)}]\n---\n{body(rng, s, members)}", "utf-8")
    for r in range(max(1, n // 100)):
        (folders["rituals"] / f"r{r}.md").write_text(
            f"---\ntitle: Ritual {r}\nstarts: 2025-01-0{1 + r % 7}T18:30:00\nduration: 1h\n"
            f"repeat: FREQ=WEEKLY\nhosts: [m{r % members}]\n---\n{paragraph(rng, 40)}\n", "utf-8")
    for r in range(max(1, n // 20)):
        (folders["resources"] / f"x{r}.md").write_text(
            f"---\ntitle: Resource {r}\nkind: guide\nadded: 2025-02-0{1 + r % 9}\n"
            f"contributed_by: [m{r % members}]\n---\n{paragraph(rng, 80)}\n", "utf-8")
    for k in range(max(1, n // 50)):
        (folders["newsletters"] / f"n{k}.md").write_text(
            f"---\ntitle: Issue {k}\nnumber: {k + 1}\ndate: 2025-03-{1 + k % 28:02d}\n"
            f"features: [stories/s{k}]\n---\n{paragraph(rng, 100)}\n", "utf-8")


if __name__ == "__main__":
    generate(int(sys.argv[1]), Path(sys.argv[2]))
