"""The banner every page and PDF carries: what a publication says about itself.

To its readers, whether it is a draft or adopted, by whom, its version and date; to its reviewers,
where it comes from (the chain of layers, the number of adaptations and findings), shown on the
Adaptations page and in PDF metadata.
"""

from __future__ import annotations

from dataclasses import dataclass

from lstoolkit import __version__
from lstoolkit.adapt import Adapted
from lstoolkit.dates import publication_date
from lstoolkit.findings import Finding
from lstoolkit.i18n import ENGLISH, Words


@dataclass(frozen=True)
class Banner:
    """What a publication says about itself: to its readers (``reader``: draft or adopted, by
    whom, version, date) and to its reviewers (``provenance``: the chain of layers, the number of
    adaptations and findings, shown on the Adaptations page and in PDF metadata)."""

    version: str
    status: str
    adopted_on: str
    adopted_by: str
    provenance: str
    reader: str = ""
    published: str = ""  # YYYY-MM-DD, or empty when unknown
    agency: str = ""

    def as_dict(self) -> dict[str, str]:
        return {
            "version": self.version,
            "status": self.status,
            "adopted_on": self.adopted_on,
            "adopted_by": self.adopted_by,
            "provenance": self.provenance,
            "reader": self.reader,
            "published": self.published,
            "published_text": long_date(self.published),
            "agency": self.agency,
        }


def long_date(iso: str) -> str:
    """'2026-11-25' as readers write it: '25 November 2026' (unchanged when not a date)."""
    return ENGLISH.date(iso)


def version_banner(
    adapted: Adapted, findings: tuple[Finding, ...], words: Words = ENGLISH
) -> Banner:
    """The banner; its line for readers in ``words``' language (the provenance is for reviewers)."""
    _ = words
    top = adapted.top
    chain = " → ".join(
        [f"prototype {__version__}", *(layer.file.agency.name for layer in adapted.layers)]
    )
    changes, found = len(adapted.changes), len(findings)
    provenance = (
        f"{chain}; {changes} adaptation{'s' if changes != 1 else ''}, "
        f"{found} fidelity finding{'s' if found != 1 else ''}"
    )
    if top is None:
        return Banner(
            __version__,
            "prototype",
            "",
            "",
            provenance,
            reader=_("Prototype toolkit, version %(version)s", version=__version__),
        )
    file = top.file
    adopted = file.adopted if file.status == "adopted" else None
    published = publication_date(adapted.layers)
    if adopted:
        resolution = f" ({adopted.resolution})" if adopted.resolution else ""
        reader = _(
            "Adopted by the %(body)s on %(date)s",
            body=_body(adopted.by),
            date=words.date(str(adopted.date)),
        )
        reader += resolution + " · " + _("version %(version)s", version=file.version)
    else:
        if file.deciding_body:
            reader = _("Draft for review by the %(body)s", body=_body(file.deciding_body))
        else:
            reader = _("Draft, not yet adopted")
        reader += (
            " · "
            + _("version %(version)s", version=file.version)
            + (f" · {words.date(published)}" if published else "")
        )
    return Banner(
        file.version,
        file.status,
        str(adopted.date) if adopted else "",
        adopted.by if adopted else "",
        provenance,
        reader=reader,
        published=published,
        agency=file.agency.name,
    )


def _body(name: str) -> str:
    """'Board of Education' reads 'the Board of Education'; 'The Board' is not doubled."""
    return name[4:] if name.lower().startswith("the ") else name
