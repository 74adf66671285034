"""Verb modules of the grabseg command line; each is imported lazily."""
