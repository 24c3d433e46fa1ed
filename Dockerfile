# syntax=docker/dockerfile:1

# Both stages are Debian 12, so the binary finds the same glibc, libssl and libyaml ABI
# at run time that it was linked against.
FROM swift:6.3.1-bookworm AS build

# hadolint ignore=DL3008
RUN apt-get update \
    && apt-get install -y --no-install-recommends libssl-dev libyaml-dev \
    && rm -rf /var/lib/apt/lists/*

WORKDIR /src

# Dependencies first: this layer is rebuilt only when the manifest changes.
COPY Package.swift ./
RUN swift package resolve

COPY Sources ./Sources
# SwiftPM checks that the directory of every target in the manifest exists, test targets
# included, even when it builds only one product.
COPY Tests ./Tests
# /out is the runtime image's own files, laid out from /. Stripped: debug information and the
# symbol table are half of the binary, and nothing in the runtime image reads them. libyaml is
# the one library capguard links that the runtime base lacks: its shared objects (the glob
# names the multiarch directory of amd64 and arm64 alike), its licence, and a
# /var/lib/dpkg/status.d entry as the base has for its own packages, so that image scanners
# see it and its version.
RUN swift build -c release --product capguard --static-swift-stdlib \
    && install -D -m 0755 --strip "$(swift build -c release --show-bin-path)/capguard" /out/usr/local/bin/capguard \
    && cp --parents --no-dereference /usr/lib/*-linux-gnu/libyaml-0.so.2* /usr/share/doc/libyaml-0-2/copyright /out/ \
    && mkdir -p /out/var/lib/dpkg/status.d \
    && dpkg-query --status libyaml-0-2 >/out/var/lib/dpkg/status.d/libyaml-0-2

# Distroless, built by Google from Debian 12 packages and rebuilt on their security updates:
# glibc, libssl3, libgcc and libstdc++, CA certificates, tzdata and a nonroot user, without a
# shell, a package manager or any other program, which leaves nothing in the container for an
# intruder to run and nothing for scanners to flag beyond those libraries. Pin its digest
# (name:nonroot@sha256:...) where builds must be reproducible.
FROM gcr.io/distroless/cc-debian12:nonroot

COPY --from=build /out/ /

# The numeric user lets Kubernetes check runAsNonRoot without an /etc/passwd entry.
USER 65532:65532
# The base starts in /home/nonroot, which only 65532 may enter; / lets the image start under
# whatever user a cluster's policy assigns.
WORKDIR /
EXPOSE 8443
ENTRYPOINT ["/usr/local/bin/capguard"]
CMD ["serve", "--listen", "0.0.0.0:8443"]
