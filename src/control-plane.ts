// The Pulumi layer of the KubeFed control plane: the namespace KubeFed runs in, and KubeFed's Helm
// chart installed into it as a Helm release (pulumi-kubernetes' helm.v3.Release: see the README,
// "The control plane", for why a release and not helm.v4.Chart). What the release contains is
// decided in control-plane-release.ts.
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { ControlPlaneReference, FederationScope, KubefedControlPlaneArgs } from "./args";
import { chartValues, controlPlaneNamespace, releaseInputs, runsReplicas, validateControlPlaneArgs } from "./control-plane-release";
import { ControlPlaneTeardown } from "./control-plane-teardown-resource";
import { names } from "./names";

export const KUBEFED_CONTROL_PLANE_TYPE = "kubefed:index:KubefedControlPlane";

/**
 * KubeFed's control plane on the host (the provider of the resource options): its namespace, and
 * its chart installed as a Helm release. The release waits for the CRDs, the controller and the
 * admission webhook to be available. Give it to `KubefedFederation` as `controlPlane`.
 */
export class KubefedControlPlane extends pulumi.ComponentResource implements ControlPlaneReference {
    /** The namespace KubeFed runs in. */
    public readonly namespace: pulumi.Output<string>;
    /** The scope KubeFed runs with: "Cluster" or "Namespaced". */
    public readonly scope: pulumi.Output<string>;
    /** The installed chart's version, as Helm reports it. */
    public readonly chartVersion: pulumi.Output<string>;
    /** The Helm release's revision (1 at install, one more per upgrade). */
    public readonly revision: pulumi.Output<number>;
    /** Whether the controller was available at the end of the update that last changed the release. */
    public readonly controllerAvailable: pulumi.Output<boolean>;
    /** Whether the admission webhook was available (answering its readiness probe) at the end of that update. */
    public readonly webhookAvailable: pulumi.Output<boolean>;
    /** What `KubefedFederation` reads of it (see ControlPlaneReference). */
    public readonly controlPlaneReference: { kubefedNamespace: string; scope: FederationScope; resource: pulumi.Resource };

    constructor(name: string, args?: KubefedControlPlaneArgs, opts?: pulumi.ComponentResourceOptions) {
        const settings = validateControlPlaneArgs(name, args);
        super(KUBEFED_CONTROL_PLANE_TYPE, name, {}, opts);

        const namespace = new k8s.core.v1.NamespacePatch(names.controlPlane(name, "namespace"), controlPlaneNamespace(settings), { parent: this });
        const values = pulumi.output(args?.values ?? {}).apply((v) => chartValues(settings, v));
        const release = new k8s.helm.v3.Release(names.controlPlane(name, "release"), { ...releaseInputs(settings), values }, { parent: this, dependsOn: [namespace] });
        if (args?.hostKubeconfig !== undefined) {
            // Deleted before the release, while the controller runs: KubeFed's uninstall order.
            new ControlPlaneTeardown(names.controlPlane(name, "teardown"), { hostKubeconfig: args.hostKubeconfig, namespace: settings.namespace }, { parent: this, dependsOn: [release] });
        }

        this.controlPlaneReference = { kubefedNamespace: settings.namespace, scope: settings.scope, resource: this };
        this.namespace = pulumi.output(settings.namespace);
        this.scope = pulumi.output(settings.scope);
        this.chartVersion = release.status.version;
        this.revision = release.status.revision;
        // Helm's wait: the release is "deployed" once every Deployment of the chart has its replicas available.
        const deployed = release.status.status.apply((s) => s === "deployed");
        this.controllerAvailable = pulumi.all([deployed, values]).apply(([d, v]) => d && runsReplicas(v, "controller"));
        this.webhookAvailable = pulumi.all([deployed, values]).apply(([d, v]) => d && runsReplicas(v, "webhook"));
        this.registerOutputs({
            namespace: this.namespace,
            scope: this.scope,
            chartVersion: this.chartVersion,
            revision: this.revision,
            controllerAvailable: this.controllerAvailable,
            webhookAvailable: this.webhookAvailable,
        });
    }
}
