#!/usr/bin/env bash
# Checks the container image tarball that `mvn -Pimage -DskipTests package` writes (target/tollgate-image.tar)
# without a Docker daemon: its configuration (non-root user, entry point running `tollgate serve`, health
# check, port, JSON logs) and its contents (the application, the settings file, the Java runtime). As root
# with chroot and /proc, it also runs `tollgate --version` and `tollgate healthcheck` inside the image's files.
set -euo pipefail
cd "$(dirname "$0")/../.."
IMAGE=${1:-target/tollgate-image.tar}
[ -s "$IMAGE" ] || { echo "check.sh: $IMAGE missing (mvn -Pimage -DskipTests package)" >&2; exit 1; }
WORK=$(mktemp -d)
trap 'umount "$WORK/root/proc" 2>/dev/null || true; rm -rf "$WORK"' EXIT
tar -xf "$IMAGE" -C "$WORK"

python3 - "$WORK" <<'PY'
import json, os, sys, tarfile
work = sys.argv[1]
manifest = json.load(open(os.path.join(work, "manifest.json")))[0]
config = json.load(open(os.path.join(work, manifest["Config"])))["config"]
problems = []
def expect(ok, what):
    print(("ok    " if ok else "WRONG ") + what)
    if not ok: problems.append(what)
entry = config.get("Entrypoint") or []
expect(config.get("User") == "10001:10001", "runs as the non-root user 10001:10001 (got %r)" % config.get("User"))
expect(entry[:1] == ["java"] and "io.tollgate.Main" in entry, "entry point starts io.tollgate.Main with java (got %r)" % entry)
expect(config.get("Cmd") == ["serve"], "command is serve (got %r)" % config.get("Cmd"))
health = (config.get("Healthcheck") or {}).get("Test") or []
expect("healthcheck" in health and "io.tollgate.Main" in health, "health check runs tollgate healthcheck (got %r)" % health)
expect("8080/tcp" in (config.get("ExposedPorts") or {}), "exposes 8080/tcp")
env = dict(e.split("=", 1) for e in config.get("Env", []))
expect(env.get("TOLLGATE_LOG_FORMAT") == "json", "logs JSON lines")
expect("/opt/java/bin" in env.get("PATH", ""), "java is on the PATH")
expect(config.get("WorkingDir") == "/app", "works in /app (conf/tollgate.properties there)")
names = set()
root = os.path.join(work, "root")
os.makedirs(root, exist_ok=True)
for layer in manifest["Layers"]:
    with tarfile.open(os.path.join(work, layer)) as t:
        names.update(n.lstrip("./").lstrip("/") for n in t.getnames())
        t.extractall(root, filter="tar") if sys.version_info >= (3, 12) else t.extractall(root)
for path in ("app/jib-classpath-file", "app/conf/tollgate.properties", "opt/java/bin/java", "etc/passwd",
             "opt/java/lib/security/cacerts"):
    expect(path in names, "holds /" + path)
expect(any(n.startswith("app/libs/vertx-core-") for n in names), "holds the dependencies in /app/libs")
expect(any(n.startswith("app/classes/io/tollgate/Main") for n in names), "holds the application classes")
if problems:
    sys.exit("check.sh: %d problem(s)" % len(problems))
PY

# Run it, where this machine allows (root, chroot, a /proc to mount): the runtime, its libraries, the user.
if [ "$(id -u)" = 0 ] && command -v chroot >/dev/null && mkdir -p "$WORK/root/proc" && mount -t proc proc "$WORK/root/proc" 2>/dev/null; then
  version=$(chroot --userspec=10001:10001 "$WORK/root" /opt/java/bin/java -cp @/app/jib-classpath-file io.tollgate.Main --version)
  echo "ok    runs as user 10001 inside the image: $version"
  if chroot --userspec=10001:10001 "$WORK/root" /opt/java/bin/java -cp @/app/jib-classpath-file io.tollgate.Main healthcheck \
      >/dev/null 2>&1; then
    echo "note  something answers /health/ready on this host's port 8080"
  else
    echo "ok    healthcheck exits non-zero when nothing is ready on port 8080"
  fi
else
  echo "skip  running the image (needs root, chroot and a mountable /proc)"
fi
echo "image $IMAGE: checked"
