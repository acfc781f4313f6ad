// How the host reaches a member: its API endpoint, CA and serverAddressByClientCIDRs, from the
// member's args and kubeconfig. Runs at preview for plain kubeconfigs and at deploy time for
// kubeconfigs that are outputs, so it checks again what validate.ts could not see.
import { ServerAddressByClientCIDR } from "./args";
import { resolveContext } from "./kubeconfig";
import { base64 } from "./objects";
import { isHTTPURL, isPEMCertificate } from "./validate";

export interface MemberEndpoint {
    apiEndpoint: string;
    /** PEM of the member's CA, when known. */
    caPem?: string;
    serverAddressByClientCIDRs: ServerAddressByClientCIDR[];
}

export interface EndpointInputs {
    kubeconfig: string;
    context?: string;
    apiEndpoint?: string;
    caBundle?: string;
    serverAddressByClientCIDRs?: ServerAddressByClientCIDR[];
}

/** Resolves the defaults of MemberClusterArgs; throws an Error naming the member. */
export function resolveMemberEndpoint(memberName: string, inputs: EndpointInputs): MemberEndpoint {
    const fail = (message: string): never => {
        throw new Error(`member "${memberName}": ${message}`);
    };
    let context;
    try {
        context = resolveContext(inputs.kubeconfig, inputs.context);
    } catch (e) {
        return fail((e as Error).message);
    }
    const apiEndpoint = inputs.apiEndpoint ?? inputs.serverAddressByClientCIDRs?.[0]?.serverAddress ?? context.server;
    if (!isHTTPURL(apiEndpoint)) {
        fail(`apiEndpoint ${JSON.stringify(apiEndpoint)} is not an http(s) URL with a host`);
    }
    if (inputs.caBundle !== undefined && !isPEMCertificate(inputs.caBundle)) {
        fail("caBundle is not a PEM-encoded certificate");
    }
    return {
        apiEndpoint,
        caPem: inputs.caBundle ?? context.caPem,
        serverAddressByClientCIDRs: inputs.serverAddressByClientCIDRs ?? [{ clientCIDR: "0.0.0.0/0", serverAddress: apiEndpoint }],
    };
}

/**
 * Resolves several members' endpoints at once (those whose inputs were only known at deploy
 * time): every member's problem is collected, so that one error can name them all.
 */
export function resolveMemberEndpoints(members: ({ name: string } & EndpointInputs)[]): { endpoints: Map<string, MemberEndpoint>; problems: string[] } {
    const endpoints = new Map<string, MemberEndpoint>();
    const problems: string[] = [];
    for (const { name, ...inputs } of members) {
        try {
            endpoints.set(name, resolveMemberEndpoint(name, inputs));
        } catch (e) {
            problems.push((e as Error).message);
        }
    }
    return { endpoints, problems };
}

/** KubeFedCluster.spec.caBundle is `[]byte`: base64 of the PEM. */
export function caBundleBase64(endpoint: MemberEndpoint): string | undefined {
    return endpoint.caPem === undefined ? undefined : base64(endpoint.caPem);
}
