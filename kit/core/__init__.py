"""Shared machinery every topic uses; it knows no topic."""
