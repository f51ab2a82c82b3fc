"""People, pairs and the organisation: the org import, topic catalogs, who leads whom.

The public face of the feature: surfaces, the wiring and other features import from here,
never from its modules."""

from bot.features.org.catalog import (
    SET_NAME_MAX,
    TOPIC_LABEL_MAX,
    SetView,
    TopicView,
    all_sets,
    ensure_builtin_catalog,
    free_key,
    label_problem,
    next_position,
    set_view,
    topic_changes,
    topic_view,
    topics_of,
)
from bot.features.org.entry import Choose, Entry, EntryRule, NoPairs, NoPerson, One, route_entry
from bot.features.org.feature import OrgFeature, build
from bot.features.org.importer import (
    ImportReport,
    OrgImportError,
    RowError,
    import_org,
    import_org_file,
)
from bot.features.org.pair_import import (
    COLUMNS as PAIR_COLUMNS,
)
from bot.features.org.pair_import import (
    PROGRAMS,
    PairCsvRow,
    PairImportError,
    PairImportReport,
    check_pair_row,
    import_pairs,
    import_pairs_file,
    local_today,
    write_pair_rows,
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
from bot.features.org.topic_import import (
    TopicImportError,
    TopicImportReport,
    export_topics,
    export_topics_file,
    import_topics,
    import_topics_file,
)

# The person rows surfaces resolve actors to.
from storage.models import Person

__all__ = [
    "PAIR_COLUMNS",
    "PROGRAMS",
    "SET_NAME_MAX",
    "TOPIC_LABEL_MAX",
    "Choose",
    "Entry",
    "EntryRule",
    "ImportReport",
    "NoPairs",
    "NoPerson",
    "One",
    "OrgFeature",
    "OrgImportError",
    "PairCsvRow",
    "PairImportError",
    "PairImportReport",
    "PairRow",
    "PairService",
    "PairView",
    "PairsOf",
    "Party",
    "PeopleService",
    "Person",
    "RowError",
    "SetView",
    "TopicImportError",
    "TopicImportReport",
    "TopicView",
    "all_sets",
    "build",
    "check_pair_row",
    "ensure_builtin_catalog",
    "export_topics",
    "export_topics_file",
    "free_key",
    "import_org",
    "import_org_file",
    "import_pairs",
    "import_pairs_file",
    "import_topics",
    "import_topics_file",
    "label_problem",
    "local_today",
    "next_position",
    "pair_rows",
    "pair_rows_statement",
    "route_entry",
    "rows_from",
    "set_view",
    "split",
    "topic_changes",
    "topic_view",
    "topics_of",
    "write_pair_rows",
]
