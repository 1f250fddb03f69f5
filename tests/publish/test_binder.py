"""Binder/repo2docker: the environment it builds before copying the repo must not need the repo; postBuild must."""
import os
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[2]
BINDER = ROOT / "binder"


def _pip_lines(env):
    return [line for dep in env["dependencies"] if isinstance(dep, dict) for line in dep.get("pip", [])]


def test_binder_environment_names_no_local_files():
    env = yaml.safe_load((BINDER / "environment.yml").read_text())
    assert "conda-forge" in env["channels"]
    python = [d for d in env["dependencies"] if isinstance(d, str) and d.startswith("python")]
    assert python == ["python=3.11"]  # repo2docker needs an exact version; pyproject requires >=3.11
    local = [line for line in _pip_lines(env) if line.split()[0] in ("-e", "-r", "-c") or line.startswith(".")]
    assert local == [], "repo2docker builds binder/environment.yml before the repo is copied in"


def test_postbuild_installs_the_project_with_the_lock():
    post = BINDER / "postBuild"
    assert os.access(post, os.X_OK), "repo2docker only runs an executable postBuild"
    text = post.read_text()
    assert text.startswith("#!") and "set -euo pipefail" in text
    assert "-c requirements.lock" in text and "-e '.[lab]'" in text
    assert (ROOT / "requirements.lock").exists()
    extras = (ROOT / "pyproject.toml").read_text()
    assert "lab = [" in extras


def test_the_zero_to_jupyterhub_values_use_the_binder_image_and_measured_resources():
    values = yaml.safe_load((BINDER / "z2jh-values.yaml").read_text())
    single = values["singleuser"]
    assert single["defaultUrl"].endswith("labs/00_start_here.ipynb") and (ROOT / "labs" / "00_start_here.ipynb").exists()
    assert single["memory"]["guarantee"] == "512M" and single["cpu"]["guarantee"] == 0.5
    assert "vpclab labs --copy" in " ".join(single["lifecycleHooks"]["postStart"]["exec"]["command"])
    assert values["hub"]["config"]["JupyterHub"]["authenticator_class"] == "shared-password"
