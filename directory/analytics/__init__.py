"""Unmet-need analytics: counts of questions the assistant could not answer, for the city's planning."""
