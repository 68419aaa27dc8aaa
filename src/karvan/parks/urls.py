from django.urls import path

from karvan.parks import views

app_name = "parks"
urlpatterns = [
    path("", views.park_list, name="list"),
    path("map.svg", views.park_map, name="map"),
    path("inquiries/", views.inquiry_list, name="inquiries"),
    path("inquiries/<int:pk>/", views.inquiry_detail, name="inquiry"),
    path("profile/<int:organisation_pk>/", views.park_edit, name="edit"),
    path("<int:pk>/", views.park_detail, name="detail"),
    path("<int:pk>/units/new/", views.unit_edit, name="unit_create"),
    path("<int:pk>/units/<int:unit_pk>/", views.unit_edit, name="unit_edit"),
    path("<int:pk>/inquire/", views.inquire, name="inquire"),
]
