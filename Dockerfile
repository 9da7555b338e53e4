# re-actions-emulator container image.
#   docker build -t re-actions-emulator .
#   docker run --rm -p 8080:8080 -p 9443:9443 re-actions-emulator
# Build stage: the same install script and CMake preset as the README.
FROM debian:bookworm AS build
WORKDIR /src
COPY scripts/install-deps.sh scripts/install-deps.sh
RUN scripts/install-deps.sh
COPY . .
RUN cmake --preset release -DREEMU_BUILD_TESTS=OFF -DREEMU_UNITY_BUILD=ON \
 && cmake --build --preset release --target re-actions-emulator \
 && strip build/release/re-actions-emulator

# Run stage: the binary and the default config. The release preset links
# everything but glibc into the binary (Boost.URL, OpenSSL, jemalloc, spdlog,
# fmt, libstdc++, libgcc: REEMU_STATIC_DEPS, REEMU_HEADER_ONLY_LOGGING,
# REEMU_STATIC_RUNTIME), so the slim image's libc6 is all it loads.
FROM debian:bookworm-slim
RUN useradd --system --uid 10001 --no-create-home --shell /usr/sbin/nologin reemu \
 && install -d -o reemu -g reemu /var/lib/re-actions-emulator /var/lib/re-actions-emulator/state
COPY --from=build /src/build/release/re-actions-emulator /usr/local/bin/re-actions-emulator
COPY config/default.json /etc/re-actions-emulator/config.json
ENV REEMU_CONFIG=/etc/re-actions-emulator/config.json
# A writable place for --tls-cert-out and, in state/, --state-file (a named
# volume mounted on either starts owned by the service user).
VOLUME /var/lib/re-actions-emulator
USER reemu
EXPOSE 8080 9443
# The binary probes itself: no curl in the image.
HEALTHCHECK --interval=5s --timeout=4s --start-period=2s --retries=3 \
  CMD ["re-actions-emulator", "--health-check"]
STOPSIGNAL SIGTERM
ENTRYPOINT ["re-actions-emulator"]
