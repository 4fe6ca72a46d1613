"""Configuration, errors, resource wiring and the command line shared by every salesagent package."""
