#!/usr/bin/env bash
# Makes a private CA and a serving certificate for capguard's webhook Service, and a
# kustomize layer that installs them: the Secret capguard-tls and the CA bundle of the
# ValidatingWebhookConfiguration, on top of one of the deploy/overlays.
set -euo pipefail

readonly SERVICE=capguard
readonly NAMESPACE=capguard
readonly WEBHOOK_CONFIGURATION=capguard
readonly WEBHOOK=capguard.capguard.dev
readonly SECRET=capguard-tls
readonly DNS_NAMES=("$SERVICE.$NAMESPACE.svc" "$SERVICE.$NAMESPACE.svc.cluster.local")
# Certificates this close to expiry are replaced on the next run, so a periodic run
# renews them before the apiserver starts refusing them.
readonly RENEW_BEFORE_SECONDS=$((30 * 24 * 3600))

repo_root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd -P)"
out_dir="$repo_root/deploy/local"
overlay=enforce
ca_days=3650
serving_days=365
force=false

usage() {
    cat <<EOF
Usage: certs/generate.sh [--out DIR] [--overlay enforce|audit] [--ca-days N]
                         [--serving-days N] [--force]

Writes into DIR (default: deploy/local, which git ignores):
  ca.crt, ca.key         a private CA used only for capguard's webhook
  tls.crt, tls.key       the serving certificate for
                         ${DNS_NAMES[*]}
  secret.yaml            the Secret $NAMESPACE/$SECRET (kubernetes.io/tls) with tls.crt, tls.key, ca.crt
  ca-bundle.yaml         a patch putting ca.crt into the webhook configuration's caBundle
  kustomization.yaml     deploy/overlays/OVERLAY plus the two files above

Then install with:  kubectl apply -k DIR

Running it again keeps the CA and the serving certificate while they are valid for more
than 30 days, match these names and chain to the CA, and rewrites the manifests, so it
is safe to repeat (for example from a scheduled job). --force makes everything anew.

Options:
  --out DIR          where to write (created if missing)
  --overlay NAME     the overlay to install: enforce (default) or audit
  --ca-days N        validity of a new CA, in days (default $ca_days)
  --serving-days N   validity of a new serving certificate, in days (default $serving_days)
  --force            replace the CA and the serving certificate even if still good
  -h, --help         show this text

DIR holds private keys: keep it out of version control and out of images.
EOF
}

fail() {
    echo "certs/generate.sh: $*" >&2
    exit 1
}

while [[ $# -gt 0 ]]; do
    case "$1" in
        --out) [[ $# -ge 2 ]] || fail "--out needs a directory"; out_dir="$2"; shift 2 ;;
        --overlay) [[ $# -ge 2 ]] || fail "--overlay needs a name"; overlay="$2"; shift 2 ;;
        --ca-days) [[ $# -ge 2 ]] || fail "--ca-days needs a number"; ca_days="$2"; shift 2 ;;
        --serving-days) [[ $# -ge 2 ]] || fail "--serving-days needs a number"; serving_days="$2"; shift 2 ;;
        --force) force=true; shift ;;
        -h | --help) usage; exit 0 ;;
        *) fail "unknown argument: $1 (see --help)" ;;
    esac
done

case "$overlay" in
    enforce | audit) ;;
    *) fail "--overlay must be enforce or audit (cert-manager makes its own certificates), not '$overlay'" ;;
esac
[[ "$ca_days" =~ ^[1-9][0-9]*$ ]] || fail "--ca-days must be a positive number of days"
[[ "$serving_days" =~ ^[1-9][0-9]*$ ]] || fail "--serving-days must be a positive number of days"
command -v openssl >/dev/null || fail "openssl 1.1.1 or later is needed (Debian: apt-get install openssl)"

mkdir -p "$out_dir"
out_dir="$(cd "$out_dir" && pwd -P)"
work_dir="$(mktemp -d)"
trap 'rm -rf "$work_dir"' EXIT
umask 077

still_valid() {
    openssl x509 -in "$1" -noout -checkend "$RENEW_BEFORE_SECONDS" >/dev/null 2>&1
}

ca_is_good() {
    [[ -s "$out_dir/ca.crt" && -s "$out_dir/ca.key" ]] || return 1
    still_valid "$out_dir/ca.crt" || return 1
    key_matches_certificate "$out_dir/ca.key" "$out_dir/ca.crt"
}

key_matches_certificate() {
    local key_public certificate_public
    key_public="$(openssl pkey -in "$1" -pubout 2>/dev/null)" || return 1
    certificate_public="$(openssl x509 -in "$2" -noout -pubkey 2>/dev/null)" || return 1
    [[ "$key_public" == "$certificate_public" ]]
}

serving_is_good() {
    [[ -s "$out_dir/tls.crt" && -s "$out_dir/tls.key" ]] || return 1
    still_valid "$out_dir/tls.crt" || return 1
    key_matches_certificate "$out_dir/tls.key" "$out_dir/tls.crt" || return 1
    openssl verify -CAfile "$out_dir/ca.crt" "$out_dir/tls.crt" >/dev/null 2>&1 || return 1
    local sans name
    sans="$(openssl x509 -in "$out_dir/tls.crt" -noout -ext subjectAltName 2>/dev/null)" || return 1
    for name in "${DNS_NAMES[@]}"; do
        grep -q "DNS:$name\(,\|\$\)" <<<"$sans" || return 1
    done
}

make_ca() {
    openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:2048 -out "$work_dir/ca.key" 2>/dev/null
    openssl req -x509 -new -sha256 -key "$work_dir/ca.key" -days "$ca_days" \
        -subj "/CN=capguard-ca" \
        -addext "basicConstraints=critical,CA:TRUE,pathlen:0" \
        -addext "keyUsage=critical,keyCertSign,cRLSign" \
        -addext "subjectKeyIdentifier=hash" \
        -out "$work_dir/ca.crt"
    mv "$work_dir/ca.key" "$out_dir/ca.key"
    mv "$work_dir/ca.crt" "$out_dir/ca.crt"
}

make_serving() {
    local san_list="" name
    for name in "${DNS_NAMES[@]}"; do
        san_list+="${san_list:+,}DNS:$name"
    done
    cat >"$work_dir/serving.ext" <<EOF
basicConstraints = critical, CA:FALSE
keyUsage = critical, digitalSignature, keyEncipherment
extendedKeyUsage = serverAuth
subjectAltName = $san_list
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid
EOF
    openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:2048 -out "$work_dir/tls.key" 2>/dev/null
    openssl req -new -sha256 -key "$work_dir/tls.key" -subj "/CN=${DNS_NAMES[0]}" -out "$work_dir/tls.csr"
    openssl x509 -req -sha256 -in "$work_dir/tls.csr" -days "$serving_days" \
        -CA "$out_dir/ca.crt" -CAkey "$out_dir/ca.key" -set_serial "0x$(openssl rand -hex 16)" \
        -extfile "$work_dir/serving.ext" -out "$work_dir/tls.crt" 2>/dev/null
    mv "$work_dir/tls.key" "$out_dir/tls.key"
    mv "$work_dir/tls.crt" "$out_dir/tls.crt"
}

base64_of() {
    openssl base64 -A -in "$1"
}

# Path from directory $1 to directory $2, both absolute and free of symlinks; written
# out here because realpath --relative-to is not everywhere.
relative_path() {
    local from="${1%/}/" to="${2%/}/" up=""
    while [[ "${to#"$from"}" == "$to" ]]; do
        from="${from%/*/}/"
        up+="../"
    done
    local path="${up}${to#"$from"}"
    path="${path%/}"
    echo "${path:-.}"
}

write_manifests() {
    umask 022
    cat >"$out_dir/secret.yaml" <<EOF
# Written by certs/generate.sh. Holds a private key: never commit it.
apiVersion: v1
kind: Secret
type: kubernetes.io/tls
metadata:
  name: $SECRET
  namespace: $NAMESPACE
  labels:
    app.kubernetes.io/name: capguard
data:
  tls.crt: $(base64_of "$out_dir/tls.crt")
  tls.key: $(base64_of "$out_dir/tls.key")
  ca.crt: $(base64_of "$out_dir/ca.crt")
EOF
    chmod 600 "$out_dir/secret.yaml"
    cat >"$out_dir/ca-bundle.yaml" <<EOF
# Written by certs/generate.sh: the apiserver trusts this CA, and only it, for capguard.
apiVersion: admissionregistration.k8s.io/v1
kind: ValidatingWebhookConfiguration
metadata:
  name: $WEBHOOK_CONFIGURATION
webhooks:
  - name: $WEBHOOK
    clientConfig:
      caBundle: $(base64_of "$out_dir/ca.crt")
EOF
    local overlay_path
    overlay_path="$(relative_path "$out_dir" "$(cd "$repo_root/deploy/overlays/$overlay" && pwd -P)")"
    cat >"$out_dir/kustomization.yaml" <<EOF
# Written by certs/generate.sh: the $overlay overlay with this directory's certificate.
apiVersion: kustomize.config.k8s.io/v1beta1
kind: Kustomization
resources:
  - $overlay_path
  - secret.yaml
patches:
  - path: ca-bundle.yaml
EOF
}

if [[ "$force" == false ]] && ca_is_good; then
    echo "kept the CA in $out_dir/ca.crt (valid until $(openssl x509 -in "$out_dir/ca.crt" -noout -enddate | cut -d= -f2))"
else
    make_ca
    rm -f "$out_dir/tls.crt" "$out_dir/tls.key"
    echo "made a new CA in $out_dir/ca.crt"
fi

if [[ "$force" == false ]] && serving_is_good; then
    echo "kept the serving certificate in $out_dir/tls.crt"
else
    make_serving
    echo "made a serving certificate for ${DNS_NAMES[*]} in $out_dir/tls.crt"
fi

write_manifests
echo "wrote $out_dir/secret.yaml, ca-bundle.yaml and kustomization.yaml ($overlay overlay)"
echo "install with: kubectl apply -k $out_dir"
