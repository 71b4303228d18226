"""The NAT instance's boot script: its user data installs two systemd units, so the NAT is set
up on every boot and a broken one is replaced.

Cloud-init runs user data on the first boot only (its `scripts-user` module is per-instance), so
what the kernel forgets at a reboot (the default route through the fixed interface, iptables
rules not saved yet) must come from a unit that runs on every boot:

- nat-configure.service (oneshot, every boot): waits until the fixed interface has its IPv4
  address, then turns forwarding on, sends the default route through it and masquerades the
  VPC. Idempotent: each rule is added only when missing.
- nat-check.timer (every minute): re-applies the configuration when the route is gone, and
  probes egress through the fixed interface; after three failed probes in a row it marks the
  instance Unhealthy (autoscaling:SetInstanceHealth, allowed on its own group only), and the
  group of one replaces it. EC2 status checks alone report a NAT that forwards nothing as
  healthy.
"""

from __future__ import annotations

import base64

IMDS = "http://169.254.169.254/latest"
FIXED_DEVICE_INDEX = 1
FAILURES_BEFORE_REPLACEMENT = 3

_IMDS_FUNCTION = f"""imds() {{
  token=$(curl -sf -X PUT {IMDS}/api/token -H 'X-aws-ec2-metadata-token-ttl-seconds: 300')
  curl -sf -H "X-aws-ec2-metadata-token: $token" "{IMDS}/meta-data/$1"
}}"""

# Finds the fixed interface's device and waits for its address: at boot the interface comes up
# after cloud-init and systemd's network-online, and a route through it fails before that.
_FIND_DEVICE = """device=""
for attempt in $(seq 1 90); do
  for m in $(imds network/interfaces/macs/ | tr -d /); do
    if [ "$(imds "network/interfaces/macs/$m/interface-id")" = "@INTERFACE@" ]; then
      mac="$m"
      device=$(ip -o link | awk -v m="$m" '$0 ~ m {print $2}' | tr -d :)
    fi
  done
  if [ -n "$device" ] && ip -4 -o addr show dev "$device" | grep -q inet; then
    break
  fi
  device=""
  sleep 2
done
[ -n "$device" ] || { echo "fixed interface @INTERFACE@ has no address" >&2; exit 1; }"""

_CONFIGURE = f"""#!/bin/bash
# Every boot (nat-configure.service): forwarding, default route and masquerade via the fixed
# interface. Safe to run again (nat-check re-runs it when the route is gone).
set -euo pipefail
{_IMDS_FUNCTION}
{_FIND_DEVICE}
subnet=$(imds "network/interfaces/macs/$mac/subnet-ipv4-cidr-block")
gateway=$(python3 -c "import ipaddress,sys; print(ipaddress.ip_network(sys.argv[1])[1])" "$subnet")
sysctl -w net.ipv4.ip_forward=1
ip route replace default via "$gateway" dev "$device" metric 1
iptables -t nat -C POSTROUTING -o "$device" -s @CIDR@ -j MASQUERADE 2>/dev/null \\
  || iptables -t nat -A POSTROUTING -o "$device" -s @CIDR@ -j MASQUERADE
iptables -C FORWARD -j REJECT --reject-with icmp-host-prohibited 2>/dev/null \\
  && iptables -D FORWARD -j REJECT --reject-with icmp-host-prohibited  # packaged default
iptables -C FORWARD -s @CIDR@ -j ACCEPT 2>/dev/null || iptables -A FORWARD -s @CIDR@ -j ACCEPT
iptables -C FORWARD -m state --state RELATED,ESTABLISHED -j ACCEPT 2>/dev/null \\
  || iptables -A FORWARD -m state --state RELATED,ESTABLISHED -j ACCEPT
echo "NAT via $device (gateway $gateway)"
"""

_CHECK = f"""#!/bin/bash
# Every minute (nat-check.timer): repair a lost route, probe egress through the fixed interface,
# and after {FAILURES_BEFORE_REPLACEMENT} failed probes in a row have the group replace it.
set -uo pipefail
{_IMDS_FUNCTION}
state=/run/nat-check-failures
{_FIND_DEVICE.replace("exit 1", "failed=1")}
if [ -n "$device" ] && ! ip route show default | grep -q "dev $device"; then
  /usr/local/sbin/nat-configure || true
fi
if [ -n "$device" ] && curl -s -o /dev/null --max-time 10 --interface "$device" \\
    https://ec2.@REGION@.amazonaws.com/; then
  echo 0 > "$state"
  exit 0
fi
failures=$(( $(cat "$state" 2>/dev/null || echo 0) + 1 ))
echo "$failures" > "$state"
echo "NAT egress probe failed ($failures in a row)" >&2
if [ "$failures" -ge {FAILURES_BEFORE_REPLACEMENT} ]; then
  # the broken route would carry this call too: drop it, the primary interface reaches the API
  [ -n "$device" ] && ip route del default dev "$device" 2>/dev/null
  aws autoscaling set-instance-health --region @REGION@ --instance-id "$(imds instance-id)" \\
    --health-status Unhealthy --no-should-respect-grace-period
fi
"""

_UNITS = """[Unit]
Description=NAT through the fixed interface (every boot)
Wants=network-online.target
After=network-online.target iptables.service

[Service]
Type=oneshot
RemainAfterExit=yes
ExecStart=/usr/local/sbin/nat-configure

[Install]
WantedBy=multi-user.target
@@@
[Unit]
Description=Probe NAT egress; repair or have the instance replaced

[Service]
Type=oneshot
ExecStart=/usr/local/sbin/nat-check
@@@
[Unit]
Description=Probe NAT egress every minute

[Timer]
OnBootSec=3min
OnUnitActiveSec=1min

[Install]
WantedBy=timers.target
"""


def _fill(text: str, region: str, interface_id: str, vpc_cidr: str) -> str:
    return (
        text.replace("@INTERFACE@", interface_id)
        .replace("@CIDR@", vpc_cidr)
        .replace("@REGION@", region)
    )


def _write(path: str, content: str, mode: str) -> str:
    return f"cat > {path} <<'NAT_EOF'\n{content.rstrip()}\nNAT_EOF\nchmod {mode} {path}\n"


def nat_user_data(region: str, interface_id: str, vpc_cidr: str) -> str:
    """Base64 user data (first boot of each new instance): attach the fixed interface, install
    the per-boot configuration and the health check, and start both."""
    configure, check = (_fill(t, region, interface_id, vpc_cidr) for t in (_CONFIGURE, _CHECK))
    service, check_service, timer = _UNITS.split("@@@\n")
    script = f"""#!/bin/bash
set -euo pipefail
{_IMDS_FUNCTION}
instance_id=$(imds instance-id)
# the previous instance may still hold the interface while it terminates: retry
for attempt in $(seq 1 60); do
  aws ec2 attach-network-interface --region {region} --network-interface-id {interface_id} \\
    --instance-id "$instance_id" --device-index {FIXED_DEVICE_INDEX} && break
  sleep 5
done
dnf install -y iptables-services
systemctl enable --now iptables
echo 'net.ipv4.ip_forward = 1' > /etc/sysctl.d/90-nat.conf
{_write("/usr/local/sbin/nat-configure", configure, "0755")}
{_write("/usr/local/sbin/nat-check", check, "0755")}
{_write("/etc/systemd/system/nat-configure.service", service, "0644")}
{_write("/etc/systemd/system/nat-check.service", check_service, "0644")}
{_write("/etc/systemd/system/nat-check.timer", timer, "0644")}
systemctl daemon-reload
systemctl enable --now nat-configure.service nat-check.timer
"""
    return base64.b64encode(script.encode()).decode()
