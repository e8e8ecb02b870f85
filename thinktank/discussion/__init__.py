"""Threaded discussion: one component for cases and recommendation drafts."""
