"""Tests of webhook tools."""
