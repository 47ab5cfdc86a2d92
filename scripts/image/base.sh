#!/usr/bin/env bash
# Builds the base image of Tollgate's container image as a `docker save` tarball (target/image/base.tar),
# without a Docker daemon or a registry: a Java runtime made with jlink from the JDK 17 that builds the
# project, the shared libraries it links against (copied from this machine), CA certificates, a
# non-root user `tollgate` (uid/gid 10001) and a health check. Jib (mvn -Pimage package) puts the
# application on top. Re-run when the JDK changes; `mvn -Pimage` runs it when the tarball is missing.
set -euo pipefail
cd "$(dirname "$0")/../.."

OUT=target/image
ROOT=$OUT/rootfs
if [ "${1:-}" = "--if-missing" ] && [ -s "$OUT/base.tar" ]; then exit 0; fi
JAVA_HOME=${JAVA_HOME:-$(dirname "$(dirname "$(readlink -f "$(command -v javac)")")")}
JLINK=$JAVA_HOME/bin/jlink
[ -x "$JLINK" ] || { echo "base.sh: no jlink in $JAVA_HOME (needs a JDK 17 with jmods)" >&2; exit 1; }
[ -d "$JAVA_HOME/jmods" ] || { echo "base.sh: $JAVA_HOME has no jmods (install the distribution's JDK package)" >&2; exit 1; }

# What the service uses: JDBC and Flyway (java.sql, java.naming), logback (java.xml), Netty and
# Vert.x (jdk.unsupported), SnakeYAML reading the OpenAPI document (java.desktop: java.beans), metrics (java.management, jdk.management), TLS to RPC providers and
# webhook receivers (jdk.crypto.ec), PostgreSQL's optional authentication (java.security.jgss/sasl).
MODULES=java.base,java.desktop,java.logging,java.management,java.naming,java.net.http,java.security.jgss,java.security.sasl,java.sql,java.xml,jdk.crypto.ec,jdk.management,jdk.naming.dns,jdk.unsupported,jdk.zipfs

rm -rf "$OUT"
mkdir -p "$ROOT"/{etc,tmp,opt,app,home/tollgate}
chmod 1777 "$ROOT/tmp"
"$JLINK" --module-path "$JAVA_HOME/jmods" --add-modules "$MODULES" --strip-debug --no-header-files \
  --no-man-pages --output "$ROOT/opt/java"

# The runtime's configuration files are links into /etc on Debian: copy what they point at.
for link in $(find "$ROOT/opt/java" -type l); do
  target=$(readlink -f "$link" || true)
  rm "$link"
  [ -e "$target" ] && cp -L "$target" "$link"
done
[ -s "$ROOT/opt/java/lib/security/cacerts" ] || cp -L /etc/ssl/certs/java/cacerts "$ROOT/opt/java/lib/security/cacerts"

# Shared libraries the runtime links against, at the same paths, and the dynamic loader.
# (libraries of the runtime itself resolve through $ORIGIN to the rootfs: those are there already)
ROOT_ABS=$(readlink -f "$ROOT")
for lib in $( (ldd "$ROOT/opt/java/bin/java"; find "$ROOT/opt/java/lib" -name '*.so' -exec ldd {} \;) 2>/dev/null \
    | awk '/=> \// {print $3} /^\t\/lib/ {print $1}' | grep -v "^$ROOT_ABS" | sort -u); do
  mkdir -p "$ROOT$(dirname "$lib")"
  cp -L "$lib" "$ROOT$lib"
done
mkdir -p "$ROOT/lib64" && cp -L /lib64/ld-linux-x86-64.so.2 "$ROOT/lib64/"
# glibc resolves host names through these (it has files and dns built in)
printf 'hosts: files dns\n' > "$ROOT/etc/nsswitch.conf"
printf 'root:x:0:0:root:/root:/sbin/nologin\ntollgate:x:10001:10001:tollgate:/home/tollgate:/sbin/nologin\n' > "$ROOT/etc/passwd"
printf 'root:x:0:\ntollgate:x:10001:\n' > "$ROOT/etc/group"

# One layer, owned by root except the user's home; deterministic timestamps.
tar --sort=name --mtime='2000-01-01 00:00Z' --owner=0 --group=0 --numeric-owner -C "$ROOT" -cf "$OUT/layer.tar" .
python3 - "$OUT" <<'PY'
import hashlib, json, os, sys, tarfile
out = sys.argv[1]
digest = hashlib.sha256(open(os.path.join(out, "layer.tar"), "rb").read()).hexdigest()
health = ["CMD", "/opt/java/bin/java", "-cp", "@/app/jib-classpath-file", "io.tollgate.Main", "healthcheck"]
config = {
    "architecture": "amd64", "os": "linux",
    "config": {
        "Env": ["PATH=/opt/java/bin:/usr/bin:/bin", "JAVA_HOME=/opt/java", "LANG=C.UTF-8"],
        "User": "10001:10001",
        "Healthcheck": {"Test": health, "Interval": 15_000_000_000, "Timeout": 5_000_000_000,
                        "StartPeriod": 60_000_000_000, "Retries": 3},
    },
    "rootfs": {"type": "layers", "diff_ids": ["sha256:" + digest]},
    "history": [{"created_by": "scripts/image/base.sh: jlink runtime, its libraries, user tollgate"}],
}
config_bytes = json.dumps(config, sort_keys=True).encode()
config_name = hashlib.sha256(config_bytes).hexdigest() + ".json"
open(os.path.join(out, config_name), "wb").write(config_bytes)
manifest = [{"Config": config_name, "RepoTags": ["tollgate-base:local"], "Layers": ["layer.tar"]}]
open(os.path.join(out, "manifest.json"), "w").write(json.dumps(manifest))
with tarfile.open(os.path.join(out, "base.tar"), "w") as tar:
    for name in ("manifest.json", config_name, "layer.tar"):
        tar.add(os.path.join(out, name), arcname=name)
PY
rm -rf "$ROOT" "$OUT/layer.tar"
echo "base image: $OUT/base.tar ($(du -h "$OUT/base.tar" | cut -f1))"
