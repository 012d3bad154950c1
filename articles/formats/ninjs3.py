"""IPTC ninjs 3.0 and 3.1 news items -> Article.

ninjs 3 keeps the 2.x structure and roles and renames the fields to camelCase
(`versionCreated`, `pubStatus`, `copyrightHolder`, `contentType`, `sizeInBytes`, `altIds`,
`infoSources`), renames `embargoed` to `embargoedUntil`, drops the 1.x fields, and adds events
and plannings (`eventDetails`, `plannedCoverage`), which are not articles. The translation is
the one of every ninjs version (`articles.formats.ninjs.NinjsItem`) with these spellings.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import ClassVar

from articles.formats.ninjs import NinjsItem

# The 2.x name of each field that ninjs 3 spells differently, and its 3.x spelling.
RENAMED: dict[str, str] = {
    "versioncreated": "versionCreated",
    "firstcreated": "firstCreated",
    "contentcreated": "contentCreated",
    "embargoed": "embargoedUntil",
    "pubstatus": "pubStatus",
    "copyrightholder": "copyrightHolder",
    "copyrightnotice": "copyrightNotice",
    "usageterms": "usageTerms",
    "altids": "altIds",
    "infosources": "infoSources",
    "ednote": "edNote",
    "representationtype": "representationType",
    "rightsinfo": "rightsInfo",
    "trustindicators": "trustIndicators",
    "digitalsourcetype": "digitalSourceType",
    "eventdetails": "eventDetails",
    "plannedcoverage": "plannedCoverage",
    # In bodies, headlines, descriptions, renditions and people.
    "contenttype": "contentType",
    "sizeinbytes": "sizeInBytes",
    "charcount": "charCount",
    "wordcount": "wordCount",
    "contactinfo": "contactInfo",
}
# ninjs 1.x fields, gone from 3.x.
ONLY_1X = ("headline", "body_text", "body_html", "description_text", "description_html",
           "byline", "infosource", "mimetype")  # fmt: skip


class Ninjs3Item(NinjsItem):
    """A ninjs 3.0 or 3.1 item: camelCase names, no 1.x fields."""

    VERSION = "3.x"
    NAMES: ClassVar[Mapping[str, str | None]] = {
        **RENAMED,
        **dict.fromkeys(ONLY_1X),
    }
