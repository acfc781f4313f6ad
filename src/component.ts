// The Pulumi layer: registers the objects of the pure layer as resources. Every decision about
// what the objects contain lives in federation.ts, join.ts and rbac.ts.
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { ClusterDescription, KubefedFederationArgs, ResourcePropagation } from "./args";
import { registerFederated, Registrar } from "./registration/federated";
import { waitingForRevision } from "./registration/revision";
import { describeMember, isReady, KubeFedClusterStatus } from "./describe";
import { caBundleBase64, EndpointInputs, MemberEndpoint, resolveMemberEndpoint, resolveMemberEndpoints } from "./endpoint";
import { federationConfigMap, kubeconfigSecret, kubeconfigSecretData, renderFederationDocument } from "./federation";
import { hostJoinObjects, memberAccess, memberJoinObjects, readyWaitAnnotations, TOKEN_KEY } from "./join";
import { hostKubeApi, KubeApi } from "./kubeapi";
import { departureReport } from "./hooks/departure-report";
import { hostHooks } from "./hooks/host-hooks";
import { hookLog, valueOf } from "./hooks/log";
import { orphaningHooks } from "./hooks/orphaning";
import { propagationReport } from "./hooks/propagation-report";
import { typeCheckHook } from "./hooks/type-check";
import { LegacyAliases, MemberPart, names } from "./names";
import { hostKubeconfigProblems, MemberAccess } from "./kubeconfig";
import { KubernetesObject } from "./objects";
import { memberRBAC } from "./rbac";
import { UnreachableMemberRelease } from "./teardown-resource";
import { FederationSettings, KubefedValidationError, MemberSpec, validateFederationArgs } from "./validate";

export const KUBEFED_FEDERATION_TYPE = "kubefed:index:KubefedFederation";

type ResourceClass = new (name: string, args: any, opts?: pulumi.CustomResourceOptions) => pulumi.CustomResource;

// The typed pulumi-kubernetes class of each kind the pure layer produces; anything else
// (KubeFedCluster) is a CustomResource.
const RESOURCE_CLASSES: { [apiVersionKind: string]: ResourceClass } = {
    "apiextensions.k8s.io/v1/CustomResourceDefinition": k8s.apiextensions.v1.CustomResourceDefinition,
    "v1/ConfigMap": k8s.core.v1.ConfigMap,
    "v1/Secret": k8s.core.v1.Secret,
    "v1/ServiceAccount": k8s.core.v1.ServiceAccount,
    "rbac.authorization.k8s.io/v1/ClusterRole": k8s.rbac.v1.ClusterRole,
    "rbac.authorization.k8s.io/v1/ClusterRoleBinding": k8s.rbac.v1.ClusterRoleBinding,
    "rbac.authorization.k8s.io/v1/Role": k8s.rbac.v1.Role,
    "rbac.authorization.k8s.io/v1/RoleBinding": k8s.rbac.v1.RoleBinding,
};

/** `ClusterRoleBinding` → `cluster-role-binding`, the part of a logical name that says which RBAC object it is. */
function kebab(kind: string): MemberPart {
    return kind.replace(/([a-z])([A-Z])/g, "$1-$2").toLowerCase() as MemberPart;
}

/** The parts of every member's logical names: its join objects, whose RBAC depends on the scope. */
function memberParts(settings: FederationSettings): MemberPart[] {
    const rbac = memberRBAC(settings.scope, { serviceAccount: "", namespace: settings.kubefedNamespace }).map((o) => kebab(o.kind));
    return ["namespace", "service-account", "token", ...rbac, "host-token", "kubefedcluster"];
}

/** A value known now (from plain inputs), or only at deploy time. */
type Known<T> = T | pulumi.Output<T>;

/** `f` of a value known now, now; of an output, as an output. Plain values spare the SDK's promises. */
function mapKnown<T, U>(value: Known<T>, f: (t: T) => U): Known<U> {
    return pulumi.Output.isInstance(value) ? value.apply(f) : f(value as T);
}

/** Whether a member's endpoint can be resolved now: its kubeconfig, apiEndpoint and caBundle are plain strings. */
function endpointInputsArePlain(member: MemberSpec): boolean {
    const plain = (value: unknown) => value === undefined || typeof value === "string";
    return typeof member.kubeconfig === "string" && plain(member.apiEndpoint) && plain(member.caBundle);
}

function endpointInputs(member: MemberSpec, kubeconfig: string, apiEndpoint: string | undefined, caBundle: string | undefined): EndpointInputs {
    return {
        kubeconfig,
        context: member.context,
        apiEndpoint,
        caBundle,
        serverAddressByClientCIDRs: member.serverAddressByClientCIDRs,
        disabledTLSValidations: member.disabledTLSValidations,
        proxyURL: member.proxyURL,
    };
}

/** The host's API, as `hostKubeconfig` reaches it, made on first use (by a hook). */
function hostApi(hostKubeconfig: pulumi.Input<string>): () => Promise<KubeApi> {
    const kubeconfig = pulumi.secret(hostKubeconfig);
    let api: Promise<KubeApi> | undefined;
    return () => (api ??= valueOf(kubeconfig).then((text) => hostKubeApi(text!)));
}

/** One joined member, as the federation-wide objects need it. */
interface JoinedMember {
    spec: MemberSpec;
    /** Plain when the member's kubeconfig, apiEndpoint and caBundle are plain strings. */
    endpoint: Known<MemberEndpoint>;
    access: pulumi.Output<MemberAccess>;
    kubeFedCluster: k8s.apiextensions.CustomResource;
}

/**
 * A KubeFed federation: the host's federation ConfigMap and kubeconfig Secret, and per member
 * cluster the objects `kubefedctl join` creates. The host is reached through the resource
 * options' `provider`/`providers`; each member through a provider built from its kubeconfig.
 */
export class KubefedFederation extends pulumi.ComponentResource {
    /** The members' names, sorted: `kubefed list`. */
    public readonly clusterNames: pulumi.Output<string[]>;
    /** Per member, what `kubefed describe` shows. Contains no credentials. */
    public readonly clusters: pulumi.Output<{ [name: string]: ClusterDescription }>;
    /**
     * Per federated resource and workload (`<kind>/<namespace>/<name>`, `<kind>/<name>` when
     * cluster-scoped), per placed member: whether KubeFed has propagated it there, and when not,
     * KubeFed's reason (e.g. ClusterNotReady), as of the end of the update that last changed it.
     */
    public readonly propagation: pulumi.Output<{ [key: string]: ResourcePropagation }>;
    /** Resolves once the deploy-time checks pass (see deployTimeChecks). */
    private readonly gate: pulumi.Output<true>;
    /** What every child is created after and deleted before (see gated). */
    private readonly controlPlane?: pulumi.Resource;

    constructor(name: string, args: KubefedFederationArgs, opts?: pulumi.ComponentResourceOptions) {
        // Before anything is registered: one error that lists every problem.
        const { settings, members, workloads, resources, types, controlPlane } = validateFederationArgs(name, args);
        // No args here: component inputs are stored in state, and these hold credentials.
        super(KUBEFED_FEDERATION_TYPE, name, {}, opts);

        const aliases = new LegacyAliases(name, { members: members.map((m) => m.name), memberParts: memberParts(settings), workloads });
        const { endpoints: deployTimeEndpoints, gate } = this.deployTimeChecks(name, members, args.hostKubeconfig);
        this.gate = gate;
        this.controlPlane = controlPlane;
        const log = hookLog(this);
        const host = args.hostKubeconfig === undefined ? undefined : hostApi(args.hostKubeconfig);
        const hostHookBinding = host && hostHooks(name, host, settings, log);
        const joined = members.map((member) => this.joinMember(name, member, settings, aliases, deployTimeEndpoints, hostHookBinding));

        const render = (endpoints: MemberEndpoint[]) =>
            renderFederationDocument(
                settings.federationName,
                joined.map(({ spec }, i) => ({
                    name: spec.name,
                    labels: spec.labels,
                    replicas: spec.replicas,
                    serverAddressByClientCIDRs: endpoints[i].serverAddressByClientCIDRs,
                })),
            );
        const endpoints = joined.map((j) => j.endpoint);
        const document = endpoints.some((e) => pulumi.Output.isInstance(e)) ? pulumi.all(endpoints).apply(render) : render(endpoints as MemberEndpoint[]);
        this.register(names.config(name), federationConfigMap(settings, document));

        const memberNames = members.map((m) => m.name);
        const orphaning = settings.orphanWorkloadsOnUnjoin ? orphaningHooks(name, memberNames, settings, types, host, log) : undefined;
        const kubeconfigs = pulumi.secret(pulumi.all(joined.map((j) => j.access)).apply(kubeconfigSecretData));
        const kubeconfigSecretResource = this.register(names.kubeconfig(name), kubeconfigSecret(settings, kubeconfigs), {
            additionalSecretOutputs: ["data", "stringData"],
            // Its update is where the federation learns who leaves: from the entries it loses.
            hooks: { beforeUpdate: [...(orphaning ? [orphaning.release] : []), departureReport(name, memberNames, settings, log)] },
        });

        const report = propagationReport(name, log);
        const federated = registerFederated(this.registrar(), {
            component: name,
            settings,
            members,
            kubeFedClusters: new Map(joined.map((j) => [j.spec.name, j.kubeFedCluster])),
            workloads,
            resources,
            types,
            aliases,
            // After the Secret: with orphanWorkloadsOnUnjoin, its update releases departing members before any placement changes.
            typeCheck: types.some((t) => t.enabledHere)
                ? typeCheckHook(name, types.filter((t) => t.enabledHere), pulumi.secret(pulumi.all(joined.map((j) => j.access))), joined.map((j) => j.spec.name), log)
                : undefined,
            opts: { dependsOn: [kubeconfigSecretResource], hooks: { beforeUpdate: orphaning ? [orphaning.guard] : [], afterCreate: [report], afterUpdate: [report] } },
        });
        if (args.hostKubeconfig !== undefined) {
            // Depends on every federated object and KubeFedCluster: destroy deletes it first (teardown.ts).
            new UnreachableMemberRelease(names.unreachableMemberRelease(name), { hostKubeconfig: args.hostKubeconfig, settings }, {
                parent: this,
                dependsOn: this.gated([...federated.objects, ...joined.map((j) => j.kubeFedCluster)]),
            });
        }

        this.clusterNames = pulumi.output(members.map((m) => m.name));
        this.clusters = pulumi
            .all(
                joined.map((j) => {
                    // Without waitForReady the status at creation says nothing: don't wait for it.
                    const status = (j.kubeFedCluster as unknown as { status: pulumi.Output<KubeFedClusterStatus | undefined> }).status;
                    if (!settings.waitForReady) {
                        return mapKnown(j.endpoint, (endpoint) => describeMember(j.spec, settings, endpoint, undefined));
                    }
                    return pulumi.all([j.endpoint, status]).apply(([endpoint, st]) => describeMember(j.spec, settings, endpoint, isReady(st)));
                }),
            )
            .apply((descriptions) => Object.fromEntries(descriptions.map((d) => [d.name, d])));
        this.propagation = federated.propagation;
        this.registerOutputs({ clusterNames: this.clusterNames, clusters: this.clusters, propagation: this.propagation });
    }

    /** Registers one member's join: its objects in the member, then its objects on the host. */
    private joinMember(
        name: string,
        member: MemberSpec,
        settings: FederationSettings,
        aliases: LegacyAliases,
        deployTimeEndpoints: pulumi.Output<Map<string, MemberEndpoint>>,
        hostHooks: pulumi.ResourceHookBinding | undefined,
    ): JoinedMember {
        const logical = (part: MemberPart) => ({ name: names.member(name, member.name, part), aliases: aliases.member(member.name, part) });
        // The program's own provider for the member, or one of the component's.
        const provider = member.provider ?? this.memberProvider(name, member);
        const endpoint: Known<MemberEndpoint> = endpointInputsArePlain(member)
            ? resolveMemberEndpoint(member.name, endpointInputs(member, member.kubeconfig as string, member.apiEndpoint as string | undefined, member.caBundle as string | undefined))
            : // The endpoint, CA and addresses are not credentials, even when read from a secret kubeconfig.
              deployTimeEndpoints.apply((endpoints) => endpoints.get(member.name)!);

        const inMember = memberJoinObjects(member, settings);
        // NamespacePatch (server-side apply) creates the namespace when absent and leaves it, and any
        // other owner's fields, alone when present: a host that joins itself keeps its KubeFed namespace.
        const namespaceName = logical("namespace");
        const namespace = new k8s.core.v1.NamespacePatch(namespaceName.name, { metadata: inMember.namespace.metadata }, { parent: this, provider, aliases: namespaceName.aliases, dependsOn: this.gated([]) });
        const memberOpts = { provider, dependsOn: [namespace] };
        const serviceAccount = this.register(logical("service-account"), inMember.serviceAccount, memberOpts);
        const tokenSecret = this.register(logical("token"), inMember.tokenSecret, {
            ...memberOpts,
            dependsOn: [serviceAccount],
            additionalSecretOutputs: ["data", "stringData"],
            // A rotation renames it: the new token is made and handed to KubeFed before the old Secret
            // (and with it the old token) is deleted, at the end of the update.
            deleteBeforeReplace: false,
        });
        const rbac = inMember.rbac.map((object) => this.register(logical(kebab(object.kind)), object, { ...memberOpts, dependsOn: [serviceAccount] }));

        const tokenBase64 = pulumi.secret(
            (tokenSecret as k8s.core.v1.Secret).data.apply((data) => {
                const token = data?.[TOKEN_KEY];
                if (!token) {
                    throw new Error(`member "${member.name}": the service-account token Secret has no token`);
                }
                return token;
            }),
        );
        // The CA, as kubefedctl: the args' or kubeconfig's, else the token Secret's ca.crt (no credential: not secret).
        const tokenSecretData = (tokenSecret as k8s.core.v1.Secret).data;
        const caOf = (e: MemberEndpoint): Known<string | undefined> =>
            e.caPem !== undefined || e.disabledTLSValidations.includes("*") ? caBundleBase64(e, undefined) : pulumi.unsecret(tokenSecretData.apply((data) => caBundleBase64(e, data?.["ca.crt"])));
        const caBundle: Known<string | undefined> = pulumi.Output.isInstance(endpoint) ? (endpoint.apply(caOf) as pulumi.Output<string | undefined>) : caOf(endpoint);
        const onHost = hostJoinObjects<pulumi.Input<string | undefined>, pulumi.Input<string[] | undefined>>(member, settings, {
            tokenBase64,
            apiEndpoint: mapKnown(endpoint, (e) => e.apiEndpoint),
            caBundleBase64: caBundle,
            disabledTLSValidations: mapKnown(endpoint, (e) => (e.disabledTLSValidations.length > 0 ? e.disabledTLSValidations : undefined)),
            proxyURL: mapKnown(endpoint, (e) => e.proxyURL),
        });
        // With waitForReady, it waits for the object of this revision to be Ready (see REVISION_ANNOTATION);
        // what the revision hashes holds no credential (the endpoint is unsecret, the token is by reference).
        const kubeFedClusterObject = settings.waitForReady
            ? waitingForRevision(onHost.kubeFedCluster, (r) => readyWaitAnnotations(r, settings.readyTimeoutSeconds), { unsecret: true })
            : { ...onHost.kubeFedCluster, status: undefined };
        const hostTokenSecret = this.register(logical("host-token"), onHost.tokenSecret, { additionalSecretOutputs: ["data", "stringData"] });
        // The controller reads the token through secretRef and needs the member's RBAC to be Ready.
        const kubeFedCluster = this.register(logical("kubefedcluster"), kubeFedClusterObject, { dependsOn: [hostTokenSecret, ...rbac], hooks: hostHooks });

        return {
            spec: member,
            endpoint,
            access: pulumi.all([endpoint, tokenBase64, caBundle]).apply(([e, token, ca]) => memberAccess(member, settings, e, token, ca)),
            kubeFedCluster: kubeFedCluster as k8s.apiextensions.CustomResource,
        };
    }

    /** The component's provider for a member, built from its kubeconfig. */
    private memberProvider(name: string, member: MemberSpec): k8s.Provider {
        return new k8s.Provider(
            names.memberProvider(name, member.name),
            {
                kubeconfig: pulumi.secret(member.kubeconfig),
                context: member.context,
                // No clusterIdentifier: pulumi-kubernetes then replaces the provider, and so the member's
                // join, exactly when the kubeconfig's active cluster (server, CA) changes. A member moved to
                // another cluster joins there and leaves the old one; rotated credentials change nothing.
                // (0.1.0 set a fixed identifier; pulumi-kubernetes does not replace when one is removed.)
                // A member that cannot be reached when it leaves is forgotten instead of blocking the
                // update; the departure report names what stays in it (departure.ts).
                deleteUnreachable: true,
            },
            { parent: this },
        );
    }

    /**
     * What only deploy time can check, checked together: the endpoints of the members whose
     * kubeconfig, apiEndpoint or caBundle is an output, and a `hostKubeconfig` that is one. One
     * error names every problem. It is a RunError whose message cannot be changed: every resource
     * that depends on it fails with this one error object, which the SDK reports once, as it is
     * (it would otherwise prefix `error serializing property ...` once per property it passed
     * through). `gate` resolves once all is well: every child waits for it (`register`), so
     * nothing is created before the error.
     */
    private deployTimeChecks(name: string, members: MemberSpec[], hostKubeconfig: pulumi.Input<string> | undefined): { endpoints: pulumi.Output<Map<string, MemberEndpoint>>; gate: pulumi.Output<true> } {
        const deployTime = members.filter((m) => !endpointInputsArePlain(m));
        const values = deployTime.map((m) => pulumi.all([pulumi.secret(m.kubeconfig), m.apiEndpoint, m.caBundle]));
        // A plain hostKubeconfig was checked with the rest of the args.
        const host = typeof hostKubeconfig === "string" || hostKubeconfig === undefined ? undefined : pulumi.secret(hostKubeconfig);
        const checked = pulumi.all([pulumi.all(values), host]).apply(([resolved, hostText]) => {
            const { endpoints, problems } = resolveMemberEndpoints(resolved.map(([k, a, c], i) => ({ name: deployTime[i].name, ...endpointInputs(deployTime[i], k, a, c) })));
            if (hostText !== undefined) {
                problems.push(...hostKubeconfigProblems(hostText).map((p) => `hostKubeconfig: ${p}`));
            }
            if (problems.length > 0) {
                const error = new KubefedValidationError(name, problems);
                const message = error.message;
                Object.defineProperty(error, "message", { get: () => message, set: () => undefined });
                throw Object.assign(error, { __pulumiRunError: true });
            }
            return endpoints;
        });
        // Neither is a credential, even when read from a secret kubeconfig.
        return { endpoints: pulumi.unsecret(checked), gate: pulumi.unsecret(checked.apply(() => true as const)) };
    }

    /**
     * Registers a plain object as a child resource, under its logical name (a string, or a name
     * with the aliases of its earlier names; see names.ts); fixed names mean delete before replace.
     */
    private register(logical: string | { name: string; aliases: pulumi.Input<pulumi.Alias>[] }, object: KubernetesObject<unknown>, opts: pulumi.CustomResourceOptions = {}): pulumi.CustomResource {
        const { name, aliases } = typeof logical === "string" ? { name: logical, aliases: [] } : logical;
        const resourceClass = RESOURCE_CLASSES[`${object.apiVersion}/${object.kind}`] ?? k8s.apiextensions.CustomResource;
        return new resourceClass(name, object, { deleteBeforeReplace: true, ...opts, dependsOn: this.gated(opts.dependsOn), parent: this, ...(aliases.length > 0 ? { aliases } : {}) });
    }

    /** What registration modules need of the component (registration/). */
    private registrar(): Registrar {
        return { parent: this, register: (logical, object, opts) => this.register(logical, object, opts), gated: (dependsOn) => this.gated(dependsOn) };
    }

    /**
     * `dependsOn` once the deploy-time checks have passed: a child registered with it is not created
     * when they fail. With a control plane, every child also depends on it: created once KubeFed
     * runs, deleted while it still runs (its finalizers are processed) and before it is.
     */
    private gated(dependsOn: pulumi.CustomResourceOptions["dependsOn"]): pulumi.Input<pulumi.Input<pulumi.Resource>[]> {
        const controlPlane = this.controlPlane;
        const withControlPlane = (d: unknown) => (controlPlane ? [...(Array.isArray(d) ? d : [d]), controlPlane] : d);
        return this.gate.apply(() => (pulumi.Output.isInstance(dependsOn) ? (dependsOn as pulumi.Output<unknown>).apply(withControlPlane) : withControlPlane(dependsOn ?? []))) as pulumi.Input<pulumi.Input<pulumi.Resource>[]>;
    }
}
