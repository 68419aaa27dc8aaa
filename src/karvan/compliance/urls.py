from django.urls import path

from karvan.compliance import views

app_name = "compliance"
urlpatterns = [
    path("", views.queue, name="queue"),
    path("cases/<int:pk>/", views.case_detail, name="case"),
    path("cases/<int:pk>/review/", views.review, name="review"),
    path("decisions.<str:fmt>", views.export_decisions, name="export"),
]
