"""The operator's address: `mail.ops_to` in the TOML file or `LPSE_LEADS_OPS_TO`, checked at start."""

from __future__ import annotations

import pytest

from lpse_leads.config import load_config
from lpse_leads.errors import UserError


def test_ops_to_from_the_file_and_the_environment(tmp_path):
    path = tmp_path / "c.toml"
    path.write_text('[mail]\nops_to = "ops@bpjs.example, noc@bpjs.example"\n', encoding="utf-8")
    assert load_config(path, env={}).mail.ops_to == ("ops@bpjs.example", "noc@bpjs.example")
    env = {"LPSE_LEADS_OPS_TO": "night@bpjs.example; day@bpjs.example"}
    assert load_config(path, env=env).mail.ops_to == ("night@bpjs.example", "day@bpjs.example")
    assert load_config(None, env={}).mail.ops_to == ()
    assert load_config(None, env={}).describe()["operator"] == "(none; site health only in summaries)"


def test_a_bad_operator_address_names_the_key():
    with pytest.raises(UserError, match=r"mail.ops_to: 'ops\(at\)bpjs' is not an e-mail address"):
        load_config(None, env={"LPSE_LEADS_OPS_TO": "ops(at)bpjs"})
