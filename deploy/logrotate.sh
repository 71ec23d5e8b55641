#!/bin/sh
# The compose `logrotate` service: rotates the log volumes once a day (checked hourly),
# keeping LOG_RETENTION_DAYS days of files (README, Logs and audit).
set -eu
days="${LOG_RETENTION_DAYS:-190}"
case "$days" in
    '' | *[!0-9]*) echo "LOG_RETENTION_DAYS must be a number of days, not '$days'" >&2; exit 1 ;;
esac
config=/tmp/zhouqu-logrotate.conf
sed "s/@RETENTION_DAYS@/$days/g" /app/deploy/logrotate.conf > "$config"
chmod 0644 "$config"
while true; do
    logrotate --state /app/proxylogs/.logrotate.state "$config" || echo "logrotate failed" >&2
    sleep 3600
done
