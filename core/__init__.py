"""The ground floor: the one settings class (:mod:`core.config`) and the domain error hierarchy
(:mod:`core.errors`). Imports nothing of the project, so every other package may import it."""
