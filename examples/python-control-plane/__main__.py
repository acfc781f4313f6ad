"""A federation from an empty host, in Python: KubeFed's control plane, then member2 joined to it.

    pulumi config set --secret hostKubeconfig "$(cat host.yaml)"
    pulumi config set chart ./charts/kubefed
    pulumi config set --secret member2Kubeconfig "$(cat member2.yaml)"
    pulumi up
"""
import pulumi
import pulumi_kubernetes as k8s
import pulumi_kubefed as kubefed

config = pulumi.Config()

host = k8s.Provider(
    "host",
    kubeconfig=config.require_secret("hostKubeconfig"),
    cluster_identifier="kubefed-host",
    enable_config_map_mutable=True,
    enable_secret_mutable=True,
)

# KubeFed itself: its chart as a Helm release (one controller replica).
control_plane = kubefed.KubefedControlPlane(
    "kubefed",
    chart=config.require("chart"),
    values={"controllermanager": {"controller": {"replicaCount": 1}}},
    host_kubeconfig=config.require_secret("hostKubeconfig"),
    opts=pulumi.ResourceOptions(provider=host),
)

# The federation on it: KubeFed's namespace and scope come from the control plane.
federation = kubefed.KubefedFederation(
    "federation",
    control_plane=control_plane,
    clusters=[kubefed.MemberClusterArgs(name="member2", kubeconfig=config.require_secret("member2Kubeconfig"))],
    wait_for_ready=True,
    host_kubeconfig=config.require_secret("hostKubeconfig"),
    opts=pulumi.ResourceOptions(provider=host),
)

pulumi.export("kubefedNamespace", control_plane.namespace)
pulumi.export("webhookAvailable", control_plane.webhook_available)
pulumi.export("clusterNames", federation.cluster_names)
pulumi.export("clusters", federation.clusters)
