"""People, pairs and the organisation: the org import, topic catalogs, who leads whom.

The public face of the feature: surfaces, the wiring and other features import from here,
never from its modules."""

from bot.features.org.catalog import ensure_builtin_catalog
from bot.features.org.entry import Choose, Entry, EntryRule, NoPairs, NoPerson, One, route_entry
from bot.features.org.feature import OrgFeature, build
from bot.features.org.importer import ImportReport, OrgImportError, import_org, import_org_file
from bot.features.org.pair_import import (
    PROGRAMS,
    PairImportError,
    PairImportReport,
    import_pairs,
    import_pairs_file,
)
from bot.features.org.pairs import (
    PairRow,
    PairService,
    PairsOf,
    PairView,
    pair_rows,
    pair_rows_statement,
    rows_from,
    split,
)
from bot.features.org.people import Party, PeopleService

# The person rows surfaces resolve actors to.
from storage.models import Person

__all__ = [
    "PROGRAMS",
    "Choose",
    "Entry",
    "EntryRule",
    "ImportReport",
    "NoPairs",
    "NoPerson",
    "One",
    "OrgFeature",
    "OrgImportError",
    "PairImportError",
    "PairImportReport",
    "PairRow",
    "PairService",
    "PairView",
    "PairsOf",
    "Party",
    "PeopleService",
    "Person",
    "build",
    "ensure_builtin_catalog",
    "import_org",
    "import_org_file",
    "import_pairs",
    "import_pairs_file",
    "pair_rows",
    "pair_rows_statement",
    "route_entry",
    "rows_from",
    "split",
]
