"""Where a record comes from, as declared by the ``provenance`` block of wiki.yml.

A wiki may hold records of several kinds (here: sheets taken from a published guide, and
contributions written for the wiki). Every output that credits a source asks this module, so a
contributed record is never credited to the guide: the record's page, its JSON-LD, the booklet,
the matrix notes, the datasets' ``sources`` and the content changelog.
"""
from __future__ import annotations

from dataclasses import dataclass

from .project import Project, as_list, get_field


@dataclass(frozen=True)
class Provenance:
    kind: str                     # a key of wiki.yml provenance.kinds ("" when the wiki declares none)
    label: str                    # « Fiche reprise du guide », « Contribution au wiki »
    document: str = ""            # the published document the record was taken from
    page: int | None = None       # its page in that document
    based_on: dict | None = None  # name, publishers, date of that document (JSON-LD isBasedOn)
    author: str = ""              # who wrote a contributed record (a structure or a public pseudonym)
    date: str = ""                # when it was written (AAAA-MM-JJ)
    references: tuple = ()        # ((label, url), …): the public sources of a contributed record
    reconstructed: tuple = ()     # fields reconstructed from the document, still to check

    @property
    def from_document(self) -> bool:
        return bool(self.document or self.based_on)

    def credit(self) -> str:
        """One line in French: « Guide Smart village …, p. 88 » or « Contribution de X (2026-11-30) »."""
        if self.from_document:
            return f"{self.document}, p. {self.page}" if self.page else self.document
        if self.author:
            return f"Contribution de {self.author}" + (f" ({self.date})" if self.date else "")
        return self.label


def provenance_config(project: Project) -> dict:
    return project.config.get("provenance") or {}


def provenance_of(project: Project, data: dict) -> Provenance:
    """The provenance of one record's data (its front matter)."""
    conf = provenance_config(project)
    kind = str(get_field(data, conf["field"]) or "") if conf.get("field") else ""
    spec = (conf.get("kinds") or {}).get(kind)
    if spec is None:
        return Provenance(kind, kind)

    def text(key: str) -> str:
        value = get_field(data, spec[key]) if spec.get(key) else None
        return "" if value is None else str(value)
    page = get_field(data, spec["page_field"]) if spec.get("page_field") else None
    references = tuple((str(r.get("libelle", "")), str(r.get("url", "")))
                       for r in as_list(get_field(data, spec.get("references_field", "")) if spec.get("references_field") else None)
                       if isinstance(r, dict))
    reconstructed = get_field(data, spec["reconstructed_field"]) if spec.get("reconstructed_field") else None
    reconstructed = tuple(k for k, v in (reconstructed or {}).items() if v == "reconstitue") \
        if isinstance(reconstructed, dict) else ()
    return Provenance(kind, str(spec.get("label", kind)), document=text("document_field"),
                      page=page if isinstance(page, int) else None, based_on=spec.get("based_on"),
                      author=text("author_field"), date=text("date_field"), references=references,
                      reconstructed=reconstructed)
