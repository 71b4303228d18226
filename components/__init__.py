"""The platform's Pulumi components, one `ComponentResource` per module (service/, job/ and
cluster/ are packages). `common/` holds the builders they share: naming, policy documents, the alarm
builder, the dashboard body, ECR facts and capacity strategies."""

from components.ci_access import CiAccess
from components.cluster import Cluster
from components.environment_alarms import EnvironmentAlarms
from components.file_system import SharedFileSystem
from components.job import Job
from components.load_balancer import LoadBalancer
from components.log_encryption import LogKey
from components.network import Network
from components.notifications import Notifications
from components.peering import ServicePeering
from components.registry import Registry
from components.service import Service

__all__ = [
    "CiAccess",
    "Cluster",
    "EnvironmentAlarms",
    "Job",
    "LoadBalancer",
    "LogKey",
    "Network",
    "Notifications",
    "Registry",
    "Service",
    "ServicePeering",
    "SharedFileSystem",
]
COMPONENT_TYPES = frozenset(globals()[name].TYPE for name in __all__)
