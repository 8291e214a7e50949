from django.apps import AppConfig


class SurveysConfig(AppConfig):
    name = "surveys"

    def ready(self) -> None:
        from accounts import attention
        from surveys.attention import survey_attention

        attention.register(survey_attention)  # the home page's lines
