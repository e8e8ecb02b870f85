"""Positions on a case, one ballot per member, hidden or open results, frozen tallies."""
