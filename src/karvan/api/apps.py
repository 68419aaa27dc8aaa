from django.apps import AppConfig


class ApiConfig(AppConfig):
    name = "karvan.api"
    label = "api"
    verbose_name = "API"
