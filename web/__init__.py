"""The web workbench: officers' lead pages, the JSON API, people and access (see web/README.md)."""
