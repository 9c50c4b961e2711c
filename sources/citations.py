"""How to cite a record of the directory: one `Citation`, written out as CSL-JSON (what
Zotero, Mendeley and citeproc read), BibTeX and RIS.

A citation names the record, the date its data describes (`as_of`: for a network, the
date of the member list cited), the day it was retrieved, and a URL that shows the same
thing again (a network's page on that date). Lattice is the publisher and the author:
the directory is a compilation, each fact citing its own source on the page.
"""

import datetime
import re
from dataclasses import dataclass

PUBLISHER = "Lattice"
CONTAINER = "Lattice: the directory of transgovernmental networks"


@dataclass(frozen=True)
class Citation:
    key: str  # a short, stable identifier: "lattice-bcbs-2010-01-01"
    title: str
    url: str  # absolute; shows what was cited
    as_of: datetime.date
    accessed: datetime.date
    # The latest open-data release when the citation was made ("2026-12-03.1"), if any:
    # the files that hold the whole directory as it then was.
    release: str = ""

    def csl_json(self) -> dict:
        data = {
            "id": self.key,
            "type": "dataset",
            "title": self.title,
            "author": [{"literal": PUBLISHER}],
            "publisher": PUBLISHER,
            "container-title": CONTAINER,
            "URL": self.url,
            "issued": _date_parts(self.as_of),
            "accessed": _date_parts(self.accessed),
            "note": self.note(),
        }
        if self.release:
            data["version"] = self.release
        return data

    def note(self) -> str:
        note = f"Data as of {self.as_of.isoformat()}"
        return note + f"; release {self.release}" if self.release else note

    def bibtex(self) -> str:
        fields = {
            "title": "{" + _bibtex_escape(self.title) + "}",
            "author": "{" + PUBLISHER + "}",
            "publisher": "{" + PUBLISHER + "}",
            "howpublished": "{" + _bibtex_escape(CONTAINER) + "}",
            "year": "{" + str(self.as_of.year) + "}",
            "month": "{" + str(self.as_of.month) + "}",
            "date": "{" + self.as_of.isoformat() + "}",
            "url": "{" + self.url + "}",
            "urldate": "{" + self.accessed.isoformat() + "}",
            "note": "{" + self.note() + "}",
        }
        if self.release:
            fields["version"] = "{" + self.release + "}"
        body = ",\n".join(f"  {name} = {value}" for name, value in fields.items())
        return f"@misc{{{self.key},\n{body}\n}}\n"

    def ris(self) -> str:
        lines = [
            ("TY", "DATA"),
            ("TI", self.title),
            ("AU", PUBLISHER),
            ("PB", PUBLISHER),
            ("T2", CONTAINER),
            ("PY", str(self.as_of.year)),
            ("DA", self.as_of.strftime("%Y/%m/%d")),
            ("Y2", self.accessed.strftime("%Y/%m/%d")),
            ("UR", self.url),
            ("N1", self.note()),
            ("ET", self.release),
            ("ID", self.key),
            ("ER", ""),
        ]
        # RIS: a two-letter tag, two spaces, a hyphen, a space; one field a line.
        return "".join(
            f"{tag}  - {_one_line(value)}".rstrip() + "\r\n"
            for tag, value in lines
            if value or tag == "ER"
        )

    def text(self) -> str:
        """The plain reference shown on the page."""
        return (
            f"{PUBLISHER} ({self.as_of.year}). {self.title}. {CONTAINER}. "
            f"{self.note()}. {self.url} "
            f"(accessed {self.accessed.isoformat()})."
        )


def citation_key(slug: str, as_of: datetime.date) -> str:
    return f"lattice-{slug}-{as_of.isoformat()}"


def _date_parts(date: datetime.date) -> dict:
    return {"date-parts": [[date.year, date.month, date.day]]}


def _one_line(value: str) -> str:
    return re.sub(r"\s+", " ", value).strip()


_BIBTEX_SPECIAL = re.compile(r"([\\{}%&#_$^~])")


def _bibtex_escape(value: str) -> str:
    """Escape what TeX would read as a command; accents stay as UTF-8 (biber, bibtexparser
    and modern BibTeX read it)."""
    replacements = {"\\": r"\textbackslash{}", "^": r"\^{}", "~": r"\~{}"}
    return _BIBTEX_SPECIAL.sub(
        lambda match: replacements.get(match.group(1), "\\" + match.group(1)), _one_line(value)
    )
