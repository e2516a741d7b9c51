#!/usr/bin/env bash
# A RabbitMQ cluster of local nodes, beside (never instead of) the machine's own broker, for
# tests and benchmarks. Uses the installed rabbitmq-server; run as root or as the rabbitmq user.
#
#   scripts/rabbitmq-cluster.sh start          start the nodes and join them into one cluster
#   scripts/rabbitmq-cluster.sh stop           stop every node and remove its data
#   scripts/rabbitmq-cluster.sh stop-node I    stop node I (1-based) gracefully
#   scripts/rabbitmq-cluster.sh kill-node I    SIGKILL node I (a crash)
#   scripts/rabbitmq-cluster.sh start-node I   start node I again (it rejoins the cluster)
#   scripts/rabbitmq-cluster.sh urls           the AMQP URLs, comma-separated (KLEPAAS_RABBITMQ_URL)
#   scripts/rabbitmq-cluster.sh node I         the Erlang name of node I (for rabbitmqctl -n)
#   scripts/rabbitmq-cluster.sh status         rabbitmqctl cluster_status
#
# Environment: KLEPAAS_CLUSTER_NAME (node names <name>-1@localhost ...; default klepaas),
# KLEPAAS_CLUSTER_PORT (AMQP port of node 1, the others follow; default 5681; the Erlang
# distribution ports are these plus 20000), KLEPAAS_CLUSTER_NODES (default 3),
# KLEPAAS_CLUSTER_DIR (data, logs and configuration; default /tmp/rabbitmq-cluster-<name>).
#
# Every node has its own name, ports, data and log directories and configuration file (the
# system's rabbitmq.conf pins its listener to 5672), an empty plugin list, and the rabbitmq
# user's Erlang cookie (they all run as that user). Every rabbitmqctl call names one of these
# nodes: the system's node (rabbit@localhost) is never addressed.
set -euo pipefail

NAME="${KLEPAAS_CLUSTER_NAME:-klepaas}"
BASE_PORT="${KLEPAAS_CLUSTER_PORT:-5681}"
NODES="${KLEPAAS_CLUSTER_NODES:-3}"
DIR="${KLEPAAS_CLUSTER_DIR:-/tmp/rabbitmq-cluster-$NAME}"

if [[ "$NAME" == rabbit ]]; then
  echo "KLEPAAS_CLUSTER_NAME=rabbit would name the system's node; choose another" >&2
  exit 2
fi

node_name() { echo "$NAME-$1@localhost"; }
node_port() { echo $((BASE_PORT + $1 - 1)); }
node_dir() { echo "$DIR/node-$1"; }
ctl() { rabbitmqctl -n "$(node_name "$1")" "${@:2}"; }

start_node() {
  local i=$1 dir
  dir="$(node_dir "$i")"
  mkdir -p "$dir/data" "$dir/log"
  {
    printf 'listeners.tcp.1 = 127.0.0.1:%s\n' "$(node_port "$i")"
    # The nodes find each other at boot (no join_cluster round trips).
    printf 'cluster_formation.peer_discovery_backend = classic_config\n'
    for j in $(seq 1 "$NODES"); do printf 'cluster_formation.classic_config.nodes.%s = %s\n' "$j" "$(node_name "$j")"; done
    printf 'cluster_formation.randomized_startup_delay_range.min = 0\n'
    printf 'cluster_formation.randomized_startup_delay_range.max = 1\n'
  } >"$dir/rabbitmq.conf"
  : >"$dir/enabled_plugins"
  chown -R rabbitmq:rabbitmq "$DIR" 2>/dev/null || true
  env RABBITMQ_NODENAME="$(node_name "$i")" \
    RABBITMQ_NODE_PORT="$(node_port "$i")" \
    RABBITMQ_DIST_PORT="$(($(node_port "$i") + 20000))" \
    RABBITMQ_MNESIA_BASE="$dir/data" \
    RABBITMQ_LOG_BASE="$dir/log" \
    RABBITMQ_PID_FILE="$dir/pid" \
    RABBITMQ_ENABLED_PLUGINS_FILE="$dir/enabled_plugins" \
    RABBITMQ_CONFIG_FILE="$dir/rabbitmq.conf" \
    rabbitmq-server -detached
}

# await_startup fails at once while the node has not yet registered with epmd: retry.
await_node() {
  local i=$1
  for _ in $(seq 1 90); do
    if ctl "$i" await_startup --timeout 60 >/dev/null 2>&1; then return 0; fi
    sleep 1
  done
  echo "node $(node_name "$i") did not start; see $(node_dir "$i")/log" >&2
  return 1
}

# The pid of node I, only if that process really is node I (its environment names it).
node_pid() {
  local i=$1 pid
  pid="$(cat "$(node_dir "$i")/pid" 2>/dev/null)" || return 1
  [[ -n "$pid" ]] && { tr '\0' '\n' <"/proc/$pid/environ"; } 2>/dev/null | grep -qx "RABBITMQ_NODENAME=$(node_name "$i")" &&
    echo "$pid"
}

stop_node() {
  local i=$1 pid
  ctl "$i" stop >/dev/null 2>&1 || true
  if pid="$(node_pid "$i")"; then kill -KILL "$pid" 2>/dev/null || true; fi
}

kill_node() {
  local i=$1 pid
  pid="$(node_pid "$i")" || {
    echo "node $(node_name "$i") is not running" >&2
    exit 1
  }
  kill -KILL "$pid"
}

case "${1:-}" in
  start)
    for i in $(seq 1 "$NODES"); do stop_node "$i"; done
    rm -rf "$DIR"
    for i in $(seq 1 "$NODES"); do start_node "$i"; done
    for i in $(seq 1 "$NODES"); do await_node "$i"; done
    running="$(ctl 1 cluster_status --formatter json)"
    for i in $(seq 1 "$NODES"); do
      grep -q "\"$(node_name "$i")\"" <<<"${running#*running_nodes}" || {
        echo "node $(node_name "$i") did not join the cluster" >&2
        exit 1
      }
    done
    echo "cluster $NAME: $NODES nodes on ports $(node_port 1)-$(node_port "$NODES")"
    ;;
  stop)
    for i in $(seq 1 "$NODES"); do stop_node "$i"; done
    rm -rf "$DIR"
    ;;
  stop-node) ctl "$2" stop >/dev/null ;;
  kill-node) kill_node "$2" ;;
  start-node)
    start_node "$2"
    await_node "$2"
    ;;
  urls)
    urls=()
    for i in $(seq 1 "$NODES"); do urls+=("amqp://guest:guest@127.0.0.1:$(node_port "$i")"); done
    (IFS=,; echo "${urls[*]}")
    ;;
  node) node_name "$2" ;;
  status) ctl 1 cluster_status ;;
  *)
    sed -n '2,12p' "$0" | sed 's/^# \{0,1\}//'
    exit 2
    ;;
esac
