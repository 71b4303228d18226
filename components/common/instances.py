"""What every EC2 launch template of the platform shares: IMDSv2 only, an encrypted gp3 root
volume, the managed policy that lets Session Manager in when a setting asks for it, and the
instances' security group egress (HTTPS out only)."""

from __future__ import annotations

from typing import Any

SSM_CORE_POLICY = "arn:aws:iam::aws:policy/AmazonSSMManagedInstanceCore"
ROOT_DEVICE = "/dev/xvda"

# IMDSv2 only (EC2.8), and a hop limit of 1 so containers cannot reach the instance's role.
IMDS_V2_ONLY: dict[str, Any] = {
    "http_endpoint": "enabled",
    "http_tokens": "required",
    "http_put_response_hop_limit": 1,
}


def encrypted_root_volume(size_gib: int) -> list[dict[str, Any]]:
    """The launch template's block device mappings: an encrypted gp3 root (EC2.181)."""
    return [
        {
            "device_name": ROOT_DEVICE,
            "ebs": {
                "volume_size": size_gib,
                "volume_type": "gp3",
                "encrypted": "true",
                "delete_on_termination": "true",
            },
        }
    ]


def https_out_egress() -> list[dict[str, Any]]:
    """Container instances' only egress: HTTPS to AWS APIs and registries. Tasks use awsvpc and
    their own security groups; DNS and time sync are not filtered by security groups."""
    return [
        {
            "description": "HTTPS to AWS APIs and registries",
            "protocol": "tcp",
            "from_port": 443,
            "to_port": 443,
            "cidr_blocks": ["0.0.0.0/0"],
        }
    ]
