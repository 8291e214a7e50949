"""What the read API returns: output-only serializers (they also describe the OpenAPI schema).

Decimal figures (numerators, values, benchmarks) are JSON strings ("87.10"): exact, as stored.
"""

from __future__ import annotations

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from metrics.export import CSV_COLUMNS
from metrics.models import ImportRun, MetricResult, MetricRun


class MetricResultSerializer(serializers.ModelSerializer):
    run = serializers.CharField(source="run.run_id", read_only=True)

    class Meta:
        model = MetricResult
        # The export's columns (metrics.export.CSV_COLUMNS), with the row id and `run` for run_id.
        fields = ["id", "run", *(c for c in CSV_COLUMNS if c != "run_id")]
        read_only_fields = fields


class MetricRunSerializer(serializers.ModelSerializer):
    run = serializers.CharField(source="run_id", read_only=True)
    extract_id = serializers.CharField(source="extract.extract_id", read_only=True)
    as_of_date = serializers.DateField(source="extract.as_of_date", read_only=True)
    current = serializers.SerializerMethodField(help_text="the run the pages and this API read results from")

    class Meta:
        model = MetricRun
        fields = [
            "id",
            "run",
            "extract_id",
            "as_of_date",
            "settings_version",
            "period_from",
            "period_through",
            "status",
            "progress",
            "started_at",
            "finished_at",
            "current",
        ]
        read_only_fields = fields

    def get_current(self, run: MetricRun) -> bool:
        return run.pk == self.context.get("current_run_id")


class ImportRunSerializer(serializers.ModelSerializer):
    extract_id = serializers.CharField(source="extract.extract_id", read_only=True, default=None)
    created_by = serializers.CharField(source="created_by.username", read_only=True, default=None)

    class Meta:
        model = ImportRun
        fields = [
            "id",
            "original_name",
            "status",
            "progress",
            "step",
            "error_count",
            "warning_count",
            "extract_id",
            "created_by",
            "created_at",
            "started_at",
            "heartbeat_at",
            "finished_at",
            "retry_of",
        ]
        read_only_fields = fields


class ImportProblemSerializer(serializers.Serializer):
    severity = serializers.CharField()
    file = serializers.CharField(required=False)
    line = serializers.IntegerField(required=False, allow_null=True)
    column = serializers.CharField(required=False, allow_blank=True)
    value = serializers.CharField(required=False, allow_blank=True)
    rule = serializers.CharField(required=False)
    message = serializers.CharField(required=False)


class ImportRunDetailSerializer(ImportRunSerializer):
    problems = serializers.SerializerMethodField(help_text="at most 1000 of each severity, as on the page")

    class Meta(ImportRunSerializer.Meta):
        fields = [*ImportRunSerializer.Meta.fields, "problems"]
        read_only_fields = fields

    @extend_schema_field(ImportProblemSerializer(many=True))
    def get_problems(self, run: ImportRun) -> list[dict]:
        from metrics.views import PROBLEMS_SHOWN

        shown: list[dict] = []
        counts: dict[str, int] = {}
        for problem in run.problems:
            severity = problem.get("severity", "")
            counts[severity] = counts.get(severity, 0) + 1
            if counts[severity] <= PROBLEMS_SHOWN:
                shown.append(problem)
        return shown


class SummaryRowSerializer(serializers.Serializer):
    group = serializers.CharField(help_text="the group's label (All, an agency code, Circuit 16 ...)")
    group_value = serializers.CharField(help_text="the raw group value; empty without group_by")
    key = serializers.CharField(help_text="item number or outcome code")
    label = serializers.CharField()
    applicable = serializers.IntegerField(help_text="reviews where it applied (Strength or ANI; rated outcomes)")
    achieved = serializers.IntegerField(help_text="Strengths; outcomes substantially achieved")
    percent = serializers.FloatField(allow_null=True)


class ReviewSummarySerializer(serializers.Serializer):
    filters = serializers.DictField(child=serializers.CharField())
    group_by = serializers.CharField(allow_blank=True)
    reviews_counted = serializers.IntegerField()
    items = SummaryRowSerializer(many=True)
    outcomes = SummaryRowSerializer(many=True)


class ChoiceCountSerializer(serializers.Serializer):
    value = serializers.CharField()
    label = serializers.CharField()
    count = serializers.IntegerField()
    percent = serializers.DecimalField(max_digits=5, decimal_places=1, allow_null=True)
    favourable = serializers.BooleanField()
    counts_in_base = serializers.BooleanField()


class QuestionResultSerializer(serializers.Serializer):
    code = serializers.CharField()
    text = serializers.CharField()
    kind = serializers.CharField()
    tags = serializers.ListField(child=serializers.CharField())
    suppressed = serializers.BooleanField(help_text="fewer respondents than the minimum cell: no figures at all")
    answered = serializers.IntegerField(allow_null=True)
    n = serializers.IntegerField(allow_null=True, help_text="the percent-favourable denominator")
    percent_favourable = serializers.DecimalField(max_digits=5, decimal_places=1, allow_null=True)
    number_mean = serializers.DecimalField(max_digits=12, decimal_places=1, allow_null=True)
    choices = ChoiceCountSerializer(many=True)


class RateSerializer(serializers.Serializer):
    by = serializers.CharField()
    label = serializers.CharField()
    invited = serializers.IntegerField()
    submitted = serializers.IntegerField()
    rate = serializers.DecimalField(max_digits=5, decimal_places=1, allow_null=True)


class CommentSerializer(serializers.Serializer):
    wave = serializers.CharField()
    agency = serializers.CharField()
    group = serializers.CharField()
    question = serializers.CharField()
    text = serializers.CharField()


class SurveyResultsSerializer(serializers.Serializer):
    filters = serializers.DictField(child=serializers.CharField())
    min_cell = serializers.IntegerField()
    responses = serializers.IntegerField(allow_null=True, help_text="null when the count itself is suppressed")
    rates = RateSerializer(many=True)
    questions = QuestionResultSerializer(many=True)
    comments = CommentSerializer(many=True)
    comments_withheld = serializers.BooleanField()
