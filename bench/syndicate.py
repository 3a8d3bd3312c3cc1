"""Syndicated copies of a corpus, made the way outlets carry a wire story.

Each copy of an article gets, at random (seeded): a new headline; a wire dateline ("(AP) —",
"LONDON (Reuters) -"); its last paragraphs cut; an editor's note; a "Related:" line; the carrying
outlet's newsletter footer (the same for every story that outlet carries, so unrelated copies share
it); light copy edits; a publication time a few hours later; the carrying outlet's URL.

Two families of templates: `tuning` (what newsqa's boilerplate rules were developed against) and
`heldout` (other wordings of the same furniture, never used for tuning), so a benchmark can report both.

>>> import random
>>> src = Source("Ferry resumes", "The ferry to Gull Island resumed on Monday, the operator said.",
...              "Bay Courier", "2023-05-02T08:00:00+00:00", "https://bay.example/ferry")
>>> copy = make_copy(src, random.Random(3), FAMILIES["tuning"], ["Council budget"], 0)
>>> copy.body != src.body and copy.outlet != src.outlet and copy.published_at > src.published_at
True
"""

from __future__ import annotations

import random
import re
from dataclasses import dataclass
from datetime import datetime, timedelta


@dataclass(frozen=True)
class Source:
    """An article as the benchmark sees it (a corpus row)."""

    title: str
    body: str
    outlet: str
    published_at: str
    url: str


@dataclass(frozen=True)
class Family:
    """One family of syndication furniture: datelines, notes, related lines, footers, copy edits."""

    datelines: tuple[str, ...]  # "{city}" and "{month_day}" are filled in
    notes: tuple[str, ...]
    related: tuple[str, ...]  # "{title}" is another article's headline
    footers: tuple[str, ...]  # "{outlet}", "{domain}"
    edits: tuple[tuple[str, str], ...]  # regex -> replacement, a few applied per copy
    carriers: tuple[str, ...]  # the outlets that carry copies


CITIES = ("WASHINGTON", "LONDON", "NEW YORK", "SYDNEY", "PARIS", "BERLIN", "TOKYO", "NAIROBI", "TORONTO")
_DAYS = r"(Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday)"

FAMILIES = {
    "tuning": Family(
        datelines=("{city} (AP) — ", "(AP) — ", "{city} (Reuters) - ", "{city} (AFP) — "),
        notes=("Editor's note: This story has been updated with additional details.",
               "Editor's note: An earlier version of this story misstated the day of the announcement.",
               "Editor’s Note: This article was first published by a partner news service."),
        related=("Related: {title}", "Read more: {title}", "RELATED: {title}"),
        footers=("Sign up for the {outlet} Daily newsletter to get the top stories in your inbox every morning.",
                 "Copyright 2023 {outlet}. All rights reserved. This material may not be published, broadcast, "
                 "rewritten or redistributed.",
                 "Follow {outlet} on X, Facebook and Instagram for the latest news and updates."),
        edits=((r"\bsaid\b", "says"), (r"\bpercent\b", "per cent"), (r"\bU\.S\.", "US"), (r"\bMr\. ", ""),
               (r", and\b", " and"), (r'"([^"]*)"', r"“\1”"), (rf"\bon {_DAYS}\b", r"\1"),
               (r"(\d),(\d{3})\b", r"\1\2"), (r"ization\b", "isation")),
        carriers=("Metro Times", "Valley Star", "Coastal Courier", "Daily Ledger", "Northern Post", "City Gazette"),
    ),
    "heldout": Family(
        datelines=("{city}, {month_day} (Reuters) - ", "{city} (AFP) - ", "{city} -- ", "{city}, Nov 3 (dpa) – "),
        notes=("This article originally appeared on a wire service and is republished with permission.",
               "UPDATED at 3:15 p.m. with comment from officials.",
               "CORRECTION: A previous version of this article gave the wrong title for a spokesperson."),
        related=("ALSO READ | {title}", "MORE: {title}", "Recommended: {title}", "See also — {title}"),
        footers=("{outlet} is an independent, reader-funded newsroom. Support local journalism: become a member "
                 "today at {domain}/join.",
                 "Got a news tip? Email the newsroom at tips@{domain} or message us securely.",
                 "This story was produced in partnership with a regional news network. Find more of our "
                 "reporting at {domain}."),
        edits=((r"\btold\b", "said to"), (r"\bmore than\b", "over"), (r"\bpercent\b", "%"), (r"\bdo not\b", "don't"),
               (r"\bUnited States\b", "U.S."), (r"\bapproximately\b", "about"), (r"\bwill\b", "would"),
               (r"'", "’"), (r"\bthe company\b", "the firm")),
        carriers=("Harbor Review", "Plains Tribune", "Riverside Herald", "Summit News", "Bayside Record",
                  "Capital Dispatch"),
    ),
    # Written before any tuning on the other two families and only ever used for reporting.
    "unseen": Family(
        datelines=("{city}, Spain — ", "(CNN) — ", "{city} (Bloomberg) -- ", "{city}, South Korea (UPI) — "),
        notes=("Note: This story contains updates throughout.",
               "Clarification: This article has been revised to reflect new information.",
               "This report was originally published by our partners and has been edited for length."),
        related=("Keep reading: {title}", "Must read → {title}", "In other news: {title}"),
        footers=("Download the {outlet} app for breaking news alerts on your phone.",
                 "Want more stories like this? Join {outlet} Plus for unlimited access to our journalism.",
                 "{outlet} reporters contributed to this report. Questions or corrections: newsroom@{domain}."),
        edits=((r"\bchief executive\b", "CEO"), (r"\bpercent\b", "pct"), (r"\bhas said\b", "said"),
               (r"\btwo\b", "2"), (r"\bgovernment\b", "govt"), (r"\bThursday\b", "Thurs."), (r"\bbecause\b", "as"),
               (r"\bhowever\b", "but"), (r"\.\s+([A-Z])", r"; \1")),
        carriers=("Lakeshore Daily", "Granite Observer", "Delta Journal", "Pine Valley News", "Metro Chronicle",
                  "Eastside Sentinel"),
    ),
}


def _domain(outlet: str) -> str:
    return re.sub(r"[^a-z]", "", outlet.lower()) + ".example"


def _headline(src: Source, rng: random.Random) -> str:
    """A carrying outlet's own headline: its first words, or the wire headline reworded."""
    words = re.sub(r"\s+", " ", src.body).split()[: rng.randint(6, 10)]
    first = " ".join(words).rstrip(",.;:")
    choices = [first[:1].upper() + first[1:], f"{src.title.split(':')[-1].strip()} — report",
               f"WATCH: {src.title}", f"{src.title} ({rng.choice(CITIES).title()})"]
    return rng.choice(choices)


def _edit(body: str, rng: random.Random, family: Family) -> str:
    """Light copy edits: two or three of the family's substitutions, where they apply."""
    for pattern, replacement in rng.sample(family.edits, k=min(len(family.edits), rng.randint(2, 3))):
        body = re.sub(pattern, replacement, body, count=2)
    return body


def _trimmed(paragraphs: list[str], rng: random.Random) -> list[str]:
    """The last paragraphs cut (at most half of them, and only from articles of two or more)."""
    if len(paragraphs) < 2 or rng.random() < 0.3:
        return paragraphs
    return paragraphs[: len(paragraphs) - rng.randint(1, len(paragraphs) // 2)]


def make_copy(src: Source, rng: random.Random, family: Family, titles: list[str], n: int) -> Source:
    """One syndicated copy of src (n: the copy's number, for its URL)."""
    outlet = rng.choice(family.carriers)
    paragraphs = _trimmed([p for p in src.body.split("\n\n") if p.strip()], rng)
    paragraphs = [_edit(p, rng, family) for p in paragraphs]
    when = datetime.fromisoformat(src.published_at) if src.published_at else datetime(2023, 11, 1)
    dateline = rng.choice(family.datelines).format(city=rng.choice(CITIES), month_day=f"{when:%b} {when.day}")
    paragraphs[0] = dateline + paragraphs[0]
    if rng.random() < 0.5:
        note = rng.choice(family.notes)
        paragraphs = [note, *paragraphs] if rng.random() < 0.5 else [*paragraphs, note]
    if rng.random() < 0.7:
        related = rng.choice(family.related).format(title=rng.choice(titles))
        paragraphs.insert(1 if len(paragraphs) > 1 and rng.random() < 0.5 else len(paragraphs), related)
    footer_index = sum(map(ord, outlet)) % len(family.footers)  # one footer per carrying outlet
    paragraphs.append(family.footers[footer_index].format(outlet=outlet, domain=_domain(outlet)))
    shifted = when + timedelta(hours=rng.randint(1, 12), minutes=rng.randint(0, 59))
    slug = re.sub(r"[^a-z0-9]+", "-", src.title.lower()).strip("-")[:60]
    return Source(_headline(src, rng), "\n\n".join(paragraphs), outlet, shifted.isoformat(),
                  f"https://{_domain(outlet)}/news/{slug}-{n}")


def syndicate(sources: list[Source], *, stories: int, copies: int, family: Family,
              seed: int = 12) -> list[tuple[Source, int]]:
    """copies syndicated copies of `stories` articles picked at random: [(copy, index of its source)]."""
    rng = random.Random(seed)
    picked = rng.sample(range(len(sources)), k=min(stories, len(sources)))
    titles = [s.title for s in sources]
    made = []
    for index in picked:
        for _ in range(copies):
            made.append((make_copy(sources[index], rng, family, titles, len(made)), index))
    return made
