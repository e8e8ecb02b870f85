"""The member register and members' declared interests."""
