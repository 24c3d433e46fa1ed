#!/usr/bin/env python3
"""Checks a rendered capguard overlay against what the design requires of a deployment.

The webhook registration: v1 reviews, no side effects, a short timeout, Equivalent
matching, rules for pods, pods/ephemeralcontainers and every workload kind on CREATE
and UPDATE, kube-system and capguard's namespace left out, and the failure policy and
path of the overlay's mode. The Deployment: hardened beyond what capguard asks of
others, with probes over HTTPS, two or more replicas spread over nodes, and a
PodDisruptionBudget, a NetworkPolicy and a Service that fit it.

Usage: check-rendered-manifests.py RENDERED.yaml enforce|audit
Exits 0 when everything holds, 1 with one line per problem otherwise.
"""

import sys

import yaml

NAMESPACE = "capguard"
NEVER_SENT = {"kube-system", NAMESPACE}
WEBHOOK_PORT = 8443
MAX_TIMEOUT_SECONDS = 5
RESOURCES_CHECKED = {
    ("", "pods"),
    ("", "pods/ephemeralcontainers"),
    ("", "replicationcontrollers"),
    ("", "podtemplates"),
    ("apps", "deployments"),
    ("apps", "replicasets"),
    ("apps", "statefulsets"),
    ("apps", "daemonsets"),
    ("batch", "jobs"),
    ("batch", "cronjobs"),
}
MODES = {
    "enforce": {"failurePolicy": "Fail", "path": "/validate"},
    "audit": {"failurePolicy": "Ignore", "path": "/validate/audit"},
}


class Problems(list):
    def expect(self, condition, message):
        if not condition:
            self.append(message)


def only(objects, kind, problems):
    found = [o for o in objects if o.get("kind") == kind]
    problems.expect(len(found) == 1, f"expected one {kind}, found {len(found)}")
    return found[0] if len(found) == 1 else None


def check_webhook(configuration, mode, problems):
    webhooks = configuration.get("webhooks", [])
    problems.expect(len(webhooks) > 0, "the ValidatingWebhookConfiguration has no webhooks")
    for webhook in webhooks:
        name = webhook.get("name", "?")
        where = f"webhook {name}"
        problems.expect(name.count(".") >= 2, f"{where}: the name must be fully qualified")
        problems.expect(webhook.get("admissionReviewVersions") == ["v1"], f"{where}: admissionReviewVersions must be [v1]")
        problems.expect(webhook.get("sideEffects") == "None", f"{where}: sideEffects must be None")
        timeout = webhook.get("timeoutSeconds")
        problems.expect(
            isinstance(timeout, int) and 1 <= timeout <= MAX_TIMEOUT_SECONDS,
            f"{where}: timeoutSeconds must be set and at most {MAX_TIMEOUT_SECONDS}",
        )
        problems.expect(webhook.get("matchPolicy") == "Equivalent", f"{where}: matchPolicy must be Equivalent")
        expected = MODES[mode]
        problems.expect(
            webhook.get("failurePolicy") == expected["failurePolicy"],
            f"{where}: failurePolicy must be {expected['failurePolicy']} in {mode}",
        )
        service = webhook.get("clientConfig", {}).get("service", {})
        problems.expect(
            (service.get("namespace"), service.get("name"), service.get("port", 443), service.get("path"))
            == (NAMESPACE, "capguard", 443, expected["path"]),
            f"{where}: must call service {NAMESPACE}/capguard:443 at {expected['path']} in {mode}",
        )

        expressions = webhook.get("namespaceSelector", {}).get("matchExpressions", [])
        excluded = set()
        for expression in expressions:
            if expression.get("key") == "kubernetes.io/metadata.name" and expression.get("operator") == "NotIn":
                excluded.update(expression.get("values", []))
        problems.expect(
            NEVER_SENT <= excluded,
            f"{where}: namespaceSelector must leave out {', '.join(sorted(NEVER_SENT))} "
            "by kubernetes.io/metadata.name NotIn",
        )
        problems.expect("objectSelector" not in webhook, f"{where}: an objectSelector would let objects opt out")

        covered = set()
        for rule in webhook.get("rules", []):
            operations = set(rule.get("operations", []))
            if not ({"CREATE", "UPDATE"} <= operations or "*" in operations):
                continue
            for group in rule.get("apiGroups", []):
                for resource in rule.get("resources", []):
                    covered.add((group, resource))
        missing = sorted(f"{g or 'core'}/{r}" for g, r in RESOURCES_CHECKED - covered)
        problems.expect(not missing, f"{where}: no CREATE and UPDATE rule for {', '.join(missing)}")


def check_container(container, problems):
    where = f"container {container.get('name')}"
    context = container.get("securityContext", {})
    problems.expect(context.get("capabilities", {}).get("drop") == ["ALL"], f"{where}: must drop exactly [ALL]")
    problems.expect(not context.get("capabilities", {}).get("add"), f"{where}: must add no capability")
    problems.expect(context.get("privileged") is not True, f"{where}: must not be privileged")
    problems.expect(context.get("allowPrivilegeEscalation") is False, f"{where}: allowPrivilegeEscalation must be false")
    problems.expect(context.get("readOnlyRootFilesystem") is True, f"{where}: readOnlyRootFilesystem must be true")
    problems.expect(context.get("runAsNonRoot") is True, f"{where}: runAsNonRoot must be true")
    problems.expect(
        isinstance(context.get("runAsUser"), int) and context["runAsUser"] > 0,
        f"{where}: runAsUser must be a non-zero number",
    )
    problems.expect(
        context.get("seccompProfile", {}).get("type") == "RuntimeDefault",
        f"{where}: seccompProfile must be RuntimeDefault",
    )
    resources = container.get("resources", {})
    for kind in ("requests", "limits"):
        for resource in ("cpu", "memory"):
            problems.expect(resource in resources.get(kind, {}), f"{where}: resources.{kind}.{resource} must be set")
    ports = {p.get("name"): p.get("containerPort") for p in container.get("ports", [])}
    problems.expect(ports.get("https") == WEBHOOK_PORT, f"{where}: must expose port https {WEBHOOK_PORT}")
    for probe, path in (("readinessProbe", "/readyz"), ("livenessProbe", "/healthz")):
        get = container.get(probe, {}).get("httpGet", {})
        problems.expect(
            (get.get("scheme"), get.get("path"), get.get("port")) in {("HTTPS", path, "https"), ("HTTPS", path, WEBHOOK_PORT)},
            f"{where}: {probe} must GET {path} over HTTPS on the webhook port",
        )
    for mount in container.get("volumeMounts", []):
        problems.expect("subPath" not in mount, f"{where}: {mount.get('name')} is mounted with subPath, which never updates")


def check_deployment(objects, problems):
    deployment = only(objects, "Deployment", problems)
    if deployment is None:
        return
    spec = deployment["spec"]
    pod = spec["template"]["spec"]
    labels = spec["template"]["metadata"].get("labels", {})
    problems.expect(deployment["metadata"].get("namespace") == NAMESPACE, f"the Deployment must be in {NAMESPACE}")
    problems.expect(spec.get("replicas", 1) >= 2, "the Deployment must run two or more replicas")
    problems.expect(
        spec.get("strategy", {}).get("rollingUpdate", {}).get("maxUnavailable") == 0,
        "a rollout must never take a replica away before its successor is ready (maxUnavailable: 0)",
    )
    problems.expect(pod.get("automountServiceAccountToken") is False, "the pod must not mount a service account token")
    problems.expect(not pod.get("hostNetwork") and not pod.get("hostPID") and not pod.get("hostIPC"), "the pod must not share host namespaces")
    pod_context = pod.get("securityContext", {})
    problems.expect(pod_context.get("runAsNonRoot") is True, "the pod's runAsNonRoot must be true")
    problems.expect(pod_context.get("seccompProfile", {}).get("type") == "RuntimeDefault", "the pod's seccompProfile must be RuntimeDefault")
    anti_affinity = pod.get("affinity", {}).get("podAntiAffinity", {})
    terms = [t.get("podAffinityTerm", {}) for t in anti_affinity.get("preferredDuringSchedulingIgnoredDuringExecution", [])]
    terms += anti_affinity.get("requiredDuringSchedulingIgnoredDuringExecution", [])
    problems.expect(
        any(t.get("topologyKey") == "kubernetes.io/hostname" and t.get("labelSelector", {}).get("matchLabels", {}).items() <= labels.items() for t in terms),
        "replicas must be spread over nodes by podAntiAffinity on kubernetes.io/hostname",
    )
    for container in pod.get("initContainers", []) + pod.get("containers", []):
        check_container(container, problems)

    service_account = next((o for o in objects if o.get("kind") == "ServiceAccount"), None)
    problems.expect(
        service_account is not None and service_account.get("automountServiceAccountToken") is False,
        "the ServiceAccount must set automountServiceAccountToken: false",
    )

    def selects_pods(selector):
        return bool(selector) and selector.items() <= labels.items()

    budget = only(objects, "PodDisruptionBudget", problems)
    if budget is not None:
        problems.expect(selects_pods(budget["spec"].get("selector", {}).get("matchLabels", {})), "the PodDisruptionBudget must select capguard's pods")
        problems.expect(budget["spec"].get("minAvailable", 0) >= 1 or "maxUnavailable" in budget["spec"], "the PodDisruptionBudget must keep a replica")
    service = only(objects, "Service", problems)
    if service is not None:
        problems.expect(selects_pods(service["spec"].get("selector", {})), "the Service must select capguard's pods")
        problems.expect(
            any(p.get("port") == 443 and p.get("targetPort") in ("https", WEBHOOK_PORT) for p in service["spec"].get("ports", [])),
            f"the Service must map port 443 to {WEBHOOK_PORT}",
        )
    policy = only(objects, "NetworkPolicy", problems)
    if policy is not None:
        problems.expect(selects_pods(policy["spec"].get("podSelector", {}).get("matchLabels", {})), "the NetworkPolicy must select capguard's pods")
        ports = [p for rule in policy["spec"].get("ingress", []) for p in rule.get("ports", [])]
        problems.expect(
            len(policy["spec"].get("ingress", [])) >= 1 and all(rule.get("ports") for rule in policy["spec"]["ingress"]),
            "every ingress rule of the NetworkPolicy must name ports",
        )
        problems.expect(
            [(p.get("port"), p.get("protocol", "TCP")) for p in ports] == [(WEBHOOK_PORT, "TCP")],
            f"the NetworkPolicy must admit TCP {WEBHOOK_PORT} and nothing else",
        )
    namespace = only(objects, "Namespace", problems)
    if namespace is not None:
        problems.expect(
            namespace["metadata"].get("labels", {}).get("pod-security.kubernetes.io/enforce") == "restricted",
            "capguard's namespace, outside its own webhook, must enforce the restricted Pod Security profile",
        )


def main(argv):
    if len(argv) != 3 or argv[2] not in MODES:
        print(__doc__.strip(), file=sys.stderr)
        return 2
    with open(argv[1], encoding="utf-8") as stream:
        objects = [o for o in yaml.safe_load_all(stream) if o]
    problems = Problems()
    configuration = only(objects, "ValidatingWebhookConfiguration", problems)
    if configuration is not None:
        check_webhook(configuration, argv[2], problems)
    check_deployment(objects, problems)
    for problem in problems:
        print(problem)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
