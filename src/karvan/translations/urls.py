from django.urls import path

from karvan.translations import views

app_name = "translations"

urlpatterns = [
    path("<slug:kind>/<int:pk>/", views.translate, name="translate"),
]
