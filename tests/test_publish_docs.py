"""The hosting guide and the CI workflow a county copies: they must keep working as publish changes."""

from __future__ import annotations

import argparse
import dataclasses
import re
import shlex
import tomllib
from pathlib import Path

import yaml

from sitegen.publish.command import add_arguments
from sitegen.publish.settings import PublishSettings, parse_publish_settings

DOCS = Path(__file__).parent.parent / "docs"
GUIDE = (DOCS / "hosting.md").read_text(encoding="utf-8")


def publish_flags() -> set[str]:
    parser = argparse.ArgumentParser()
    add_arguments(parser)
    return {flag for action in parser._actions for flag in action.option_strings if flag.startswith("--")}


def test_every_toml_example_in_the_guide_is_valid_publish_settings() -> None:
    blocks = re.findall(r"```toml\n(.*?)```", GUIDE, flags=re.S)
    publish_blocks = [tomllib.loads(b) for b in blocks if "[publish]" in b]
    assert len(publish_blocks) >= 5  # the reference, OSS, COS, AWS, MinIO
    for data in publish_blocks:
        settings, problems = parse_publish_settings(data["publish"], lambda _key: 1)
        assert problems == [] and settings.bucket, data


def test_the_guide_names_every_setting_and_flag() -> None:
    for field in dataclasses.fields(PublishSettings):
        forms = (f"`{field.name}`", f"{field.name} =", f"[publish.{field.name}]")
        assert any(form in GUIDE for form in forms), field.name
    for flag in publish_flags() - {"--help"}:
        assert re.search(rf"[`/]{re.escape(flag)}(?![\w-])", GUIDE), flag
    for topic in ("index.html", "404.html", "子目录首页", "ICP", "PathStyleDomainForbidden", "CloudFront", "MinIO"):
        assert topic in GUIDE, topic


def test_the_ci_workflow_builds_without_secrets_and_publishes_in_a_job_that_runs_no_catalog_code() -> None:
    """The catalog's files are untrusted (docs/security.md): the job that reads them has no secret; the job
    with the bucket's keys only uploads the built artifact, in an environment only main may use."""
    text = (DOCS / "ci-github-actions.yml").read_text(encoding="utf-8")
    workflow = yaml.safe_load(text)
    assert {"push", "pull_request"} <= set(workflow[True])  # PyYAML reads the key `on` as True
    # a scheduled build moves "in season now" on at the turn of each month, Beijing time
    assert workflow[True]["schedule"] == [{"cron": "5 16 * * *"}] and workflow["env"]["TZ"] == "Asia/Shanghai"
    assert set(workflow["jobs"]) == {"build", "publish"}
    build, publish = workflow["jobs"]["build"], workflow["jobs"]["publish"]

    def commands(job: dict) -> dict[str, int]:
        return {words[1]: i for i, s in enumerate(job["steps"]) for line in str(s.get("run", "")).splitlines()
                if (words := shlex.split(line)) and words[0] == "sitegen"}

    steps = build["steps"]
    cache = next(i for i, s in enumerate(steps) if str(s.get("uses", "")).startswith("actions/cache@"))
    assert steps[cache]["with"]["path"] == ".sitegen-cache" and steps[cache]["with"]["restore-keys"]
    built = commands(build)
    assert cache < built["check"] < built["build"] and "publish" not in built
    assert "secrets." not in yaml.safe_dump(build)
    upload = next(s for s in steps if str(s.get("uses", "")).startswith("actions/upload-artifact@"))
    assert upload["with"]["path"] == "output/" and upload["with"]["include-hidden-files"] is True

    assert publish["needs"] == "build" and publish["environment"] == "production"
    assert "pull_request" in publish["if"] and "refs/heads/main" in publish["if"]
    published = commands(publish)
    assert set(published) == {"publish"}  # no check, no build: no template or content file runs here
    flags = publish_flags()
    for job in (build, publish):
        for step in job["steps"]:
            for line in str(step.get("run", "")).splitlines():
                words = shlex.split(line)
                if words and words[0] == "sitegen":
                    assert all(w in flags for w in words[2:] if w.startswith("--")), words
    env = publish["steps"][published["publish"]]["env"]
    for name in ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY"):
        assert re.fullmatch(r"\$\{\{ secrets\.[A-Z_]+ \}\}", env[name]), env[name]
    assert not re.search(r"AKIA[0-9A-Z]{12,}|LTAI[0-9A-Za-z]{12,}", text)
