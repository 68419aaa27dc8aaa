from django.conf import settings
from django.contrib import admin
from django.templatetags.static import static as static_url
from django.urls import include, path, re_path
from django.utils.functional import lazy
from django.views.generic import RedirectView

from karvan.api.main import api
from karvan.core.files import serve_public_file
from karvan.workspace.views import home

admin.site.site_header = "Karvan"
# The database restarting answers 503 in the reader's language; anything else the 500 page.
handler500 = "karvan.core.unavailable.server_error"

urlpatterns = [
    path("", home, name="home"),
    # Browsers and feed readers ask for /favicon.ico whatever the page says: Karvan's own icon.
    path(
        "favicon.ico",
        RedirectView.as_view(url=lazy(static_url, str)("karvan/favicon.svg"), permanent=True),
        name="favicon",
    ),
    path("accounts/", include("karvan.accounts.urls")),
    path("organisations/", include("karvan.directory.urls")),
    path("notifications/", include("karvan.notifications.urls")),
    path("opportunities/", include("karvan.opportunities.urls")),
    path("events/", include("karvan.events.urls")),
    path("agreements/", include("karvan.agreements.urls")),
    path("knowledge/", include("karvan.knowledge.urls")),
    path("parks/", include("karvan.parks.urls")),
    path("compliance/", include("karvan.compliance.urls")),
    path("translations/", include("karvan.translations.urls")),
    path("", include("karvan.insights.urls")),
    path("api/", api.urls),
    path("staff/admin/", admin.site.urls),
]
if not settings.KARVAN_S3_BUCKET and not settings.PRODUCTION:
    # Public uploads (logos) on local disk, served by Karvan itself in the embedded mode whatever
    # DEBUG says; in production the proxy or object storage serves them.
    urlpatterns += [
        re_path(
            rf"^{settings.MEDIA_URL.strip('/')}/(?P<path>.*)$",
            serve_public_file,
            name="public_file",
        )
    ]
