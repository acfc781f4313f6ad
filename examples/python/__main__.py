"""A federation whose members are listed in stack config (the Python twin of examples/basic):

    pulumi config set --secret hostKubeconfig "$(cat host.yaml)"
    pulumi config set members '["member1"]'
    pulumi config set --secret member1Kubeconfig "$(cat member1.yaml)"
    pulumi up
"""
import pulumi
import pulumi_kubernetes as k8s
import pulumi_kubefed as kubefed

config = pulumi.Config()

# The host cluster runs the KubeFed control plane; mutable ConfigMaps and Secrets make membership
# changes in-place updates (see the README).
host = k8s.Provider(
    "host",
    kubeconfig=config.require_secret("hostKubeconfig"),
    cluster_identifier="kubefed-host",
    enable_config_map_mutable=True,
    enable_secret_mutable=True,
)

# Optional (`pulumi config set application true`): an application federated to every member, a
# Deployment, its Service and a ConfigMap, with member2 running 3 replicas instead of 1 (an override).
resources = None
if config.get_bool("application"):
    namespace, labels = "hello", {"app": "hello"}
    resources = [
        kubefed.FederatedResourceArgs(
            object={
                "apiVersion": "apps/v1",
                "kind": "Deployment",
                "metadata": {"name": "hello", "namespace": namespace},
                "spec": {
                    "replicas": 1,
                    "selector": {"matchLabels": labels},
                    "template": {"metadata": {"labels": labels}, "spec": {"containers": [{"name": "hello", "image": "registry.k8s.io/pause:3.10"}]}},
                },
            },
            overrides=[kubefed.OverrideRuleArgs(clusters=["member2"], patches=[kubefed.OverridePatchArgs(path="/spec/replicas", value=3)])],
        ),
        kubefed.FederatedResourceArgs(
            object={"apiVersion": "v1", "kind": "Service", "metadata": {"name": "hello", "namespace": namespace}, "spec": {"selector": labels, "ports": [{"port": 80}]}}
        ),
        kubefed.FederatedResourceArgs(
            object={"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "hello", "namespace": namespace}, "data": {"greeting": "hello"}}
        ),
    ]

wait_for_ready = config.get_bool("waitForReady")
federation = kubefed.KubefedFederation(
    "federation",
    clusters=[
        kubefed.MemberClusterArgs(
            name=name,
            kubeconfig=config.require_secret(f"{name}Kubeconfig"),
            replicas=config.get_int(f"{name}Replicas"),
            labels=config.get_object(f"{name}Labels"),
        )
        for name in config.require_object("members")
    ],
    wait_for_ready=True if wait_for_ready is None else wait_for_ready,
    orphan_workloads_on_unjoin=config.get_bool("orphanWorkloadsOnUnjoin"),
    resources=resources,
    # The host's kubeconfig again, for what the component asks the host itself (see the README).
    host_kubeconfig=config.require_secret("hostKubeconfig"),
    opts=pulumi.ResourceOptions(providers=[host]),
)

# `pulumi stack output clusterNames` is "kubefed list"; `clusters` is "kubefed describe".
pulumi.export("clusterNames", federation.cluster_names)
pulumi.export("clusters", federation.clusters)
# Where each federated resource runs.
pulumi.export("propagation", federation.propagation)
