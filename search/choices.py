"""Choices for search: the kinds of record a person can search."""

from django.db import models


class DocumentKind(models.TextChoices):
    AGREEMENT = "agreement", "Agreement"
    SCHEDULE = "schedule", "Schedule"
    REPORT = "report", "Report"
    MINUTE = "minute", "Minute"
    DECISION = "decision", "Decision"
    ACTION = "action", "Action"
