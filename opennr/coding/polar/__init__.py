"""TS 38.212 §5.3.1, §5.4.1: polar codes (catalogue filled in as the modules land)."""
