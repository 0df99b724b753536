"""Access to the keyed INAPROC API Gateway: where the token comes from and how to obtain one.

Kept apart from the spider (no Scrapy import) so the CLI and `run` can tell an operator without a
token what to do, before any crawl starts. The token itself is a secret: never logged, never on a
command line (it reaches a crawl child through its environment).
"""

#: The Scrapy setting the spider reads the token from.
TOKEN_SETTING = "INAPROC_API_TOKEN"
#: The environment variable of the token (`inaproc.api_token` in the configuration).
TOKEN_ENV = "LPSE_LEADS_INAPROC_API_TOKEN"
#: What to tell an operator who has no token.
HOW_TO_GET_A_TOKEN = (
    "the INAPROC API needs a token: ask LKPP for the Data Integrator role (a signed request letter "
    "from BPJS Ketenagakerjaan to LKPP, citing the May 2025 MoU, and the IP address the crawler uses), "
    f"then set inaproc.api_token in the configuration or {TOKEN_ENV}"
)
