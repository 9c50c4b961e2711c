"""The one way names are compared: the duplicate audit (curation/audit.py), the
suggestions from Wikidata (curation/wikidata.py) and the reconciliation service
(reconcile/matching.py) all call `normalise`."""

import re
import unicodedata

_NOT_WORD = re.compile(r"[\W_]+")
# Letters that Unicode does not decompose into a base letter and an accent, written as
# the base letter a reader without the key types: "Bankasi" for the Turkish dotless i.
_UNDECOMPOSED = str.maketrans(
    {"\u0131": "i", "\u00f8": "o", "\u0111": "d", "\u0142": "l", "\u00e6": "ae", "\u0153": "oe"}
)


def normalise(text: str) -> str:
    """A name as compared: accents, case, punctuation and spacing aside, and a leading
    "the". Letters of every script stay (an Arabic or Chinese name compares too)."""
    if text.isascii():  # most names: nothing to decompose
        bare = text.casefold()
    else:
        decomposed = unicodedata.normalize("NFKD", text)
        bare = "".join(c for c in decomposed if not unicodedata.combining(c)).casefold()
        bare = bare.translate(_UNDECOMPOSED)
    words = _NOT_WORD.sub(" ", bare).strip()
    return words.removeprefix("the ")
