"""Personal API tokens: made and revoked by their owners in the account, revoked by staff."""
