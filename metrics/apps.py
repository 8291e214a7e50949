from django.apps import AppConfig


class MetricsConfig(AppConfig):
    name = "metrics"

    def ready(self) -> None:
        from accounts import attention, measure_names
        from metrics import registry
        from metrics.attention import metric_attention

        attention.register(metric_attention)  # the home page's lines

        # Survey questions are tagged with metric codes; pages show the metric's title.
        for metric in registry.all_metrics():
            measure_names.register(metric.code, metric.title)
