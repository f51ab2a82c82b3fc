"""The Microsoft Teams surface. Every botbuilder import lives in this package, so moving to
another Bot Framework SDK touches nothing outside it."""

from handlers.teams.endpoint import TeamsEndpoint, build_teams_endpoint

__all__ = ["TeamsEndpoint", "build_teams_endpoint"]
