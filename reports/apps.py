from django.apps import AppConfig


class ReportsConfig(AppConfig):
    name = "reports"

    def ready(self) -> None:
        from accounts import attention
        from reports.attention import report_attention

        attention.register(report_attention)  # the home page's lines

        # Review versus extract: the panel on a linked review's pages, the QA queue's flag counts,
        # and the frame a sample drawn from the extract was drawn from (reviews imports none of this).
        from reports import extract_sampling, extract_views
        from reviews import panels, sampling

        panels.register_panel(extract_views.review_panel)
        panels.register_flag_counter(extract_views.flag_counts)
        sampling.register_frame_hook(extract_sampling.frame_hook)
