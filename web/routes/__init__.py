"""The workbench's routers, one module per area (listed in ``web.app.ROUTERS``)."""
