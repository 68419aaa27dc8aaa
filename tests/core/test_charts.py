from karvan.core.charts import list_chart_specs


def test_the_centers_own_charts_come_first_whatever_the_order_of_the_apps():
    """Events and agreements register their charts in core; insights' open the dashboard."""
    keys = [spec.key for spec in list_chart_specs()]
    assert keys[0] == "organisations-by-month"
    assert keys.index("days-to-first-interest") < keys.index("meetings-requested-held-rated")
    assert keys.index("meetings-requested-held-rated") < keys.index("agreements-signed-by-month")
