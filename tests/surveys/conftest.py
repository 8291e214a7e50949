"""Survey test fixtures."""

from __future__ import annotations

import pytest


@pytest.fixture
def question_bank(db):
    """The default bank; reinstalled if a transactional test flushed the migration's copy."""
    from surveys import models, question_bank

    question_bank.install({name: getattr(models, name) for name in question_bank.SURVEY_MODELS})
    return models.Survey.objects.filter(family__in=question_bank.ALL_GROUPS, version=1)
