"""The customer web and the JSON API (`billing serve`): FastAPI on the same
services as the command line."""
