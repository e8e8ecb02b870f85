"""Recommendations: drafting, member review, minority opinions, versions, the guidance portal."""
