#!/usr/bin/env bash
# Makes sure the real services the test suite talks to answer on loopback:
#   PostgreSQL 127.0.0.1:5432 (trust auth), Mosquitto 127.0.0.1:1883, InfluxDB 1.x 127.0.0.1:8086;
# and that Debian's Chromium (driven by playwright-core in the console's browser tests, which never
# downloads a browser) and the Noto CJK fonts (Chinese renders as boxes without them) are installed.
# Installs what is missing from Debian's packages (needs root), starts what is not running, and
# waits until each one answers. InfluxDB runs on a throwaway data folder.
set -euo pipefail

INFLUX_DIR="${ESTATECARE_INFLUX_DIR:-/tmp/estatecare-influxdb}"
need=()
command -v mosquitto >/dev/null || need+=(mosquitto)
command -v influxd >/dev/null || need+=(influxdb)
command -v socat >/dev/null || need+=(socat)
command -v pg_ctlcluster >/dev/null || need+=(postgresql)
command -v curl >/dev/null || need+=(curl)
command -v chromium >/dev/null || need+=(chromium)
[ -e /usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc ] || need+=(fonts-noto-cjk)
# pymodbus's server imports serial_asyncio even for TCP; Debian only recommends that package.
/usr/bin/python3 -c 'import pymodbus.server' 2>/dev/null || need+=(python3-pymodbus python3-serial-asyncio)
if [ ${#need[@]} -gt 0 ]; then
  echo "installing: ${need[*]}"
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
fi

wait_for() { # name, command
  for _ in $(seq 1 60); do
    if eval "$2" >/dev/null 2>&1; then echo "$1 is up"; return 0; fi
    sleep 0.5
  done
  echo "$1 did not come up" >&2
  return 1
}

port_open() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

# PostgreSQL. A cluster this script installed gets trust auth on loopback, as the tests expect
# (test databases only: never do this on a server that holds real data).
if [[ " ${need[*]} " == *" postgresql "* ]]; then
  for hba in /etc/postgresql/*/main/pg_hba.conf; do
    sed -i '1i host all all 127.0.0.1/32 trust' "$hba"
  done
fi
if ! port_open 5432; then
  cluster_version=$(ls /etc/postgresql | sort -V | tail -1)
  pg_ctlcluster --skip-systemctl-redirect "$cluster_version" main start
fi
wait_for PostgreSQL "port_open 5432"

# Mosquitto, with the packaged config (anonymous on loopback only in Mosquitto 2)
if ! port_open 1883; then
  mkdir -p /run/mosquitto && chown mosquitto:mosquitto /run/mosquitto 2>/dev/null || true
  if [ -f /etc/mosquitto/mosquitto.conf ] && grep -q '^listener' /etc/mosquitto/mosquitto.conf; then
    mosquitto -d -c /etc/mosquitto/mosquitto.conf
  else
    printf 'listener 1883 127.0.0.1\nallow_anonymous true\n' > /tmp/estatecare-mosquitto.conf
    mosquitto -d -c /tmp/estatecare-mosquitto.conf
  fi
fi
wait_for Mosquitto "port_open 1883"

# InfluxDB 1.x, HTTP API on loopback only, data in a throwaway folder
if ! curl -sf http://127.0.0.1:8086/ping >/dev/null 2>&1; then
  rm -rf "$INFLUX_DIR" && mkdir -p "$INFLUX_DIR"
  cat > "$INFLUX_DIR/influxdb.conf" <<CONF
reporting-disabled = true
bind-address = "127.0.0.1:8088"
[meta]
  dir = "$INFLUX_DIR/meta"
[data]
  dir = "$INFLUX_DIR/data"
  wal-dir = "$INFLUX_DIR/wal"
  query-log-enabled = false
  # Every meter of every gateway is a series of its own (tags gateway, estate, device, point):
  # 10,000 gateways of 300 meters are 3 million, past InfluxDB 1.x's default of 1,000,000 series
  # per database, beyond which it refuses new series ("max-series-per-database limit exceeded").
  max-series-per-database = 0
[http]
  enabled = true
  bind-address = "127.0.0.1:8086"
  log-enabled = false
CONF
  nohup influxd -config "$INFLUX_DIR/influxdb.conf" > "$INFLUX_DIR/influxd.log" 2>&1 &
fi
wait_for InfluxDB "curl -sf http://127.0.0.1:8086/ping"
