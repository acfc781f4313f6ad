// How the host reaches a member: its API endpoint, CA, TLS validations, proxy and
// serverAddressByClientCIDRs, from the member's args and kubeconfig, with `kubefedctl join`'s
// defaults (the kubeconfig's insecure-skip-tls-verify disables every validation, its proxy-url is
// the proxy). Runs at preview for plain kubeconfigs and at deploy time for kubeconfigs that are
// outputs, so it checks again what validate.ts could not see.
import { ServerAddressByClientCIDR } from "./args";
import { resolveContext } from "./kubeconfig";
import { base64 } from "./objects";
import { isHTTPURL, isPEMCertificate, proxyURLProblem } from "./validate";

export interface MemberEndpoint {
    apiEndpoint: string;
    /** PEM of the member's CA, when given or inline in the kubeconfig (else the token Secret's ca.crt, at deploy time). */
    caPem?: string;
    serverAddressByClientCIDRs: ServerAddressByClientCIDR[];
    /** The member's, else ["*"] when the kubeconfig skips TLS verification, else none. */
    disabledTLSValidations: string[];
    /** The member's, else the kubeconfig's proxy-url. */
    proxyURL?: string;
}

export interface EndpointInputs {
    kubeconfig: string;
    context?: string;
    apiEndpoint?: string;
    caBundle?: string;
    serverAddressByClientCIDRs?: ServerAddressByClientCIDR[];
    /** The member's own; default none. */
    disabledTLSValidations?: string[];
    proxyURL?: string;
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
    const proxyURL = inputs.proxyURL ?? context.proxyURL;
    const proxyProblem = inputs.proxyURL === undefined && proxyURL !== undefined ? proxyURLProblem(proxyURL) : undefined;
    if (proxyProblem) {
        fail(`kubeconfig context "${context.context}" has proxy-url ${proxyProblem}`);
    }
    const endpoint: MemberEndpoint = {
        apiEndpoint,
        caPem: inputs.caBundle ?? context.caPem,
        serverAddressByClientCIDRs: inputs.serverAddressByClientCIDRs ?? [{ clientCIDR: "0.0.0.0/0", serverAddress: apiEndpoint }],
        disabledTLSValidations: inputs.disabledTLSValidations?.length ? inputs.disabledTLSValidations : context.insecureSkipTLSVerify ? ["*"] : [],
    };
    if (proxyURL !== undefined) {
        endpoint.proxyURL = proxyURL;
    }
    return endpoint;
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

/**
 * KubeFedCluster.spec.caBundle is `[]byte`: base64 of the PEM. As `kubefedctl join`: the CA the
 * member's args or kubeconfig give, else the one in the member's token Secret (`ca.crt`, base64
 * already, as Secret data is); none when every TLS validation is off.
 */
export function caBundleBase64(endpoint: MemberEndpoint, tokenSecretCaBase64: string | undefined): string | undefined {
    if (endpoint.disabledTLSValidations.includes("*")) {
        return undefined;
    }
    return endpoint.caPem === undefined ? tokenSecretCaBase64 || undefined : base64(endpoint.caPem);
}
