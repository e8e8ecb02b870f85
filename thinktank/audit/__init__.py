"""The audit trail: every lifecycle and governance action, public ones shown at /log."""
