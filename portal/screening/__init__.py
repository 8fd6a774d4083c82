"""Screening of residents' text: canonical form and masking of personal data."""
