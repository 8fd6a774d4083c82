"""Tests of portal.insights."""
