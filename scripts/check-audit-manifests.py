#!/usr/bin/env python3
"""Splits a rendered overlay into the webhook's objects and capguard-audit's, and checks the latter.

capguard-audit's objects are those labelled app.kubernetes.io/component: audit. Its
Deployment: one replica, hardened as the webhook's container is (check-rendered-manifests.py's
container rules), its own ServiceAccount with a token (the webhook's keeps none). Its
ClusterRole: list on pods and the workload kinds, get/create/update on PolicyReports, get
on the wgpolicyk8s.io discovery path, and nothing else. Its NetworkPolicy: ingress only to
the metrics port, egress only to the apiserver's ports.

Usage: check-audit-manifests.py RENDERED.yaml WEBHOOK_PART.yaml
Writes the webhook's objects to WEBHOOK_PART.yaml (for check-rendered-manifests.py) and
exits 0 when capguard-audit's objects hold (or there are none), 1 with one line per problem.
"""

import importlib.util
import pathlib
import sys

import yaml

spec = importlib.util.spec_from_file_location("rendered", pathlib.Path(__file__).with_name("check-rendered-manifests.py"))
rendered = importlib.util.module_from_spec(spec)
spec.loader.exec_module(rendered)

NAME = "capguard-audit"
ALLOWED_RULES = {
    ("", "pods", "list"),
    ("", "replicationcontrollers", "list"),
    ("apps", "deployments", "list"),
    ("apps", "replicasets", "list"),
    ("apps", "statefulsets", "list"),
    ("apps", "daemonsets", "list"),
    ("batch", "jobs", "list"),
    ("batch", "cronjobs", "list"),
    ("wgpolicyk8s.io", "policyreports", "get"),
    ("wgpolicyk8s.io", "policyreports", "create"),
    ("wgpolicyk8s.io", "policyreports", "update"),
    ("wgpolicyk8s.io", "clusterpolicyreports", "get"),
    ("wgpolicyk8s.io", "clusterpolicyreports", "create"),
    ("wgpolicyk8s.io", "clusterpolicyreports", "update"),
}
ALLOWED_URLS = {("/apis/wgpolicyk8s.io/v1alpha2", "get")}
LISTED = {rule for rule in ALLOWED_RULES if rule[2] == "list"}
APISERVER_PORTS = {443, 6443}


def is_audit(o):
    return o.get("metadata", {}).get("labels", {}).get("app.kubernetes.io/component") == "audit"


def check(objects, problems):
    def one(kind):
        found = [o for o in objects if o.get("kind") == kind and o["metadata"].get("name") == NAME]
        problems.expect(len(found) == 1, f"expected one {kind} {NAME}, found {len(found)}")
        return found[0] if len(found) == 1 else None

    deployment = one("Deployment")
    if deployment is not None:
        spec = deployment["spec"]
        pod = spec["template"]["spec"]
        problems.expect(spec.get("replicas") == 1, "capguard-audit must run exactly one replica")
        problems.expect(pod.get("serviceAccountName") == NAME, f"capguard-audit must run as the ServiceAccount {NAME}")
        problems.expect(pod.get("automountServiceAccountToken") is True, "capguard-audit's pod must mount its token")
        problems.expect(not pod.get("hostNetwork") and not pod.get("hostPID") and not pod.get("hostIPC"), "capguard-audit must not share host namespaces")
        context = pod.get("securityContext", {})
        problems.expect(context.get("runAsNonRoot") is True, "capguard-audit's pod must set runAsNonRoot")
        problems.expect(context.get("seccompProfile", {}).get("type") == "RuntimeDefault", "capguard-audit's pod seccompProfile must be RuntimeDefault")
        for container in pod.get("initContainers", []) + pod.get("containers", []):
            rendered.check_container(container, problems)
            problems.expect(container.get("args", [None])[0] == "audit", "capguard-audit must run `capguard audit`")
    account = one("ServiceAccount")
    if account is not None:
        problems.expect(account.get("automountServiceAccountToken") is True, "capguard-audit's ServiceAccount must allow its token")
    role = one("ClusterRole")
    if role is not None:
        granted, urls = set(), set()
        for rule in role.get("rules", []):
            for verb in rule.get("verbs", []):
                for url in rule.get("nonResourceURLs", []):
                    urls.add((url, verb))
                for group in rule.get("apiGroups", []):
                    for resource in rule.get("resources", []):
                        granted.add((group, resource, verb))
        extra = sorted(granted - ALLOWED_RULES) + sorted(urls - ALLOWED_URLS)
        problems.expect(not extra, f"capguard-audit's ClusterRole grants more than it needs: {extra}")
        missing = sorted(LISTED - granted)
        problems.expect(not missing, f"capguard-audit's ClusterRole cannot list: {missing}")
    binding = one("ClusterRoleBinding")
    if binding is not None:
        problems.expect(binding["roleRef"].get("name") == NAME, f"the binding must refer to the ClusterRole {NAME}")
        problems.expect(
            [(s.get("kind"), s.get("name"), s.get("namespace")) for s in binding.get("subjects", [])]
            == [("ServiceAccount", NAME, rendered.NAMESPACE)],
            f"the binding must bind only the ServiceAccount {NAME}",
        )
    policy = one("NetworkPolicy")
    if policy is not None:
        spec = policy["spec"]
        problems.expect(set(spec.get("policyTypes", [])) == {"Ingress", "Egress"}, "capguard-audit's NetworkPolicy must restrict ingress and egress")
        ingress = [(p.get("port"), p.get("protocol", "TCP")) for rule in spec.get("ingress", []) for p in rule.get("ports", [])]
        problems.expect(ingress == [(rendered.WEBHOOK_PORT, "TCP")], "capguard-audit must admit only its metrics port")
        egress_rules = spec.get("egress", [])
        egress = {(p.get("port"), p.get("protocol", "TCP")) for rule in egress_rules for p in rule.get("ports", [])}
        problems.expect(
            egress_rules and all(rule.get("ports") for rule in egress_rules) and {port for port, _ in egress} <= APISERVER_PORTS,
            "capguard-audit's egress must go to the apiserver's ports only",
        )
    service = one("Service")
    if service is not None:
        problems.expect(service["spec"].get("selector") == deployment["spec"]["selector"]["matchLabels"] if deployment else False,
                        "the Service must select capguard-audit's pod")


def main(argv):
    if len(argv) != 3:
        print(__doc__.strip(), file=sys.stderr)
        return 2
    with open(argv[1], encoding="utf-8") as stream:
        objects = [o for o in yaml.safe_load_all(stream) if o]
    with open(argv[2], "w", encoding="utf-8") as target:
        yaml.safe_dump_all([o for o in objects if not is_audit(o)], target)
    audit = [o for o in objects if is_audit(o)]
    problems = rendered.Problems()
    if audit:
        check(audit, problems)
    for problem in problems:
        print(problem)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
