from django.urls import path

from karvan.knowledge import views

app_name = "knowledge"
urlpatterns = [
    path("", views.question_list, name="list"),
    path("ask/", views.ask, name="ask"),
    path("moderation/", views.moderation, name="moderation"),
    path("experts/", views.experts, name="experts"),
    path("<int:pk>/", views.detail, name="detail"),
    path("<int:pk>/edit/", views.edit, name="edit"),
    path("<int:pk>/answer/", views.answer, name="answer"),
    path("<int:pk>/comment/", views.comment, name="comment"),
    path("<int:pk>/vote/", views.vote_view, name="vote"),
    path("<int:pk>/accept/<int:answer_pk>/", views.accept, name="accept"),
    path("<int:pk>/report/", views.report, name="report"),
    path("<int:pk>/hide/", views.hide, name="hide"),
    path("<int:pk>/restore/", views.restore, name="restore"),
]
