"""Insights drawn from residents' comments: sentiment first (issue 5, item 3)."""
