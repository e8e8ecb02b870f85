"""Dilemma cases: the structured template, its lifecycle, history and the pages to find them."""
