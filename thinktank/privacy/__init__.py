"""The person's rights: download all data held about them, and delete (anonymise) the account."""
