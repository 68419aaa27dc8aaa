from django.urls import path

from karvan.insights import views

app_name = "insights"
urlpatterns = [
    path("insights/", views.dashboard, name="dashboard"),
    path("insights/charts/<slug:key>.<str:fmt>", views.chart_export, name="chart_export"),
    path("insights/dashboard.xlsx", views.dashboard_workbook, name="dashboard_workbook"),
    path("insights/figures/", views.figures, name="figures"),
    path("insights/figures/<int:pk>/", views.figures, name="figure_edit"),
    path("statistics/", views.statistics_page, name="statistics"),
    path("statistics/trade/", views.trade, name="trade"),
]
