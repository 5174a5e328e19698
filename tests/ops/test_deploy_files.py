"""The shipped deployment files agree with the code (CI also runs them: .ci/deploy-check)."""

import configparser
import re
from pathlib import Path

from django.core.management import get_commands

from kis_portal.ops.periodic import PERIODIC

ROOT = Path(__file__).resolve().parents[2]
DEPLOY = ROOT / "deploy"
SYSTEMD = DEPLOY / "systemd"
RELEASE = "/srv/kis/current/"


def settings_variables() -> set[str]:
    source = (ROOT / "kis_portal" / "settings.py").read_text()
    return set(re.findall(r'env_(?:str|bool|int|list)\(\s*"([A-Z0-9_]+)"', source))


def unit(path: Path) -> configparser.ConfigParser:
    parser = configparser.ConfigParser(strict=False, interpolation=None)
    parser.optionxform = str
    parser.read_string(path.read_text())
    return parser


def timers() -> dict[str, str]:
    """Timer file -> the unit it starts."""
    return {t.name: unit(t)["Timer"]["Unit"] for t in sorted(SYSTEMD.glob("*.timer"))}


def test_the_environment_template_lists_every_variable_settings_read():
    template = (DEPLOY / "kis-portal.env").read_text()
    listed = set(re.findall(r"^#? ?([A-Z][A-Z0-9_]+)=", template, flags=re.M))
    assert listed == settings_variables()


def test_every_periodic_job_has_its_timer_and_every_timer_a_job():
    started = set()
    for timer, target in timers().items():
        instance = re.fullmatch(r"kis-job@(\w+)\.service", target)
        if instance:
            started.add(instance.group(1))
        else:
            assert target == "kis-backup.service", timer
            started.add("backup")
        assert (SYSTEMD / re.sub(r"@\w+", "@", target)).exists(), timer
    # The worker reports through the ping task the ping_worker timer queues.
    assert started | {"worker"} == set(PERIODIC)
    assert len(started) == len(timers())


def test_each_timed_command_is_a_management_command():
    commands = get_commands()
    for job in PERIODIC.values():
        if job.command:
            assert job.command in commands, job.name


def test_units_run_files_of_the_release_that_exist():
    for path in sorted(SYSTEMD.glob("*.service")):
        service = unit(path)["Service"]
        command = service["ExecStart"].split()
        assert service["WorkingDirectory"] == RELEASE.rstrip("/"), path.name
        assert service["EnvironmentFile"] == "/etc/kis-portal.env", path.name
        assert service["User"] == "kis", path.name
        for word in command:
            if word.startswith(RELEASE) and ".venv/" not in word:
                assert (ROOT / word.removeprefix(RELEASE)).exists(), word


def test_periodic_logs_go_where_logrotate_and_the_guide_look():
    rotated = (DEPLOY / "logrotate" / "kis-portal").read_text()
    assert "/var/log/kis/*.log {" in rotated
    guide = (ROOT / "docs" / "deploy.md").read_text()
    for name in ("kis-job@.service", "kis-backup.service"):
        service = unit(SYSTEMD / name)["Service"]
        assert service["StandardOutput"].startswith("append:/var/log/kis/")
        assert service["StandardError"] == service["StandardOutput"]
    assert "/var/log/kis/" in guide


def nginx_directives(text: str) -> list[str]:
    lines = (line.split("#", 1)[0].strip() for line in text.splitlines())
    return [line.split()[0] for line in lines if line and line.endswith(";")]


def test_the_proxy_snippet_sets_each_directive_once_and_locations_repeat_none():
    """Finding 1 of issue 24: proxy_read_timeout in a location and the snippet."""
    snippet = (DEPLOY / "nginx" / "snippets" / "kis-proxy.conf").read_text()
    single = [d for d in nginx_directives(snippet) if d != "proxy_set_header"]
    assert len(single) == len(set(single))
    site = (DEPLOY / "nginx" / "kis-portal.conf").read_text()
    assert not set(single) & set(nginx_directives(site))


def test_nginx_keeps_the_port_and_leaves_security_headers_to_django():
    snippet = (DEPLOY / "nginx" / "snippets" / "kis-proxy.conf").read_text()
    assert "proxy_set_header Host $http_host;" in snippet
    assert "proxy_request_buffering on;" in snippet
    for path in (DEPLOY / "nginx").rglob("*.conf"):
        code = "\n".join(
            line.split("#", 1)[0] for line in path.read_text().splitlines()
        )
        assert "add_header" not in code, path.name
        assert "location /media" not in code, path.name


def test_the_wrappers_use_the_running_release_and_its_settings():
    env = (DEPLOY / "bin" / "kis-env").read_text()
    assert "cd /srv/kis/current" in env and ". /etc/kis-portal.env" in env
    manage = (DEPLOY / "bin" / "kis-manage").read_text()
    assert (
        "/usr/local/bin/kis-env /srv/kis/current/.venv/bin/python manage.py" in manage
    )
    for script in ("kis-env", "kis-manage"):
        assert (DEPLOY / "bin" / script).stat().st_mode & 0o111
