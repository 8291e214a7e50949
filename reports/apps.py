from django.apps import AppConfig


class ReportsConfig(AppConfig):
    name = "reports"

    def ready(self) -> None:
        from accounts import attention
        from reports.attention import report_attention

        attention.register(report_attention)  # the home page's lines
