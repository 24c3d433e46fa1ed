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
# Stripped: debug information and the symbol table are half of the binary, and nothing in the
# runtime image reads them.
RUN swift build -c release --product capguard --static-swift-stdlib \
    && install -D -m 0755 --strip "$(swift build -c release --show-bin-path)/capguard" /out/capguard

FROM debian:12.12-slim

# Only the shared libraries capguard links to (libstdc++ and glibc are in the base image);
# a pinned package version would vanish from the archive with the next security update.
# hadolint ignore=DL3008
RUN apt-get update \
    && apt-get install -y --no-install-recommends libssl3 libyaml-0-2 \
    && rm -rf /var/lib/apt/lists/*

COPY --from=build /out/capguard /usr/local/bin/capguard

# The numeric user lets Kubernetes check runAsNonRoot without an /etc/passwd entry.
USER 65532:65532
EXPOSE 8443
ENTRYPOINT ["/usr/local/bin/capguard"]
CMD ["serve", "--listen", "0.0.0.0:8443"]
