"""The web surface: FastAPI API and server-rendered pages for customers (chat) and sales staff (approval queue). Serves the agent; the only place domain errors become HTTP statuses."""
