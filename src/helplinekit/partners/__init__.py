"""Built-in referral-partner plugins (international partners)."""
