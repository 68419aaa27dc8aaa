from django.urls import path

from karvan.opportunities import views

app_name = "opportunities"
urlpatterns = [
    path("", views.search, name="search"),
    path("new/", views.create, name="create"),
    path("mine/", views.mine, name="mine"),
    path("review/", views.review_queue, name="review_queue"),
    path("interests/", views.interest_list, name="interests"),
    path("interests/<int:pk>/", views.interest_detail, name="interest"),
    path("interests/<int:pk>/decide/", views.interest_decide, name="interest_decide"),
    path("<int:pk>/", views.detail, name="detail"),
    path("<int:pk>/edit/", views.edit, name="edit"),
    path("<int:pk>/publish/", views.publish, name="publish"),
    path("<int:pk>/review/", views.review, name="review"),
    path("<int:pk>/close/", views.close, name="close"),
    path("<int:pk>/renew/", views.renew, name="renew"),
    path("<int:pk>/interest/", views.interest_create, name="interest_create"),
    path("<int:pk>/quotations/", views.quotations, name="quotations"),
    path("<int:pk>/quote/", views.quote, name="quote"),
    path(
        "quotations/<int:pk>/attachment/",
        views.quotation_attachment,
        name="quotation_attachment",
    ),
    path(
        "interests/<int:pk>/messages/<int:message_pk>/attachment/",
        views.interest_attachment,
        name="interest_attachment",
    ),
]
