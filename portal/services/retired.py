"""A retired commitment keeps its feedback and address but takes no new feedback."""

from __future__ import annotations

from portal.models import Commitment
from portal.services.commitments import FeedbackTarget


class CommitmentRetired(Exception):
    """New feedback was offered to a retired commitment; nothing was stored."""

    def __init__(self, commitment: Commitment | FeedbackTarget) -> None:
        super().__init__(f"commitment {commitment.code} is retired")
        self.commitment = commitment


def refuse_if_retired(commitment: Commitment | FeedbackTarget) -> None:
    """Raise CommitmentRetired for a retired commitment, whoever the caller is."""
    if commitment.retired_at is not None:
        raise CommitmentRetired(commitment)
