from django.apps import AppConfig


class WorkspaceConfig(AppConfig):
    """The home page and the member's workspace: pages that gather from every domain app, so
    they sit above them all and nothing imports them."""

    name = "karvan.workspace"
    label = "workspace"
