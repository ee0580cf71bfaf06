"""Aula: a self-hosted engine for interactive lessons, offline by default."""

__version__ = "0.1.0"
