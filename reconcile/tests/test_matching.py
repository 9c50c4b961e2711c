"""The scoring rule on its own (no database). The names are synthetic, for tests only."""

from difflib import SequenceMatcher

from reconcile.matching import (
    EXACT_ACRONYM,
    EXACT_NAME,
    EXACT_OTHER_NAME,
    FUZZY_MAX,
    MAX_CANDIDATES,
    Entry,
    Index,
    is_match,
    normalise,
    score,
)


def entry(id_: str, name: str, acronyms=(), other_names=()) -> Entry:
    return Entry(id=id_, type="institution", name=name, acronyms=acronyms, other_names=other_names)


def test_normalise_ignores_case_accents_punctuation_and_a_leading_the():
    assert normalise("  The Autorité de la Concurrence!  ") == "autorite de la concurrence"
    assert normalise("Banca d'Italia") == normalise("BANCA D ITALIA")
    # The Turkish dotless i (U+0131) has no accent to drop; it is read as i.
    assert normalise("Türkiye Merkez Bankas\u0131") == "turkiye merkez bankasi"
    assert normalise("Sjøfartsdirektoratet") == "sjofartsdirektoratet"


def test_normalise_keeps_letters_of_other_scripts():
    assert normalise("日本銀行") == "日本銀行"
    assert normalise("Центральный банк") == "центральныи банк"


def test_an_exact_name_beats_an_acronym_which_beats_another_name_which_beats_fuzzy():
    bank = entry("x-bank", "Example Bank", acronyms=("EXB",), other_names=("Banque Exemple",))
    assert score("example bank", bank).score == EXACT_NAME
    assert score("exb", bank).score == EXACT_ACRONYM
    assert score("Banque Exemple", bank).score == EXACT_OTHER_NAME
    fuzzy = score("Exampel Bank", bank)
    assert fuzzy.kind == "fuzzy"
    assert fuzzy.score < FUZZY_MAX < EXACT_OTHER_NAME < EXACT_ACRONYM < EXACT_NAME


def test_an_id_given_as_the_query_is_an_exact_match():
    assert score("x-bank", entry("x-bank", "Example Bank")).kind == "id"


def test_an_unrelated_name_is_no_candidate():
    assert score("Ministry of Fisheries", entry("x-bank", "Example Bank")) is None


def test_the_words_of_a_short_query_found_in_a_long_name_raise_its_score():
    name = "Example Committee on Banking Supervision"
    query = "example committee"
    plain = SequenceMatcher(None, normalise(query), normalise(name)).ratio() * FUZZY_MAX
    assert score(query, entry("n", name)).score > round(plain, 1)


def test_a_query_of_common_words_scores_a_bounded_number_of_candidates():
    # Synthetic: 300 names all made of the same common words.
    index = Index([entry(f"n{i}", f"National Bank Authority Commission {i}") for i in range(300)])
    query = " ".join(["national bank authority commission"] * 4)
    assert len(index.candidates(query)) <= MAX_CANDIDATES


def test_match_only_when_exact_and_no_close_second():
    index = Index(
        [
            entry("a", "Securities Commission of A", acronyms=("SC",)),
            entry("b", "Securities Commission of B", acronyms=("SC",)),
            entry("c", "Central Bank of C"),
        ]
    )
    anything = lambda e: True  # noqa: E731
    assert not is_match(index.rank("SC", anything))  # two commissions share the acronym
    assert is_match(index.rank("central bank of c", anything))
    assert not is_match(index.rank("Central Bnak of C", anything))  # fuzzy: never a match
    only_a = index.rank("SC", lambda e: e.id == "a")
    assert [s.entry.id for s in only_a] == ["a"] and is_match(only_a)


def test_a_mistyped_word_still_finds_its_record():
    index = Index([entry("a", "Finansinspektionen"), entry("b", "Datainspektionen")])
    ranked = index.rank("Finansinspectionen", lambda e: True)
    assert ranked[0].entry.id == "a"
