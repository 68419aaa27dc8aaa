from django.conf import settings
from django.conf.urls.static import static
from django.contrib import admin
from django.templatetags.static import static as static_url
from django.urls import include, path
from django.utils.functional import lazy
from django.views.generic import RedirectView

from karvan.api.main import api
from karvan.directory.views import home

admin.site.site_header = "Karvan"

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
if settings.DEBUG:
    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)
