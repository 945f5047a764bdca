#!/usr/bin/env bash
# Container lane (`.ci/run --containers`): builds the six images from the Dockerfile with podman (runc runtime;
# crun fails on this kernel's cgroups), runs them with production settings on the host network against the
# machine's PostgreSQL and RabbitMQ (own database and exchange namespace), checks readiness, one generation end to
# end through an account, and a graceful SIGTERM stop within the grace period. Prints build/start/stop times and
# image sizes. Needs root, podman, runc, debootstrap and a built dist/ (for the test client).
set -euo pipefail
cd "$(dirname "$0")/../.."
apps=(gateway billing enhancer generator judge recommender)
podman=(podman --runtime runc)
limits=(--ulimit nofile=1024:1024 --ulimit nproc=1024:1024)
id="c$(od -An -N4 -tx1 /dev/urandom | tr -d ' \n')"
db="atelier_$id"
ns="at-$id"
base_port=$((20000 + RANDOM % 2000 * 6))
admin_url="${DATABASE_ADMIN_URL:-postgres://postgres@127.0.0.1:5432/postgres}"
broker_host="${BROKER_HOST:-127.0.0.1:5672}"
storage="$(mktemp -d /var/tmp/atelier-storage.XXXXXX)"
chown 1000:1000 "$storage"
secret() { od -An -N24 -tx1 /dev/urandom | tr -d ' \n'; }
jwt_secret="$(secret)"
internal_secret="$(secret)"
now() { date +%s.%N; }
since() { awk -v a="$1" -v b="$(now)" 'BEGIN { printf "%.1f", b - a }'; }
log() { printf '\n== %s\n' "$*"; }

cleanup() {
  for app in "${apps[@]}"; do "${podman[@]}" rm -f "atelier-$id-$app" >/dev/null 2>&1 || true; done
  psql "$admin_url" -qc "DROP DATABASE IF EXISTS \"$db\" WITH (FORCE)" >/dev/null 2>&1 || true
  for q in $(rabbitmqctl -q list_queues name 2>/dev/null | grep "^$ns\." || true); do
    rabbitmqctl -q delete_queue "$q" >/dev/null 2>&1 || true
  done
  for x in events rpc; do
    rabbitmqctl -q eval "rabbit_exchange:delete(rabbit_misc:r(<<\"/\">>, exchange, <<\"$ns.$x\">>), false, <<\"atelier\">>)." >/dev/null 2>&1 || true
  done
  for app in "${apps[@]}"; do rabbitmqctl -q delete_user "$ns-$app" >/dev/null 2>&1 || true; done
  rm -rf "$storage"
}
trap cleanup EXIT

log "base image (local node:20-bookworm-slim stand-in)"
bash test/containers/build-base-image.sh
# The Dockerfile names the official image; the local stand-in answers to that name, so nothing is pulled.
"${podman[@]}" tag localhost/node:20-bookworm-slim docker.io/library/node:20-bookworm-slim

log "images"
for app in "${apps[@]}"; do
  t=$(now)
  # REUSE_IMAGES=1 runs already built images (a cached rebuild still costs ~2 min per image here).
  if [[ "${REUSE_IMAGES:-}" == 1 ]] && "${podman[@]}" image exists "atelier/$app:latest"; then
    echo "$app: reusing atelier/$app:latest"
    continue
  fi
  "${podman[@]}" build -q --pull=never --network host "${limits[@]}" --build-arg "APP=$app" \
    -t "atelier/$app:latest" -f Dockerfile . >/dev/null
  printf '%-12s built in %6ss, %s MB\n' "$app" "$(since "$t")" \
    "$(( $("${podman[@]}" image inspect "atelier/$app:latest" --format '{{.Size}}') / 1000000 ))"
done

log "database and migrations (the migrate step of docker-compose)"
# db.js reads the database settings only (no service secrets), and in production a password per service role.
declare -A db_password
roles=""
for app in "${apps[@]}"; do db_password[$app]="$(secret)"; roles="${roles:+$roles,}$app=${db_password[$app]}"; done
"${podman[@]}" run --rm --network host "${limits[@]}" -e DATABASE_ADMIN_URL="$admin_url" -e DATABASE_HOST=127.0.0.1 \
  -e DATABASE_NAME="$db" -e DATABASE_ROLE_PASSWORDS="$roles" \
  atelier/gateway:latest node dist/scripts/db.js setup >/dev/null

log "broker users (npm run broker:setup: production refuses a shared or guest login)"
declare -A broker_password
for app in "${apps[@]}"; do broker_password[$app]="$(secret)"; done
MESH_NAMESPACE="$ns" NODE_ENV=production \
  BROKER_PASSWORD_GATEWAY="${broker_password[gateway]}" BROKER_PASSWORD_BILLING="${broker_password[billing]}" \
  BROKER_PASSWORD_ENHANCER="${broker_password[enhancer]}" BROKER_PASSWORD_GENERATOR="${broker_password[generator]}" \
  BROKER_PASSWORD_JUDGE="${broker_password[judge]}" BROKER_PASSWORD_RECOMMENDER="${broker_password[recommender]}" \
  node dist/scripts/broker-setup.js >/dev/null

log "start (NODE_ENV=production, host network)"
i=0
declare -A port
for app in "${apps[@]}"; do port[$app]=$((base_port + i)); i=$((i + 1)); done
t=$(now)
for app in "${apps[@]}"; do
  "${podman[@]}" run -d --name "atelier-$id-$app" --network host "${limits[@]}" \
    -e NODE_ENV=production -e LOG_LEVEL=info -e HTTP_PORT="${port[$app]}" \
    -e DATABASE_HOST=127.0.0.1 -e DATABASE_PORT=5432 -e DATABASE_NAME="$db" -e MIGRATIONS_RUN=false \
    -e DATABASE_PASSWORD="${db_password[$app]}" \
    -e AMQP_URL="amqp://$ns-$app:${broker_password[$app]}@$broker_host" -e MESH_NAMESPACE="$ns" \
    -e JWT_SECRET="$jwt_secret" -e INTERNAL_CALLER_SECRET="$internal_secret" -e ALLOW_DEV_USER_HEADER=false \
    -e SMTP_HOST=127.0.0.1 -e SMTP_PORT=465 -e SMTP_SECURE=true -e PUBLIC_BASE_URL=https://localhost \
    -e RECOMMENDER_URL="http://127.0.0.1:${port[recommender]}" -e JUDGE_BACKEND=statistics \
    -e STORAGE_DIR=/var/lib/atelier/storage -v "$storage:/var/lib/atelier/storage" \
    "atelier/$app:latest" >/dev/null
done
for app in "${apps[@]}"; do
  for _ in $(seq 1 240); do
    curl -sf "http://127.0.0.1:${port[$app]}/health/ready" >/dev/null && break
    [[ "$("${podman[@]}" inspect -f '{{.State.Running}}' "atelier-$id-$app")" == true ]] || {
      "${podman[@]}" logs "atelier-$id-$app" | tail -20
      echo "$app exited during start-up" >&2
      exit 1
    }
    sleep 0.5
  done
  curl -sf "http://127.0.0.1:${port[$app]}/health/ready" >/dev/null || { echo "$app not ready" >&2; exit 1; }
  printf '%-12s ready %ss after the first container started\n' "$app" "$(since "$t")"
done

log "one generation end to end (register, log in, submit, wait for completed)"
t=$(now)
GATEWAY="http://127.0.0.1:${port[gateway]}" node -e '
const { MeshClient } = require("./dist/scripts/mesh/mesh-client.js");
(async () => {
  const c = new MeshClient(process.env.GATEWAY);
  const email = `ops-${Date.now()}@example.com`, password = "correct horse battery staple 42";
  const reg = await c.register(email, password);
  if (reg.status !== 201) throw new Error(`register: ${reg.status} ${JSON.stringify(reg.body)}`);
  const who = { accessToken: (await c.login(email, password)).accessToken };
  const sub = await c.submit(who, { prompt: "баннер для кофейни, осень", n: 2, width: 256, height: 256 });
  if (sub.status !== 202) throw new Error(`submit: ${sub.status} ${JSON.stringify(sub.body)}`);
  const done = await c.waitForTerminal(who, sub.body.id, 120000, 200);
  if (done.status !== "completed" || done.images.length !== 2) throw new Error(`generation ended ${done.status}`);
  const png = await c.image(who, sub.body.id, 1);
  if (png.status !== 200 || png.type !== "image/png" || png.bytes.length < 100) throw new Error(`image 1: ${png.status} ${png.type}`);
  console.log(`generation ${sub.body.id} completed with ${done.images.length} ranked images; image 1 is a ${png.bytes.length}-byte PNG`);
})().catch((e) => { console.error(e); process.exit(1); });'
echo "end to end in $(since "$t")s"

log "graceful stop (SIGTERM, 30 s grace as in docker-compose and k8s)"
for app in "${apps[@]}"; do
  t=$(now)
  "${podman[@]}" stop -t 30 "atelier-$id-$app" >/dev/null
  code="$("${podman[@]}" inspect -f '{{.State.ExitCode}}' "atelier-$id-$app")"
  printf '%-12s stopped in %ss, exit code %s\n' "$app" "$(since "$t")" "$code"
  # 137 would mean SIGKILL after the grace period.
  [[ "$code" == 0 || "$code" == 143 ]] || { "${podman[@]}" logs "atelier-$id-$app" | tail -20; exit 1; }
done
echo "container lane green"
