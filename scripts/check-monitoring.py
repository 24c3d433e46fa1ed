#!/usr/bin/env python3
"""Checks the monitoring component of a rendered overlay: the ServiceMonitor scrapes the
Service's TLS port as the Service's name; the PrometheusRule passes `promtool check rules`
and the unit tests of `promtool test rules`; every alert has a severity, a summary, a
description and a runbook_url whose section exists in docs/operations.md; the Grafana
dashboard is a labelled ConfigMap whose panels all query something; and, given a scrape of
capguard's real /metrics, every metric the rules and the dashboard query is in it.

Usage: check-monitoring.py RENDERED.yaml OPERATIONS.md RULE_TESTS.yaml WORK_DIR [METRICS.txt]
Exits 0 when everything holds, 1 with one line per problem otherwise.
"""

import json
import pathlib
import re
import shutil
import subprocess
import sys

import yaml

NAMESPACE = "capguard"
SERVICE_NAMES = {"capguard.capguard.svc", "capguard.capguard.svc.cluster.local"}
# Series Prometheus makes itself, not capguard.
FROM_PROMETHEUS = {"up"}
HISTOGRAM_SUFFIXES = ("_bucket", "_sum", "_count")
KEYWORDS = {"and", "or", "unless", "by", "without", "on", "ignoring", "group_left", "group_right",
            "offset", "bool", "inf", "nan"}
GROUPING = r"\b(?:by|without|on|ignoring|group_left|group_right)\s*\([^)]*\)"


def metric_names(expr):
    """The metric names a PromQL expression selects, read conservatively: strings, label
    matchers, ranges and grouping label lists are removed first, then every identifier that
    is not a keyword and not called as a function is a metric name."""
    expr = re.sub(r'"(?:[^"\\]|\\.)*"|\'(?:[^\'\\]|\\.)*\'', '""', expr)
    expr = re.sub(r"\{[^}]*\}", " ", expr)
    expr = re.sub(r"\[[^\]]*\]", " ", expr)
    expr = re.sub(GROUPING, " ", expr)
    names = set()
    for match in re.finditer(r"(?<![\w:$.])[A-Za-z_:][\w:]*", expr):
        if match.group(0) in KEYWORDS or expr[match.end():].lstrip().startswith("("):
            continue
        names.add(match.group(0))
    return names


# The reader itself, on the shapes the rules and the dashboard use.
assert metric_names('histogram_quantile(0.99, sum by (le) (rate(a_bucket{job="x",le=~"0.1|1"}[5m]))) > 0.1') == {"a_bucket"}
assert metric_names('absent(up{job="capguard"} == 1)') == {"up"}
assert metric_names("r:x > 3 * (r:x offset 1h) or max(b) - time() < 14 * 86400") == {"r:x", "b"}
assert metric_names('count by (version, revision) (c{job="capguard"}) and on (pod) d[$__range]') == {"c", "d"}


def exposed_names(scrape):
    """Family names from # TYPE lines with their types, and every sample name."""
    families, samples = {}, set()
    for line in scrape.splitlines():
        if line.startswith("# TYPE "):
            _, _, name, kind = line.split(" ", 3)
            families[name] = kind
        elif line and not line.startswith("#"):
            samples.add(re.match(r"[A-Za-z_:][\w:]*", line).group(0))
    return families, samples


def is_exposed(name, families, samples):
    if name in samples or name in families:
        return True
    for suffix in HISTOGRAM_SUFFIXES:
        if name.endswith(suffix) and families.get(name[: -len(suffix)]) == "histogram":
            return True
    return False


def github_anchor(heading):
    return re.sub(r"[^\w\- ]", "", heading.strip().lower()).replace(" ", "-")


class Problems(list):
    def expect(self, condition, message):
        if not condition:
            self.append(message)


def only(objects, kind, problems, **where):
    found = [o for o in objects if o.get("kind") == kind
             and all(o["metadata"].get(k) == v for k, v in where.items())]
    problems.expect(len(found) == 1, f"expected one {kind} {where or ''}, found {len(found)}")
    return found[0] if len(found) == 1 else None


def check_service_monitor(objects, problems):
    monitor = only(objects, "ServiceMonitor", problems)
    service = only(objects, "Service", problems)
    if not monitor or not service:
        return
    spec = monitor["spec"]
    problems.expect(monitor["metadata"].get("namespace") == NAMESPACE, "ServiceMonitor: not in the capguard namespace")
    labels = service["metadata"].get("labels", {})
    selector = spec.get("selector", {}).get("matchLabels", {})
    problems.expect(selector and all(labels.get(k) == v for k, v in selector.items()),
                    f"ServiceMonitor: selector {selector} does not match the Service's labels {labels}")
    problems.expect(spec.get("namespaceSelector", {}).get("matchNames") == [NAMESPACE],
                    "ServiceMonitor: namespaceSelector must name the capguard namespace")
    ports = {p.get("name") for p in service["spec"]["ports"]}
    for endpoint in spec.get("endpoints", []):
        problems.expect(endpoint.get("port") in ports, f"ServiceMonitor: port {endpoint.get('port')} is not a Service port {ports}")
        problems.expect(endpoint.get("scheme") == "https", "ServiceMonitor: capguard serves /metrics over TLS only")
        problems.expect(endpoint.get("path") == "/metrics", "ServiceMonitor: path must be /metrics")
        tls = endpoint.get("tlsConfig", {})
        problems.expect(tls.get("serverName") in SERVICE_NAMES,
                        f"ServiceMonitor: serverName must be a name in the serving certificate, {sorted(SERVICE_NAMES)}")
        problems.expect(tls.get("ca", {}).get("secret") == {"name": "capguard-tls", "key": "ca.crt"},
                        "ServiceMonitor: the CA must be ca.crt of the capguard-tls Secret")
        problems.expect(not tls.get("insecureSkipVerify"), "ServiceMonitor: insecureSkipVerify")


def check_rules(objects, operations, rule_tests, work, problems):
    rule = only(objects, "PrometheusRule", problems)
    if not rule:
        return []
    groups = rule["spec"]["groups"]
    anchors = {github_anchor(line.lstrip("#")) for line in operations.splitlines() if line.startswith("#")}
    expressions = []
    for group in groups:
        for entry in group["rules"]:
            expressions.append((entry.get("alert") or entry.get("record"), entry["expr"]))
            if "alert" not in entry:
                continue
            name = entry["alert"]
            annotations = entry.get("annotations", {})
            problems.expect(entry.get("labels", {}).get("severity") in {"warning", "critical"}, f"{name}: no severity")
            for key in ("summary", "description", "runbook_url"):
                problems.expect(annotations.get(key), f"{name}: no {key}")
            anchor = annotations.get("runbook_url", "").partition("/docs/operations.md#")[2]
            problems.expect(anchor == name.lower() and anchor in anchors,
                            f"{name}: runbook_url must point at a section {name} of docs/operations.md")

    work.mkdir(parents=True, exist_ok=True)
    checked = work / "capguard-rules-checked.yaml"
    checked.write_text(yaml.safe_dump({"groups": groups}))
    result = subprocess.run(["promtool", "check", "rules", str(checked)], capture_output=True, text=True)
    print(result.stdout + result.stderr, end="")
    problems.expect(result.returncode == 0, "promtool check rules failed")

    # The unit tests are about when alerts fire and with which labels: the annotations'
    # templates, checked above, would only make every expected alert repeat them.
    stripped = [{**group, "rules": [{k: v for k, v in r.items() if k != "annotations"} for r in group["rules"]]}
                for group in groups]
    (work / "capguard-rules.yaml").write_text(yaml.safe_dump({"groups": stripped}))
    shutil.copy(rule_tests, work / "capguard-alerts.test.yaml")
    result = subprocess.run(["promtool", "test", "rules", "capguard-alerts.test.yaml"], cwd=work,
                            capture_output=True, text=True)
    print(result.stdout + result.stderr, end="")
    problems.expect(result.returncode == 0, "promtool test rules failed")
    return expressions


def check_dashboard(objects, problems):
    configmap = only(objects, "ConfigMap", problems, name="capguard-dashboard")
    if not configmap:
        return []
    problems.expect(configmap["metadata"].get("labels", {}).get("grafana_dashboard") == "1",
                    "dashboard ConfigMap: no grafana_dashboard: \"1\" label")
    files = configmap.get("data", {})
    problems.expect(list(files) == ["capguard-dashboard.json"], f"dashboard ConfigMap holds {list(files)}")
    dashboard = json.loads(next(iter(files.values()), "{}"))
    expressions = []
    for panel in dashboard.get("panels", []):
        targets = panel.get("targets", [])
        problems.expect(targets, f"panel {panel.get('title')}: no queries")
        expressions += [(f"panel {panel.get('title')}", t["expr"]) for t in targets]
    problems.expect(expressions, "dashboard: no panels")
    return expressions


def check_names(expressions, recorded, scrape, problems):
    families, samples = exposed_names(scrape)
    for where, expr in expressions:
        names = metric_names(expr)
        problems.expect(names, f"{where}: no metric found in {expr!r}")
        for name in sorted(names - recorded - FROM_PROMETHEUS):
            problems.expect(is_exposed(name, families, samples), f"{where}: {name} is not in capguard's /metrics")


def main():
    if len(sys.argv) not in (5, 6):
        sys.exit(__doc__)
    rendered, operations, rule_tests, work = sys.argv[1:5]
    objects = [o for o in yaml.safe_load_all(pathlib.Path(rendered).read_text()) if o]
    problems = Problems()
    check_service_monitor(objects, problems)
    rules = check_rules(objects, pathlib.Path(operations).read_text(), rule_tests, pathlib.Path(work), problems)
    panels = check_dashboard(objects, problems)
    if len(sys.argv) == 6:
        recorded = {o["record"] for o in objects if o.get("kind") == "PrometheusRule"
                    for g in o["spec"]["groups"] for o in g["rules"] if "record" in o}
        check_names(rules + panels, recorded, pathlib.Path(sys.argv[5]).read_text(), problems)
        print(f"checked the metric names of {len(rules)} rules and {len(panels)} dashboard queries against /metrics")
    for problem in problems:
        print(problem)
    sys.exit(1 if problems else 0)


if __name__ == "__main__":
    main()
