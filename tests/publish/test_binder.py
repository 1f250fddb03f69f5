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
