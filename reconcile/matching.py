"""How a name asked for is scored against the names a record is known by: the one scoring
rule of the reconciliation service (`score`), and the index that finds, for each query
of a batch, the few records worth scoring (`Index.rank`).

Pure Python over rows loaded once per batch (reconcile.index), so that it reads the same
on SQLite and PostgreSQL and a batch of any size costs the same few queries. The
standard library's difflib is enough at this size (about 1,300 names).
"""

from collections import Counter, defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from difflib import SequenceMatcher

from sources.names import normalise

# Scores, 0 to 100. An exact (normalised) name ranks above an acronym, an acronym above
# another name; a fuzzy match never reaches an exact one (FUZZY_MAX < EXACT_OTHER_NAME).
EXACT_ID = 100.0
EXACT_NAME = 100.0
EXACT_ACRONYM = 95.0
EXACT_OTHER_NAME = 90.0
FUZZY_MAX = 80.0
# Below this similarity (0 to 1) a name is not a candidate at all.
FUZZY_FLOOR = 0.6
# Two words are one word mistyped at this difflib ratio or above ("comission").
WORD_TYPO = 0.8
# A word in more names than this is too common to find candidates by (see Index).
COMMON_WORD = 40
# The work one query may cost, whatever it holds: the first telling words of it, and
# the candidates sharing most of them (a query of common words would otherwise score
# against hundreds of names, and a batch of 100 such took 15 s).
MAX_WORDS = 8
MAX_CANDIDATES = 50
# `match: true` needs an exact kind of match and no other candidate within this many
# points: "SEC" names several commissions, and none of them is the match.
MATCH_MARGIN = 15.0

EXACT_KINDS = frozenset({"id", "name", "acronym", "other_name"})
_EXACT_SCORES = {"name": EXACT_NAME, "acronym": EXACT_ACRONYM, "other_name": EXACT_OTHER_NAME}

# Words that say nothing about which body is meant, left out of word matching.
_STOPWORDS = frozenset(
    "a an and at de del della der des di do du et for la le les of on the und van von y".split()  # noqa: SIM905
)


def words(key: str) -> list[str]:
    """The telling words of a normalised name."""
    return [word for word in key.split() if word not in _STOPWORDS]


@dataclass
class Entry:
    """A record as the matcher sees it: its id and its names, normalised once."""

    id: str
    type: str
    name: str
    description: str = ""
    acronyms: tuple[str, ...] = ()
    other_names: tuple[str, ...] = ()
    # Normalised values for query constraints, e.g. {"jurisdiction": {"de", "germany"}}.
    properties: dict[str, frozenset[str]] = field(default_factory=dict)
    # Normalised name -> the kind of match it gives ("name", "acronym", "other_name").
    keys: dict[str, str] = field(init=False, repr=False)

    def __post_init__(self) -> None:
        keys: dict[str, str] = {}
        # The best kind wins when two names normalise alike: later entries overwrite.
        for kind, names in (
            ("other_name", self.other_names),
            ("acronym", self.acronyms),
            ("name", (self.name,)),
        ):
            for name in names:
                if key := normalise(name):
                    keys[key] = kind
        self.keys = keys

    @property
    def fuzzy_keys(self) -> list[str]:
        # Acronyms are too short to be near anything but by chance: only names are fuzzy.
        return [key for key, kind in self.keys.items() if kind != "acronym"]


@dataclass(frozen=True)
class Scored:
    entry: Entry
    score: float
    kind: str  # "id", "name", "acronym", "other_name", "fuzzy" or "properties"

    @property
    def exact(self) -> bool:
        return self.kind in EXACT_KINDS


def _word_found(word: str, name_words: Iterable[str]) -> bool:
    return word in name_words or any(_typo(word, other) for other in name_words)


def _typo(word: str, other: str) -> bool:
    """`other` is `word` mistyped: same first letter, about as long, most letters shared."""
    if len(word) <= 3 or other[:1] != word[:1] or abs(len(other) - len(word)) > 2:
        return False
    # Letters in common, as sets: a cheap bound that rules out most words before difflib.
    letters, other_letters = set(word), set(other)
    if 2 * len(letters & other_letters) < WORD_TYPO * (len(letters) + len(other_letters)):
        return False
    matcher = SequenceMatcher(None, word, other)
    # The cheap upper bounds first: most words fail them.
    return matcher.quick_ratio() >= WORD_TYPO and matcher.ratio() >= WORD_TYPO


def similarity(query_key: str, name_key: str) -> float:
    """How alike two normalised names are, 0 to 1: the characters they share (difflib's
    ratio), raised when every telling word of the query is in the name, give or take a
    typo ("Basel Committee" in "Basel Committee on Banking Supervision")."""
    ratio = SequenceMatcher(None, name_key, query_key, autojunk=False).ratio()
    query_words = words(query_key)
    if not query_words or ratio >= 0.95:
        return ratio
    name_words = set(words(name_key))
    coverage = sum(_word_found(word, name_words) for word in query_words) / len(query_words)
    return max(ratio, (ratio + coverage) / 2)


def score(query: str, entry: Entry) -> Scored | None:
    """How well `query` names `entry`, 0 to 100 and the kind of match; None when it
    does not (below FUZZY_FLOOR). An entity's id given as the query is an exact match."""
    if query == entry.id:
        return Scored(entry, EXACT_ID, "id")
    key = normalise(query)
    if not key:
        return None
    if (kind := entry.keys.get(key)) is not None:
        return Scored(entry, _EXACT_SCORES[kind], kind)
    best = max((similarity(key, name) for name in entry.fuzzy_keys), default=0.0)
    if best < FUZZY_FLOOR:
        return None
    return Scored(entry, round(best * FUZZY_MAX, 1), "fuzzy")


def is_match(ranked: list[Scored]) -> bool:
    """The first candidate is the match: an exact name, acronym, other name or id, and no
    second candidate within MATCH_MARGIN points of it."""
    if not ranked or not ranked[0].exact:
        return False
    return len(ranked) == 1 or ranked[1].score <= ranked[0].score - MATCH_MARGIN


class Index:
    """The entries of a batch by id, by normalised name and by word, so that each query
    scores only the entries that share a name or a word (give or take a typo) with it."""

    def __init__(self, entries: list[Entry]):
        self.entries = entries
        self.by_id: dict[str, list[Entry]] = defaultdict(list)
        self.by_key: dict[str, list[Entry]] = defaultdict(list)
        self.by_word: dict[str, list[Entry]] = defaultdict(list)
        for entry in entries:
            self.by_id[entry.id].append(entry)
            for key in entry.keys:
                self.by_key[key].append(entry)
            for word in {w for key in entry.fuzzy_keys for w in words(key)}:
                self.by_word[word].append(entry)
        # Words by first letter, where a mistyped word is looked for.
        self.vocabulary: dict[str, list[str]] = defaultdict(list)
        for word in self.by_word:
            self.vocabulary[word[:1]].append(word)

    def candidates(self, query: str) -> list[Entry]:
        """Entries with the query as id or name, or a word of it (or one mistyped)."""
        key = normalise(query)
        found = {id(e): e for e in (*self.by_id.get(query, ()), *self.by_key.get(key, ()))}
        similar = {
            word: {word, *(o for o in self.vocabulary.get(word[:1], ()) if _typo(word, o))}
            for word in words(key)[:MAX_WORDS]
        }
        # A word that many names share ("bank", "authority") finds too many to score; it
        # counts only when the query has no rarer word.
        rare = {
            word: others
            for word, others in similar.items()
            if sum(len(self.by_word.get(o, ())) for o in others) <= COMMON_WORD
        }
        shared: Counter[int] = Counter()
        by_word: dict[int, Entry] = {}
        for others in (rare or similar).values():
            hit = {id(e): e for other in others for e in self.by_word.get(other, ())}
            shared.update(hit.keys())
            by_word.update(hit)
        # Those sharing most of the query's words, in the order they were found.
        for entry_id, _count in shared.most_common(MAX_CANDIDATES):
            found.setdefault(entry_id, by_word[entry_id])
        return list(found.values())

    def rank(self, query: str, allowed: Callable[[Entry], bool]) -> list[Scored]:
        """Every allowed entry the query may name, best first (ties by name); the caller
        keeps as many as it was asked for, after `is_match` has seen the second."""
        found = [
            scored
            for entry in self.candidates(query)
            if allowed(entry) and (scored := score(query, entry)) is not None
        ]
        found.sort(key=lambda s: (-s.score, s.entry.name, s.entry.id))
        return found
