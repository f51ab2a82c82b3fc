"""The Teams app package (`oneonone teams package`): the zip an admin uploads in the Teams admin
center — manifest.json, its second language, and the two icons.

The manifest is pinned to schema v1.17: every feature the bot uses is there (bot scopes and
command lists, a message action, localization files, resource-specific consent under
``authorization``), and Teams clients and the admin center have accepted it for long. The tests
validate each package against Microsoft's published v1.17 schemas.

Strings come from the i18n catalogs: the organisation's default language (ONEONONE_LOCALE) is
the manifest's own, the other one is a localization file, so a Japanese company's admin center
and Teams clients in Japanese show Japanese and English clients show English.
"""

from __future__ import annotations

import io
import json
import re
import zipfile
from dataclasses import dataclass
from importlib.metadata import PackageNotFoundError
from importlib.metadata import version as distribution_version
from typing import Any
from urllib.parse import urlsplit

from bot.config import Settings, SettingsError
from bot.i18n import SUPPORTED_LOCALES, t
from handlers.teams.icons import ACCENT_COLOR, color_icon_png, outline_icon_png

__all__ = [
    "COMMANDS",
    "GRAPH_PERMISSIONS",
    "MAKE_TODO_COMMAND_ID",
    "MANIFEST_VERSION",
    "RSC_PERMISSIONS",
    "AppPackage",
    "PackageOptions",
    "build_manifest",
    "build_package",
]

MANIFEST_VERSION = "1.17"
_SCHEMA_BASE = f"https://developer.microsoft.com/en-us/json-schemas/teams/v{MANIFEST_VERSION}"
MANIFEST_SCHEMA_URL = f"{_SCHEMA_BASE}/MicrosoftTeams.schema.json"
LOCALIZATION_SCHEMA_URL = f"{_SCHEMA_BASE}/MicrosoftTeams.Localization.schema.json"

# The words people send the bot in its personal chat (DESIGN "Contracts"), in menu order.
COMMANDS: tuple[str, ...] = ("1on1", "home", "help", "memo", "schedule", "tip", "tips", "config")
# The message action ("make a TODO" on a message in the pair's chat); the same id as Slack's
# message shortcut.
MAKE_TODO_COMMAND_ID = "make_todo"

LANGUAGE_TAGS = {"ja": "ja-jp", "en": "en-us"}
ICON_FILES = {"color": "color.png", "outline": "outline.png"}


@dataclass(frozen=True)
class Permission:
    name: str
    kind: str
    why: str


# Resource-specific consent, in the manifest: granted for one chat or team when the app is
# added there, by whoever adds it.
RSC_PERMISSIONS: tuple[Permission, ...] = (
    Permission(
        "ChatMessage.Read.Chat",
        "Application",
        "read the messages of the pair's memo chat, so memo entries are stored as they are "
        "written (without it a bot in a group chat sees only @mentions)",
    ),
)

# Microsoft Graph application permissions of the bot's app registration, granted by a tenant
# admin in Entra ID (they are not part of the package; `teams package` lists them).
GRAPH_PERMISSIONS: tuple[Permission, ...] = (
    Permission(
        "TeamsAppInstallation.ReadWriteSelfForUser.All",
        "Application",
        "install the app for people who never opened it, so their reminders reach them",
    ),
    Permission(
        "User.Read.All",
        "Application",
        "match a Teams user to the person from the org CSV by e-mail and read their language",
    ),
    Permission(
        "MailboxSettings.Read",
        "Application",
        "read each person's time zone and language (mailboxSettings) so messages arrive in "
        "their language at sensible hours",
    ),
    Permission(
        "Chat.Create",
        "Application",
        "create the group chat of the leader, the member and the bot that holds their memos",
    ),
)

_GUID = re.compile(r"^[0-9a-fA-F]{8}-(?:[0-9a-fA-F]{4}-){3}[0-9a-fA-F]{12}$")
# The manifest's app version must be x.y.z; an admin raises it to update an uploaded app.
_APP_VERSION = re.compile(r"^\d+\.\d+\.\d+$")
# Developer name limit in the manifest schema.
_DEVELOPER_NAME_MAX = 32


@dataclass(frozen=True)
class PackageOptions:
    """What the package says about who publishes it; empty URLs default to PUBLIC_URL."""

    developer_name: str = "1on1"
    website_url: str = ""
    privacy_url: str = ""
    terms_url: str = ""
    app_version: str = ""


@dataclass(frozen=True)
class AppPackage:
    manifest: dict[str, Any]
    localizations: dict[str, dict[str, Any]]
    files: dict[str, bytes]

    def zip_bytes(self) -> bytes:
        buffer = io.BytesIO()
        with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
            for name, data in self.files.items():
                # A fixed timestamp: the same settings give the same bytes.
                info = zipfile.ZipInfo(name, date_time=(2020, 1, 1, 0, 0, 0))
                info.compress_type = zipfile.ZIP_DEFLATED
                archive.writestr(info, data)
        return buffer.getvalue()


def build_package(settings: Settings, options: PackageOptions | None = None) -> AppPackage:
    """The package for these settings; SettingsError naming every setting that is missing or
    unusable (nothing is written then)."""
    options = options or PackageOptions()
    manifest = build_manifest(settings, options)
    default = settings.oneonone_locale
    localizations = {
        _localization_file(locale): _localization(locale)
        for locale in SUPPORTED_LOCALES
        if locale != default
    }
    files: dict[str, bytes] = {"manifest.json": _json_bytes(manifest)}
    files.update({name: _json_bytes(doc) for name, doc in localizations.items()})
    files[ICON_FILES["color"]] = color_icon_png()
    files[ICON_FILES["outline"]] = outline_icon_png()
    return AppPackage(manifest=manifest, localizations=localizations, files=files)


def build_manifest(settings: Settings, options: PackageOptions | None = None) -> dict[str, Any]:
    options = options or PackageOptions()
    _check(settings, options)
    app_id = settings.microsoft_app_id.lower()
    public = settings.public_url
    locale = settings.oneonone_locale
    return {
        "$schema": MANIFEST_SCHEMA_URL,
        "manifestVersion": MANIFEST_VERSION,
        "version": options.app_version or _project_version(),
        # The app's id is the bot's: one registration, one identity in the admin center.
        "id": app_id,
        "localizationInfo": {
            "defaultLanguageTag": LANGUAGE_TAGS[locale],
            "additionalLanguages": [
                {"languageTag": LANGUAGE_TAGS[other], "file": _localization_file(other)}
                for other in SUPPORTED_LOCALES
                if other != locale
            ],
        },
        "developer": {
            "name": options.developer_name,
            "websiteUrl": options.website_url or public,
            "privacyUrl": options.privacy_url or public,
            "termsOfUseUrl": options.terms_url or public,
        },
        "name": {
            "short": t(locale, "teams_app.name.short"),
            "full": t(locale, "teams_app.name.full"),
        },
        "description": {
            "short": t(locale, "teams_app.description.short"),
            "full": t(locale, "teams_app.description.full"),
        },
        "icons": dict(ICON_FILES),
        "accentColor": ACCENT_COLOR,
        "bots": [
            {
                "botId": app_id,
                # personal: commands, pickers and reminders; groupChat: the pair's memo chat;
                # team: the managers' channel where tips are shared.
                "scopes": ["personal", "groupChat", "team"],
                "isNotificationOnly": False,
                "supportsFiles": False,
                "supportsCalling": False,
                "supportsVideo": False,
                "commandLists": [
                    {
                        "scopes": ["personal"],
                        "commands": [
                            {"title": word, "description": t(locale, f"teams_app.command.{word}")}
                            for word in COMMANDS
                        ],
                    }
                ],
            }
        ],
        "composeExtensions": [
            {
                "botId": app_id,
                "commands": [
                    {
                        "id": MAKE_TODO_COMMAND_ID,
                        "type": "action",
                        "context": ["message"],
                        "fetchTask": True,
                        "title": t(locale, "teams_app.action.make_todo"),
                        "description": t(locale, "teams_app.action.make_todo.description"),
                    }
                ],
            }
        ],
        "permissions": ["identity", "messageTeamMembers"],
        "validDomains": [_host(public)],
        "webApplicationInfo": {"id": app_id, "resource": f"api://botid-{app_id}"},
        "authorization": {
            "permissions": {
                "resourceSpecific": [{"name": p.name, "type": p.kind} for p in RSC_PERMISSIONS]
            }
        },
    }


def _localization(locale: str) -> dict[str, Any]:
    doc: dict[str, Any] = {
        "$schema": LOCALIZATION_SCHEMA_URL,
        "name.short": t(locale, "teams_app.name.short"),
        "name.full": t(locale, "teams_app.name.full"),
        "description.short": t(locale, "teams_app.description.short"),
        "description.full": t(locale, "teams_app.description.full"),
    }
    for index, word in enumerate(COMMANDS):
        prefix = f"bots[0].commandLists[0].commands[{index}]"
        doc[f"{prefix}.title"] = word
        doc[f"{prefix}.description"] = t(locale, f"teams_app.command.{word}")
    doc["composeExtensions[0].commands[0].title"] = t(locale, "teams_app.action.make_todo")
    doc["composeExtensions[0].commands[0].description"] = t(
        locale, "teams_app.action.make_todo.description"
    )
    return doc


def _localization_file(locale: str) -> str:
    return f"{locale}.json"


def _check(settings: Settings, options: PackageOptions) -> None:
    problems: list[str] = []
    if not settings.microsoft_app_id:
        problems.append(
            "MICROSOFT_APP_ID is missing: the package names the bot by its Microsoft App ID "
            "(Azure Bot resource > Configuration)."
        )
    elif not _GUID.match(settings.microsoft_app_id):
        problems.append(
            f"MICROSOFT_APP_ID {settings.microsoft_app_id!r} is not a Microsoft App ID "
            "(a GUID such as 00000000-0000-0000-0000-000000000000)."
        )
    if not settings.public_url:
        problems.append(
            "PUBLIC_URL is missing: the https address people and Teams reach this server at "
            "(e.g. https://1on1.example.co.jp); the messaging endpoint is PUBLIC_URL/api/messages."
        )
    elif not settings.public_url.startswith("https://") or not _host(settings.public_url):
        problems.append(
            f"PUBLIC_URL {settings.public_url!r} must be an https URL: Teams reaches bots and "
            "opens links over https only."
        )
    for label, url in (
        ("--website-url", options.website_url),
        ("--privacy-url", options.privacy_url),
        ("--terms-url", options.terms_url),
    ):
        if url and not url.startswith("https://"):
            problems.append(f"{label} {url!r} must be an https URL.")
    if not options.developer_name.strip() or len(options.developer_name) > _DEVELOPER_NAME_MAX:
        problems.append(f"--developer-name must be 1 to {_DEVELOPER_NAME_MAX} characters.")
    if options.app_version and not _APP_VERSION.match(options.app_version):
        problems.append(f"--app-version {options.app_version!r} must look like 1.2.3.")
    if problems:
        raise SettingsError(
            "Cannot build the Teams app package:\n" + "\n".join(f"  {p}" for p in problems)
        )


def _host(url: str) -> str:
    return urlsplit(url).netloc


def _project_version() -> str:
    try:
        found = distribution_version("oneonone")
    except PackageNotFoundError:
        return "1.0.0"
    # A development build ("0.1.0.dev3") is not x.y.z; its release part is.
    match = re.match(r"\d+\.\d+\.\d+", found)
    return match.group(0) if match else "1.0.0"


def _json_bytes(doc: dict[str, Any]) -> bytes:
    return (json.dumps(doc, ensure_ascii=False, indent=2) + "\n").encode("utf-8")
