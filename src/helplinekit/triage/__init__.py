"""Built-in triage plugins: the default router and a keyword risk reader."""
