#!/usr/bin/env python3
"""Checks the cert-manager resources of a rendered capguard manifest stream.

kubernetes-validate ships schemas for the core Kubernetes kinds only, so the
cert-manager.io/v1 Issuer and Certificate are checked here: against the part of
cert-manager's v1 API they may use, and against each other and the rest of the stream
(issuer references resolve, the CA injection points at a real Certificate, and the
Secret the Deployment mounts is issued for the Service's DNS names).

Usage: check-cert-manager-resources.py RENDERED.yaml
Exits 0 when everything holds, 1 with one line per problem otherwise.
"""

import sys

import jsonschema
import yaml

GO_DURATION = r"^([0-9]+(\.[0-9]+)?(ns|us|µs|ms|s|m|h))+$"

KEY_USAGES = [
    "signing", "digital signature", "content commitment", "key encipherment",
    "key agreement", "data encipherment", "cert sign", "crl sign", "encipher only",
    "decipher only", "any", "server auth", "client auth", "code signing",
    "email protection", "s/mime", "ipsec end system", "ipsec tunnel", "ipsec user",
    "timestamping", "ocsp signing", "microsoft sgc", "netscape sgc",
]

METADATA = {
    "type": "object",
    "required": ["name", "namespace"],
    "properties": {
        "name": {"type": "string", "minLength": 1},
        "namespace": {"type": "string", "minLength": 1},
        "labels": {"type": "object", "additionalProperties": {"type": "string"}},
        "annotations": {"type": "object", "additionalProperties": {"type": "string"}},
    },
    "additionalProperties": False,
}

STRING_LIST = {"type": "array", "items": {"type": "string"}}

ISSUER_REF = {
    "type": "object",
    "required": ["name"],
    "properties": {
        "name": {"type": "string", "minLength": 1},
        "kind": {"enum": ["Issuer", "ClusterIssuer"]},
        "group": {"type": "string"},
    },
    "additionalProperties": False,
}

PRIVATE_KEY = {
    "type": "object",
    "properties": {
        "algorithm": {"enum": ["RSA", "ECDSA", "Ed25519"]},
        "encoding": {"enum": ["PKCS1", "PKCS8"]},
        "rotationPolicy": {"enum": ["Never", "Always"]},
        "size": {"type": "integer"},
    },
    "additionalProperties": False,
}

CERTIFICATE = {
    "type": "object",
    "required": ["apiVersion", "kind", "metadata", "spec"],
    "properties": {
        "apiVersion": {"const": "cert-manager.io/v1"},
        "kind": {"const": "Certificate"},
        "metadata": METADATA,
        "spec": {
            "type": "object",
            "required": ["secretName", "issuerRef"],
            "properties": {
                "additionalOutputFormats": {"type": "array"},
                "commonName": {"type": "string"},
                "dnsNames": STRING_LIST,
                "duration": {"type": "string", "pattern": GO_DURATION},
                "emailAddresses": STRING_LIST,
                "encodeUsagesInRequest": {"type": "boolean"},
                "ipAddresses": STRING_LIST,
                "isCA": {"type": "boolean"},
                "issuerRef": ISSUER_REF,
                "keystores": {"type": "object"},
                "literalSubject": {"type": "string"},
                "nameConstraints": {"type": "object"},
                "otherNames": {"type": "array"},
                "privateKey": PRIVATE_KEY,
                "renewBefore": {"type": "string", "pattern": GO_DURATION},
                "renewBeforePercentage": {"type": "integer"},
                "revisionHistoryLimit": {"type": "integer"},
                "secretName": {"type": "string", "minLength": 1},
                "secretTemplate": {"type": "object"},
                "subject": {"type": "object"},
                "uris": STRING_LIST,
                "usages": {"type": "array", "items": {"enum": KEY_USAGES}},
            },
            "additionalProperties": False,
        },
    },
    "additionalProperties": False,
}

ISSUER_KINDS = ["acme", "ca", "selfSigned", "vault", "venafi"]

ISSUER = {
    "type": "object",
    "required": ["apiVersion", "kind", "metadata", "spec"],
    "properties": {
        "apiVersion": {"const": "cert-manager.io/v1"},
        "kind": {"const": "Issuer"},
        "metadata": METADATA,
        "spec": {
            "type": "object",
            "properties": {
                "acme": {"type": "object"},
                "ca": {
                    "type": "object",
                    "required": ["secretName"],
                    "properties": {
                        "secretName": {"type": "string", "minLength": 1},
                        "crlDistributionPoints": STRING_LIST,
                        "issuingCertificateURLs": STRING_LIST,
                        "ocspServers": STRING_LIST,
                    },
                    "additionalProperties": False,
                },
                "selfSigned": {
                    "type": "object",
                    "properties": {"crlDistributionPoints": STRING_LIST},
                    "additionalProperties": False,
                },
                "vault": {"type": "object"},
                "venafi": {"type": "object"},
            },
            "additionalProperties": False,
            "minProperties": 1,
            "maxProperties": 1,
        },
    },
    "additionalProperties": False,
}

SCHEMAS = {"Certificate": CERTIFICATE, "Issuer": ISSUER}


def key(obj):
    metadata = obj.get("metadata", {})
    return metadata.get("namespace", ""), metadata.get("name", "")


def problems_in(objects):
    cert_manager = [o for o in objects if o.get("apiVersion", "").startswith("cert-manager.io/")]
    if not cert_manager:
        return ["no cert-manager.io resources in the stream"]

    problems = []
    for obj in cert_manager:
        schema = SCHEMAS.get(obj.get("kind"))
        if schema is None:
            problems.append(f"{obj.get('kind')} {key(obj)}: kind not known to this check")
            continue
        for error in jsonschema.Draft202012Validator(schema).iter_errors(obj):
            path = ".".join(str(p) for p in error.absolute_path) or "(root)"
            problems.append(f"{obj['kind']} {'/'.join(key(obj))}: {path}: {error.message}")
    if problems:
        return problems

    issuers = {key(o): o for o in cert_manager if o["kind"] == "Issuer"}
    certificates = {key(o): o for o in cert_manager if o["kind"] == "Certificate"}
    secret_issued_by = {
        (namespace, c["spec"]["secretName"]): c for (namespace, _), c in certificates.items()
    }

    for (namespace, name), certificate in certificates.items():
        reference = certificate["spec"]["issuerRef"]
        if reference.get("kind", "Issuer") == "Issuer" and (namespace, reference["name"]) not in issuers:
            problems.append(
                f"Certificate {namespace}/{name}: issuerRef names Issuer {reference['name']}, "
                "which is not in the stream"
            )

    for (namespace, name), issuer in issuers.items():
        ca = issuer["spec"].get("ca")
        if ca is None:
            continue
        source = secret_issued_by.get((namespace, ca["secretName"]))
        if source is None or not source["spec"].get("isCA", False):
            problems.append(
                f"Issuer {namespace}/{name}: its CA Secret {ca['secretName']} is not issued by "
                "a Certificate with isCA: true"
            )

    webhooks = [o for o in objects if o.get("kind") == "ValidatingWebhookConfiguration"]
    for webhook in webhooks:
        annotations = webhook.get("metadata", {}).get("annotations", {})
        injected = annotations.get("cert-manager.io/inject-ca-from")
        webhook_name = webhook["metadata"]["name"]
        if injected is None:
            problems.append(f"ValidatingWebhookConfiguration {webhook_name}: no cert-manager.io/inject-ca-from")
        elif tuple(injected.split("/", 1)) not in certificates:
            problems.append(
                f"ValidatingWebhookConfiguration {webhook_name}: inject-ca-from names {injected}, "
                "which is not a Certificate in the stream"
            )
        for entry in webhook.get("webhooks", []):
            if entry.get("clientConfig", {}).get("caBundle"):
                problems.append(
                    f"ValidatingWebhookConfiguration {webhook_name}: webhook {entry['name']} has a "
                    "caBundle of its own, which would fight with cert-manager's cainjector"
                )

    services = {key(o): o for o in objects if o.get("kind") == "Service"}
    for deployment in (o for o in objects if o.get("kind") == "Deployment"):
        namespace = deployment["metadata"]["namespace"]
        volumes = deployment["spec"]["template"]["spec"].get("volumes", [])
        for volume in volumes:
            secret_name = volume.get("secret", {}).get("secretName")
            if secret_name is None:
                continue
            certificate = secret_issued_by.get((namespace, secret_name))
            if certificate is None:
                problems.append(
                    f"Deployment {namespace}/{deployment['metadata']['name']}: mounts Secret "
                    f"{secret_name}, which no Certificate issues"
                )
                continue
            dns_names = set(certificate["spec"].get("dnsNames", []))
            for service_namespace, service_name in services:
                for wanted in (
                    f"{service_name}.{service_namespace}.svc",
                    f"{service_name}.{service_namespace}.svc.cluster.local",
                ):
                    if wanted not in dns_names:
                        problems.append(
                            f"Certificate {'/'.join(key(certificate))}: dnsNames lack {wanted}"
                        )
    return problems


def main(argv):
    if len(argv) != 2:
        print(__doc__.strip(), file=sys.stderr)
        return 2
    with open(argv[1], encoding="utf-8") as stream:
        objects = [o for o in yaml.safe_load_all(stream) if o]
    problems = problems_in(objects)
    for problem in problems:
        print(problem)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
