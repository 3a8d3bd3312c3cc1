"""The records that cross module boundaries: chunks, filters, search hits and answers.

Offsets (`start`, `end`) are character offsets into the article's *cleaned* text, so a passage or a
quote can be highlighted exactly: `article_text[start:end] == chunk.text`.
"""

from __future__ import annotations

import time
from dataclasses import asdict, dataclass, field
from datetime import date
from functools import cached_property

from qa.dates import day_number

DEFAULT_K = 6  # passages per answer or search, unless NEWSQA_TOP_K or --k says otherwise


def elapsed_ms(since: float) -> float:
    """Milliseconds since a `time.perf_counter()` reading, to 0.1 ms (the unit of `Answer.timings`)."""
    return round((time.perf_counter() - since) * 1000, 1)


@dataclass(frozen=True)
class EmbedderIdentity:
    """What a collection records so it is never queried with vectors from another model."""

    provider: str
    model: str
    dimension: int


@dataclass(frozen=True)
class Chunk:
    """One retrievable passage of an article, as stored in Chroma and in the lexical index."""

    id: str  # "<article_id>:<index:04d>"
    article_id: str
    index: int
    text: str
    start: int
    end: int
    title: str = ""
    outlet: str = ""
    author: str = ""
    url: str = ""
    published_at: str = ""  # ISO date/time, "" when unknown
    source: str = ""  # file path or URL the article came from
    content_hash: str = ""  # hash of the article's cleaned text + metadata
    story_id: str = ""  # the story (syndicated copies share one; see qa.index.stories); "" = the article's own

    @property
    def story(self) -> str:
        """The story this passage belongs to: its story id, else its article's id."""
        return self.story_id or self.article_id

    def metadata(self) -> dict[str, str | int]:
        """Chroma metadata (no None values: Chroma rejects them)."""
        return {
            "article_id": self.article_id, "chunk_index": self.index, "start": self.start,
            "end": self.end, "title": self.title, "outlet": self.outlet, "author": self.author,
            "url": self.url, "published_at": self.published_at, "outlet_key": self.outlet.casefold(),
            "published_day": day_number(self.published_at), "source": self.source,
            "content_hash": self.content_hash, "addressed_to_ai": int(self.addressed_to_ai),
            "story_id": self.story,
        }

    @cached_property
    def addressed_to_ai(self) -> bool:
        """True when the passage holds text addressed to an AI (see `qa.injection`)."""
        from qa.injection import contains_instructions

        return contains_instructions(self.text)

    @classmethod
    def from_record(cls, chunk_id: str, text: str, meta: dict) -> "Chunk":
        """Rebuild a Chunk from what Chroma returns (id, document, metadata)."""
        return cls(
            id=chunk_id, article_id=str(meta.get("article_id", "")),
            index=int(meta.get("chunk_index", 0)), text=text or "",
            start=int(meta.get("start", 0)), end=int(meta.get("end", 0)),
            title=str(meta.get("title", "")), outlet=str(meta.get("outlet", "")),
            author=str(meta.get("author", "")), url=str(meta.get("url", "")),
            published_at=str(meta.get("published_at", "")), source=str(meta.get("source", "")),
            content_hash=str(meta.get("content_hash", "")), story_id=str(meta.get("story_id", "")),
        )


@dataclass(frozen=True)
class Filters:
    """Restrict retrieval by publication date (inclusive) and outlet (any of, case-insensitive)."""

    since: date | None = None
    until: date | None = None
    outlets: tuple[str, ...] = ()

    @property
    def empty(self) -> bool:
        return self.since is None and self.until is None and not self.outlets

    def narrowed(self, since: date | None = None, until: date | None = None,
                 outlets: tuple[str, ...] = ()) -> "Filters | None":
        """These filters and the given bounds together; None when nothing can pass both.

        >>> Filters(outlets=("TASS",)).narrowed(outlets=("Reuters",)) is None
        True
        >>> Filters(since=date(2018, 1, 1)).narrowed(until=date(2018, 6, 30)).until
        datetime.date(2018, 6, 30)
        """
        low = max((d for d in (self.since, since) if d), default=None)
        high = min((d for d in (self.until, until) if d), default=None)
        mine = {o.casefold() for o in self.outlets}
        kept = tuple(o for o in outlets if not mine or o.casefold() in mine) if outlets else self.outlets
        if (low and high and low > high) or (outlets and not kept):
            return None
        return Filters(since=low, until=high, outlets=kept)

    def allows(self, chunk: "Chunk") -> bool:
        """Whether chunk passes, with the stores' semantics: a date bound excludes unknown dates.

        >>> Filters(since=date(2018, 1, 1)).allows(Chunk("a:0", "a", 0, "", 0, 0, published_at=""))
        False
        """
        day = day_number(chunk.published_at)
        if self.since and not day >= int(self.since.strftime("%Y%m%d")):
            return False
        if self.until and not 0 < day <= int(self.until.strftime("%Y%m%d")):
            return False
        return not self.outlets or chunk.outlet.casefold() in {o.casefold() for o in self.outlets}


@dataclass(frozen=True)
class Copy:
    """One article carrying a story (see `qa.index.stories`): what "also carried by" lists."""

    article_id: str
    story_id: str
    title: str = ""
    outlet: str = ""
    url: str = ""
    published_at: str = ""

    def to_dict(self) -> dict[str, str]:
        return asdict(self)


@dataclass(frozen=True)
class SearchHit:
    """A ranked chunk: rank starts at 1; score is the fused score (higher is better).

    copies: the other articles carrying the chunk's story (syndicated copies folded into this hit).
    """

    rank: int
    score: float
    chunk: Chunk
    copies: tuple[Copy, ...] = ()

    def to_dict(self) -> dict:
        c = self.chunk
        return {
            "rank": self.rank, "score": round(self.score, 6), "chunk_id": c.id,
            "article_id": c.article_id, "story_id": c.story, "title": c.title, "outlet": c.outlet,
            "url": c.url, "published_at": c.published_at, "text": c.text, "addressed_to_ai": c.addressed_to_ai,
            "also_carried_by": [copy.to_dict() for copy in self.copies],
        }


@dataclass
class Sentence:
    """One sentence of an answer, the sources it cites, and whether they were found to support it."""

    text: str
    citations: list[int] = field(default_factory=list)
    supported: bool = False
    quote: str = ""
    contradicted: bool = False  # the cited passage says otherwise (a different number, the opposite verb)
    sep: str = " "  # the whitespace before it in the answer (" ", "\n", "\n\n" for a new paragraph)
    lead: str = ""  # what opens it but is no part of the claim: a list marker, a dateline, a day label
    marks: str = ""  # its citation markers as they follow it (" [1][2]"); "" when they stand inside text


def compose(sentences: list[Sentence]) -> str:
    r"""The answer text of sentences: each one's separator, lead, words and markers, in order.

    >>> compose([Sentence("Talks began.", [1], sep="", marks=" [1]"), Sentence("They ended.", [2], sep="\n\n",
    ...          lead="- ", marks=" [2]")])
    'Talks began. [1]\n\n- They ended. [2]'
    """
    return "".join(s.sep + s.lead + s.text + s.marks for s in sentences).strip()


@dataclass
class Citation:
    """A numbered source under an answer; `start`/`end` locate `quote` in the article's text."""

    n: int
    chunk_id: str
    article_id: str
    title: str
    outlet: str
    author: str
    url: str
    published_at: str
    text: str
    quote: str = ""
    start: int = 0
    end: int = 0
    score: float = 0.0
    addressed_to_ai: bool = False  # the passage holds text addressed to an AI (shown on its card)
    supports: bool = True  # False: cited, but supports no sentence of the answer (shown as such)
    story_id: str = ""  # the story the passage belongs to (syndicated copies share it)
    copies: list[Copy] = field(default_factory=list)  # the other articles carrying the story ("also carried by")


@dataclass
class Side:
    """One side of a disagreement: a passage (its number among the answer's passages, and its citation
    number n once cited), who published it when, the figure it gives, and its sentence."""

    passage: int
    outlet: str
    published_at: str
    figure: str
    quote: str
    n: int = 0
    who: str = ""  # whom the sentence attributes its claim to: "the union", "Acme Corp"


@dataclass
class Disagreement:
    """Reports that give different figures or outcomes for one thing (`qa.checks.disagree`): a dispute
    ("differ": sides oldest first), an update of one outlet's figure or a developing figure ("update",
    "develop": sides newest first)."""

    thing: str  # what is counted: "worker", "people", "%", "outcome"
    sides: list[Side] = field(default_factory=list)
    kind: str = "differ"


@dataclass
class Part:
    """One side of a yes/no or two-sided question (`qa.answering.whether`): the claim as asked, whether a passage
    says it (and its opposite), and that passage's citation number, outlet, date and sentence."""

    claim: str
    said: bool
    affirms: bool = True
    n: int = 0
    outlet: str = ""
    published_at: str = ""
    quote: str = ""


@dataclass
class Answer:
    """What `qa.answering.answer` returns to every front end (CLI, web, Slack, eval)."""

    text: str
    question: str  # the standalone question actually used for retrieval
    abstained: bool = False
    sentences: list[Sentence] = field(default_factory=list)
    citations: list[Citation] = field(default_factory=list)
    timings: dict[str, float] = field(default_factory=dict)  # condense_ms, retrieve_ms, generate_ms, total_ms
    flagged: bool = False  # most sentences unsupported by their cited passages
    mode: str = "extractive"  # "extractive" or "llm"
    note: str = ""  # why the answer is what it is, e.g. the LLM failed and this is the extractive fallback
    understood: dict = field(default_factory=dict)  # qa.query.Understanding.to_dict(): window, outlets, as_of
    rewritten_by: str = ""  # how a follow-up became standalone: "model", "rule" (its rewrite was refused) or ""
    disagreements: list[Disagreement] = field(default_factory=list)  # shown as "Sources differ: ..." first
    verdict: str = ""  # a yes/no question's: "yes", "no", "differ", "unknown" (or "before"/"after" for a choice)
    parts: list[Part] = field(default_factory=list)  # the sides of a yes/no or two-sided question
    refusal: dict = field(default_factory=dict)  # why it abstained: {"rule": "missing terms", "terms": [...]}

    def set_sentences(self, sentences: list[Sentence]) -> Answer:
        """Make sentences the answer's, and its text theirs: the one place the two are put in step."""
        self.sentences = sentences
        self.text = compose(sentences)
        return self

    def to_dict(self) -> dict:
        """As JSON: a sentence's layout (sep, marks) is left out; its lead (a dateline, a day) stays."""
        out = asdict(self)
        for sentence in out["sentences"]:
            del sentence["sep"], sentence["marks"]
        return out
