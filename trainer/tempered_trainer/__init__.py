"""Tempered's training runtime: fine-tunes and evaluates causal LMs, reporting JSON lines on stdout."""

__version__ = "0.1.0"
