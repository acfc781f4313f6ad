// Registers what the federation federates, on the host: the types the program enables (a
// federated CRD and its FederatedTypeConfig), per namespace in use the namespace and its
// FederatedNamespace (on every member: its placement never shrinks), per workload its
// ReplicaSchedulingPreference and FederatedDeployment, per resource its `Federated<Kind>`. Each
// federated object depends on the KubeFedClusters it is placed on, and waits until KubeFed has
// processed the object of this very update (its revision annotation, then observedGeneration). A
// member's removal is thus an update of the placements, which waits for KubeFed to delete what it
// propagated there, before the deletion of its KubeFedCluster and credentials.
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { ResourcePropagation } from "../args";
import { federatedCRD, FederatedType, federatedTypeConfig, typeConfigName } from "../federated-types";
import { syncWaitAnnotations } from "../join";
import { LegacyAliases, names } from "../names";
import { waitingForRevision } from "./revision";
import { KubernetesObject } from "../objects";
import { FederatedStatus } from "../propagation";
import { federatedObject, resolveOverrides, resourcePlacement, templateOf } from "../resources";
import { FederationSettings, MemberSpec, ResourceSpec, WorkloadSpec } from "../validate";
import { deploymentTemplate, federatedDeployment, federatedNamespace, placedMembers, replicaSchedulingPreference } from "../workloads";

/** What registration needs of the component: its `register` (logical names, aliases, the deploy-time gate) and itself as parent. */
export interface Registrar {
    parent: pulumi.ComponentResource;
    register(logical: string | { name: string; aliases: pulumi.Input<pulumi.Alias>[] }, object: KubernetesObject<unknown>, opts?: pulumi.CustomResourceOptions): pulumi.CustomResource;
    gated(dependsOn: pulumi.CustomResourceOptions["dependsOn"]): pulumi.Input<pulumi.Input<pulumi.Resource>[]>;
}

export interface FederatedInputs {
    component: string;
    settings: FederationSettings;
    members: MemberSpec[];
    kubeFedClusters: Map<string, pulumi.CustomResource>;
    workloads: WorkloadSpec[];
    resources: ResourceSpec[];
    types: FederatedType[];
    aliases: LegacyAliases;
    /** Before a type of the program's own is enabled: does every member serve it (hooks/type-check.ts)? */
    typeCheck?: pulumi.ResourceHook;
    /** The kubeconfig Secret to depend on, and the hooks of every placement. */
    opts: { dependsOn: pulumi.Resource[]; hooks: pulumi.ResourceHookBinding };
}

export interface Federated {
    /** Every federated object (what a destroy with a member down must come after). */
    objects: pulumi.Resource[];
    /** Per resource and workload key, where KubeFed has propagated it. */
    propagation: pulumi.Output<{ [key: string]: ResourcePropagation }>;
}

/** A federated object that waits, bounded, for KubeFed to process the object of this update (its revision, then observedGeneration). */
const waitingForThisRevision = <V>(object: KubernetesObject<V>, timeoutSeconds: number) => waitingForRevision(object, (r) => syncWaitAnnotations(r, timeoutSeconds));

/** Whether any value in `value` is an output (which may be secret): then the object's spec outputs are kept secret. */
function holdsOutputs(value: unknown): boolean {
    if (pulumi.Output.isInstance(value) || value instanceof Promise) return true;
    if (Array.isArray(value)) return value.some(holdsOutputs);
    return value !== null && typeof value === "object" && Object.values(value).some(holdsOutputs);
}

export function registerFederated(r: Registrar, inputs: FederatedInputs): Federated {
    const { component, settings, members, workloads, resources, aliases, opts } = inputs;
    const objects: pulumi.Resource[] = [];
    const propagation: { key: string; placed: string[]; status: pulumi.Output<FederatedStatus | undefined> }[] = [];
    const kubeFedClustersOf = (placed: { name: string }[]) => placed.map((m) => inputs.kubeFedClusters.get(m.name)!);
    const statusOf = (resource: pulumi.CustomResource) => (resource as unknown as { status: pulumi.Output<FederatedStatus | undefined> }).status;
    const waitSeconds = settings.propagationTimeoutSeconds;

    // Types the program enables: the federated CRD (established before anything uses it), then the FederatedTypeConfig.
    const typeConfigs = new Map<string, pulumi.Resource>();
    for (const type of inputs.types.filter((t) => t.enabledHere)) {
        const logical = names.federatedType(component, typeConfigName(type));
        const crd = r.register(logical, federatedCRD(type));
        const check = inputs.typeCheck ? { hooks: { beforeCreate: [inputs.typeCheck], beforeUpdate: [inputs.typeCheck] } } : {};
        typeConfigs.set(`${type.group}/${type.kind}`, r.register(logical, federatedTypeConfig(type, settings.kubefedNamespace), { dependsOn: [crd, ...kubeFedClustersOf(members)], ...check }));
    }

    // Namespaces: the host's (created when absent) and the FederatedNamespace, on every member.
    const fedNamespaces = new Map<string, pulumi.Resource>();
    const namespaces = [...new Set([...workloads.map((w) => w.namespace), ...resources.flatMap((res) => (res.object.metadata.namespace ? [res.object.metadata.namespace] : []))])].sort();
    for (const namespace of namespaces) {
        const namespaceName = names.namespace(component, namespace);
        const hostNamespace = new k8s.core.v1.NamespacePatch(namespaceName, { metadata: { name: namespace } }, { parent: r.parent, aliases: aliases.hostNamespace(namespace), dependsOn: r.gated([]) });
        const fedNamespace = r.register({ name: namespaceName, aliases: aliases.federatedNamespace(namespace) }, waitingForThisRevision(federatedNamespace(namespace, settings.federationName, settings), waitSeconds), {
            dependsOn: [...opts.dependsOn, hostNamespace, ...kubeFedClustersOf(members)],
            hooks: opts.hooks,
        });
        fedNamespaces.set(namespace, fedNamespace);
        objects.push(fedNamespace);
    }

    for (const workload of workloads) {
        const onMembers = placedMembers(workload, members);
        const logicalName = names.workload(component, workload.namespace, workload.name);
        const dependsOn = [fedNamespaces.get(workload.namespace)!, ...kubeFedClustersOf(onMembers)];
        const preference = r.register({ name: logicalName, aliases: aliases.scheduling(workload.namespace, workload.name) }, replicaSchedulingPreference(workload, onMembers), {
            dependsOn,
            hooks: { beforeUpdate: opts.hooks.beforeUpdate },
        });
        const template = pulumi.output(workload.spec).apply(deploymentTemplate);
        const deployment = r.register(
            { name: logicalName, aliases: aliases.federatedDeployment(workload.namespace, workload.name) },
            waitingForThisRevision(federatedDeployment(workload, onMembers, template, settings), waitSeconds),
            { dependsOn: [...dependsOn, preference], hooks: opts.hooks },
        );
        objects.push(deployment);
        propagation.push({ key: `Deployment/${workload.namespace}/${workload.name}`, placed: onMembers.map((m) => m.name), status: statusOf(deployment) });
    }

    for (const resource of resources) {
        const { object, type } = resource;
        const placed = resourcePlacement(resource, members);
        const overrides = resolveOverrides(placed, resource.overrides ?? []);
        // A Secret's data (and everything else in its template) is secret whatever the program passed.
        const template = type.kind === "Secret" && type.group === "" ? pulumi.secret(templateOf(object)) : pulumi.output(templateOf(object));
        const { name, namespace } = object.metadata;
        const federated = waitingForThisRevision(federatedObject(type, { name, ...(namespace ? { namespace } : {}) }, template, placed, overrides, settings), waitSeconds);
        const secretive = type.kind === "Secret" || holdsOutputs(object) || holdsOutputs(resource.overrides);
        const typeConfig = typeConfigs.get(`${type.group}/${type.kind}`);
        const dependsOn = [...opts.dependsOn, ...(namespace ? [fedNamespaces.get(namespace)!] : []), ...(typeConfig ? [typeConfig] : []), ...kubeFedClustersOf(placed)];
        const registered = r.register(names.resource(component, object), federated, {
            dependsOn,
            hooks: opts.hooks,
            // What the provider reads back holds the template and overrides: as secret as what went in.
            ...(secretive ? { additionalSecretOutputs: ["spec"] } : {}),
        });
        objects.push(registered);
        propagation.push({ key: resource.key, placed: placed.map((m) => m.name), status: statusOf(registered) });
    }

    const report = pulumi.all(propagation.map((p) => pulumi.output(p.status))).apply((statuses) =>
        Object.fromEntries(
            propagation.map((p, i) => {
                const reported = new Map((statuses[i]?.clusters ?? []).map((c) => [c.name, c.status ?? ""]));
                const perMember = Object.fromEntries(
                    p.placed.map((m) => {
                        const status = reported.get(m);
                        // KubeFed lists each placed member, with an empty status once it is up to date there.
                        return [m, status === "" ? { propagated: true } : { propagated: false, reason: status ?? "NotReported" }];
                    }),
                );
                return [p.key, { members: perMember }];
            }),
        ),
    );
    return { objects, propagation: pulumi.unsecret(report) };
}
