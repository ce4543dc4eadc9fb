"""The settings file (read, checked, changed one key at a time) and the
exercise files."""
