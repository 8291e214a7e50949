from django.apps import AppConfig


class MetricsConfig(AppConfig):
    name = "metrics"

    def ready(self) -> None:
        from accounts import measure_names
        from metrics import registry

        # Survey questions are tagged with metric codes; pages show the metric's title.
        for metric in registry.all_metrics():
            measure_names.register(metric.code, metric.title)
