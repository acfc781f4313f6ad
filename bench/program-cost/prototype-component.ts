// A PROTOTYPE of the fix that docs/performance.md proposes for src/component.ts, for the ablation
// experiment `component-plain-endpoints` only (src/ is not changed by bench/). It is
// KubefedFederation with one difference: when a member's kubeconfig, apiEndpoint and caBundle
// are plain strings (the common case, already checked by validateFederationArgs), the member's
// endpoint is computed once, synchronously, as a plain value — not as a chain of Outputs — and so
// are everything derived from it (the KubeFedCluster's apiEndpoint and caBundle, the federation
// document, the `clusters` descriptions when waitForReady is off). The Output path stays for
// inputs that are Outputs (here: not implemented, the prototype throws).
//
// program-cost.ts --ablation checks that it registers exactly what the component registers
// (types, names, inputs, secrets, providers, dependencies, options) before timing it.
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { ClusterDescription, KubefedFederationArgs } from "../../src/args";
import { KUBEFED_FEDERATION_TYPE } from "../../src/component";
import { describeMember } from "../../src/describe";
import { caBundleBase64, MemberEndpoint, resolveMemberEndpoint } from "../../src/endpoint";
import { federationConfigMap, kubeconfigSecret, kubeconfigSecretData, renderFederationDocument } from "../../src/federation";
import { hostJoinObjects, memberAccess, memberJoinObjects, TOKEN_KEY } from "../../src/join";
import { MemberAccess } from "../../src/kubeconfig";
import { KubernetesObject } from "../../src/objects";
import { FederationSettings, MemberSpec, validateFederationArgs } from "../../src/validate";

type ResourceClass = new (name: string, args: any, opts?: pulumi.CustomResourceOptions) => pulumi.CustomResource;
const RESOURCE_CLASSES: { [apiVersionKind: string]: ResourceClass } = {
    "v1/ConfigMap": k8s.core.v1.ConfigMap,
    "v1/Secret": k8s.core.v1.Secret,
    "v1/ServiceAccount": k8s.core.v1.ServiceAccount,
    "rbac.authorization.k8s.io/v1/ClusterRole": k8s.rbac.v1.ClusterRole,
    "rbac.authorization.k8s.io/v1/ClusterRoleBinding": k8s.rbac.v1.ClusterRoleBinding,
    "rbac.authorization.k8s.io/v1/Role": k8s.rbac.v1.Role,
    "rbac.authorization.k8s.io/v1/RoleBinding": k8s.rbac.v1.RoleBinding,
};
const kebab = (kind: string) => kind.replace(/([a-z])([A-Z])/g, "$1-$2").toLowerCase();

interface JoinedMember {
    spec: MemberSpec;
    endpoint: MemberEndpoint;
    access: pulumi.Output<MemberAccess>;
}

export class PrototypeFederation extends pulumi.ComponentResource {
    public readonly clusterNames: pulumi.Output<string[]>;
    public readonly clusters: pulumi.Output<{ [name: string]: ClusterDescription }>;

    constructor(name: string, args: KubefedFederationArgs, opts?: pulumi.ComponentResourceOptions) {
        const { settings, members } = validateFederationArgs(name, args);
        super(KUBEFED_FEDERATION_TYPE, name, {}, opts);
        if (settings.waitForReady) {
            throw new Error("prototype: waitForReady keeps the component's per-member status Outputs; not implemented here");
        }
        const joined = members.map((member) => this.joinMember(name, member, settings));

        // Plain: every endpoint is known now.
        const document = renderFederationDocument(
            settings.federationName,
            joined.map(({ spec, endpoint }) => ({ name: spec.name, labels: spec.labels, replicas: spec.replicas, serverAddressByClientCIDRs: endpoint.serverAddressByClientCIDRs })),
        );
        this.register(`${name}-config`, federationConfigMap(settings, document));
        const kubeconfigs = pulumi.secret(pulumi.all(joined.map((j) => j.access)).apply(kubeconfigSecretData));
        this.register(`${name}-kubeconfig`, kubeconfigSecret(settings, kubeconfigs), { additionalSecretOutputs: ["data", "stringData"] });

        this.clusterNames = pulumi.output(members.map((m) => m.name));
        // Without waitForReady the descriptions need no status: one plain value, one Output.
        this.clusters = pulumi.output(Object.fromEntries(joined.map((j) => [j.spec.name, describeMember(j.spec, settings, j.endpoint, undefined)])));
        this.registerOutputs({ clusterNames: this.clusterNames, clusters: this.clusters });
    }

    private joinMember(name: string, member: MemberSpec, settings: FederationSettings): JoinedMember {
        const prefix = `${name}-${member.name}`;
        const { kubeconfig, apiEndpoint, caBundle } = member;
        if (typeof kubeconfig !== "string" || (apiEndpoint !== undefined && typeof apiEndpoint !== "string") || (caBundle !== undefined && typeof caBundle !== "string")) {
            throw new Error("prototype: Output kubeconfig/apiEndpoint/caBundle keep the component's Output path; not implemented here");
        }
        const provider = new k8s.Provider(
            prefix,
            { kubeconfig: pulumi.secret(kubeconfig), context: member.context, clusterIdentifier: `kubefed-member-${member.name}` },
            { parent: this },
        );
        // Plain, once: validateFederationArgs has already checked this kubeconfig.
        const endpoint = resolveMemberEndpoint(member.name, {
            kubeconfig,
            context: member.context,
            apiEndpoint,
            caBundle,
            serverAddressByClientCIDRs: member.serverAddressByClientCIDRs,
        });

        const inMember = memberJoinObjects(member, settings);
        const namespace = new k8s.core.v1.NamespacePatch(`${prefix}-namespace`, { metadata: inMember.namespace.metadata }, { parent: this, provider });
        const memberOpts = { provider, dependsOn: [namespace] };
        const serviceAccount = this.register(`${prefix}-service-account`, inMember.serviceAccount, memberOpts);
        const tokenSecret = this.register(`${prefix}-token`, inMember.tokenSecret, {
            ...memberOpts,
            dependsOn: [serviceAccount],
            additionalSecretOutputs: ["data", "stringData"],
        });
        const rbac = inMember.rbac.map((object) => this.register(`${prefix}-${kebab(object.kind)}`, object, { ...memberOpts, dependsOn: [serviceAccount] }));

        const tokenBase64 = pulumi.secret(
            (tokenSecret as k8s.core.v1.Secret).data.apply((data) => {
                const token = data?.[TOKEN_KEY];
                if (!token) {
                    throw new Error(`member "${member.name}": the service-account token Secret has no token`);
                }
                return token;
            }),
        );
        const onHost = hostJoinObjects<pulumi.Input<string>>(member, settings, {
            tokenBase64,
            apiEndpoint: endpoint.apiEndpoint,
            caBundleBase64: caBundleBase64(endpoint),
            waitForReady: settings.waitForReady,
        });
        const hostTokenSecret = this.register(`${prefix}-host-token`, onHost.tokenSecret, { additionalSecretOutputs: ["data", "stringData"] });
        this.register(`${prefix}-kubefedcluster`, { ...onHost.kubeFedCluster, status: undefined }, { dependsOn: [hostTokenSecret, ...rbac] });

        return { spec: member, endpoint, access: tokenBase64.apply((token) => memberAccess(member, settings, endpoint, token)) };
    }

    private register(logicalName: string, object: KubernetesObject<unknown>, opts: pulumi.CustomResourceOptions = {}): pulumi.CustomResource {
        const resourceClass = RESOURCE_CLASSES[`${object.apiVersion}/${object.kind}`] ?? k8s.apiextensions.CustomResource;
        return new resourceClass(logicalName, object, { ...opts, parent: this, deleteBeforeReplace: true });
    }
}
