// How the host reaches a member: its API endpoint, CA, TLS validations, proxy and
// serverAddressByClientCIDRs, from the member's args and kubeconfig, with `kubefedctl join`'s
// defaults (the kubeconfig's insecure-skip-tls-verify disables every validation, its proxy-url is
// the proxy). Runs at preview for plain kubeconfigs and at deploy time for kubeconfigs that are
// outputs, so it checks again what validate.ts could not see.
import { ServerAddressByClientCIDR } from "./args";
import { inspectMemberKubeconfig } from "./kubeconfig";
import { base64 } from "./objects";
import { echo, truncate } from "./redact";
import { addressProblems, caBundleProblem, proxyURLProblem, serverURLProblem } from "./validate";

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

/** Thrown by resolveMemberEndpoint: `problems` holds one line per problem, each naming the member. */
export class MemberEndpointError extends Error {
    constructor(readonly problems: string[]) {
        super(truncate(problems.join("; "), 2000));
        this.name = "MemberEndpointError";
    }
}

/**
 * The endpoint of one member, or every problem of its inputs, each line naming the member. The
 * rules are validate.ts's for the same inputs (Go's URL, CIDR, base64 and PEM rules, client-go's
 * kubeconfig rules, no credential in a message): a kubeconfig, apiEndpoint or caBundle known only
 * at deploy time is held to them then.
 */
export function memberEndpoint(memberName: string, inputs: EndpointInputs): { endpoint?: MemberEndpoint; problems: string[] } {
    const problems: string[] = [];
    const add = (problem: string) => problems.push(`member ${echo(memberName)}: ${problem}`);
    const { endpoint: context, problems: kubeconfigProblems } = inspectMemberKubeconfig(inputs.kubeconfig, inputs.context);
    kubeconfigProblems.forEach(add);
    if (inputs.apiEndpoint !== undefined) {
        const problem = serverURLProblem(inputs.apiEndpoint);
        if (problem) {
            add(`apiEndpoint ${problem}`);
        }
    }
    (inputs.serverAddressByClientCIDRs ?? []).forEach((entry, i) => addressProblems(entry, i).forEach(add));
    if (inputs.caBundle !== undefined) {
        const problem = caBundleProblem(inputs.caBundle);
        if (problem) {
            add(`caBundle ${problem}`);
        }
    }
    if (inputs.proxyURL !== undefined) {
        const problem = proxyURLProblem(inputs.proxyURL);
        if (problem) {
            add(`proxyURL ${problem}`);
        }
    }
    if (!context || problems.length > 0) {
        return { problems };
    }
    const apiEndpoint = inputs.apiEndpoint ?? inputs.serverAddressByClientCIDRs?.[0]?.serverAddress ?? context.server;
    const proxyURL = inputs.proxyURL ?? context.proxyURL;
    const endpoint: MemberEndpoint = {
        apiEndpoint,
        caPem: inputs.caBundle ?? context.caPem,
        serverAddressByClientCIDRs: inputs.serverAddressByClientCIDRs ?? [{ clientCIDR: "0.0.0.0/0", serverAddress: apiEndpoint }],
        disabledTLSValidations: inputs.disabledTLSValidations?.length ? inputs.disabledTLSValidations : context.insecureSkipTLSVerify ? ["*"] : [],
    };
    if (proxyURL !== undefined) {
        endpoint.proxyURL = proxyURL;
    }
    return { endpoint, problems };
}

/** Resolves the defaults of MemberClusterArgs; throws a MemberEndpointError naming the member and every problem. */
export function resolveMemberEndpoint(memberName: string, inputs: EndpointInputs): MemberEndpoint {
    const { endpoint, problems } = memberEndpoint(memberName, inputs);
    if (!endpoint) {
        throw new MemberEndpointError(problems);
    }
    return endpoint;
}

/**
 * Resolves several members' endpoints at once (those whose inputs were only known at deploy
 * time): every problem of every member is collected, one line each, so that one error can name
 * them all.
 */
export function resolveMemberEndpoints(members: ({ name: string } & EndpointInputs)[]): { endpoints: Map<string, MemberEndpoint>; problems: string[] } {
    const endpoints = new Map<string, MemberEndpoint>();
    const problems: string[] = [];
    for (const { name, ...inputs } of members) {
        const resolved = memberEndpoint(name, inputs);
        if (resolved.endpoint) {
            endpoints.set(name, resolved.endpoint);
        }
        problems.push(...resolved.problems);
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
