"""The translation catalogues: their version (a hash of the translated entries), the reviewed
snapshot and the trial-translation state of a language."""
