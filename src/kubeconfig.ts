// Reading the kubeconfigs the program is given, and writing the ones the host's KubeFed uses.
// Pure: no Pulumi, no I/O.
import Ajv from "ajv";
import * as yaml from "js-yaml";

/** What the federation needs to know of one kubeconfig context. */
export interface ContextEndpoint {
    context: string;
    /** The API server URL of the context's cluster. */
    server: string;
    /** PEM of the cluster's CA, from certificate-authority-data, when inline. */
    caPem?: string;
    /** The cluster's insecure-skip-tls-verify. */
    insecureSkipTLSVerify: boolean;
    /** The cluster's proxy-url. */
    proxyURL?: string;
}

// The part of the kubeconfig format (clientcmd v1 Config) this package reads.
const namedEntries = (key: string, entry: object) => ({
    type: "array",
    items: { type: "object", required: ["name", key], properties: { name: { type: "string" }, [key]: entry } },
});
const kubeconfigSchema = {
    type: "object",
    required: ["clusters", "contexts"],
    properties: {
        "current-context": { type: "string" },
        clusters: namedEntries("cluster", {
            type: "object",
            required: ["server"],
            properties: { server: { type: "string" }, "certificate-authority-data": { type: "string" } },
        }),
        contexts: namedEntries("context", {
            type: "object",
            required: ["cluster"],
            properties: { cluster: { type: "string" }, user: { type: "string" } },
        }),
    },
};
const validateShape = new Ajv({ allErrors: true, strict: false }).compile(kubeconfigSchema);

interface Kubeconfig {
    "current-context"?: string;
    clusters: {
        name: string;
        cluster: { server: string; "certificate-authority-data"?: string; "insecure-skip-tls-verify"?: boolean; "proxy-url"?: string; extensions?: { name: string; extension?: { validations?: string[] } }[] };
    }[];
    contexts: { name: string; context: { cluster: string; user?: string } }[];
    users?: { name: string; user?: { token?: string; "client-certificate-data"?: string; "client-key-data"?: string } }[];
}

/** A context of a kubeconfig, found: its name, its entry and its cluster's entry, with the whole kubeconfig. */
interface FoundContext {
    config: Kubeconfig;
    name: string;
    context: Kubeconfig["contexts"][number]["context"];
    cluster: Kubeconfig["clusters"][number]["cluster"];
}

/** Parses a kubeconfig and finds `context` (default: the current-context) and its cluster; throws what is wrong. */
function findContext(kubeconfigText: string, context?: string): FoundContext {
    let doc: unknown;
    try {
        doc = yaml.load(kubeconfigText);
    } catch (e) {
        throw new Error(`kubeconfig is not valid YAML: ${(e as Error).message.split("\n")[0]}`);
    }
    if (!validateShape(doc)) {
        const where = (validateShape.errors ?? []).map((err) => `${err.instancePath || "/"} ${err.message}`);
        throw new Error(`kubeconfig is not a kubeconfig (${where.join("; ")})`);
    }
    const config = doc as unknown as Kubeconfig;
    const contextName = context ?? config["current-context"];
    if (!contextName) {
        throw new Error("kubeconfig has no current-context and no context was given");
    }
    const ctx = config.contexts.find((c) => c.name === contextName);
    if (!ctx) {
        const known = config.contexts.map((c) => c.name).join(", ") || "none";
        throw new Error(`kubeconfig has no context "${contextName}" (contexts: ${known})`);
    }
    const cluster = config.clusters.find((c) => c.name === ctx.context.cluster);
    if (!cluster) {
        throw new Error(`kubeconfig context "${contextName}" names cluster "${ctx.context.cluster}", which the kubeconfig does not define`);
    }
    return { config, name: contextName, context: ctx.context, cluster: cluster.cluster };
}

/** PEM of a cluster entry's inline CA, if any. */
function inlineCA(cluster: FoundContext["cluster"]): string | undefined {
    const caData = cluster["certificate-authority-data"];
    return caData ? Buffer.from(caData, "base64").toString("utf8") : undefined;
}

/**
 * Finds the API server and CA of `context` (default: the current-context) in a kubeconfig.
 * Throws an Error whose message says what is wrong with the kubeconfig.
 */
export function resolveContext(kubeconfigText: string, context?: string): ContextEndpoint {
    const found = findContext(kubeconfigText, context);
    const { cluster } = found;
    return { context: found.name, server: cluster.server, caPem: inlineCA(cluster), insecureSkipTLSVerify: cluster["insecure-skip-tls-verify"] === true, proxyURL: cluster["proxy-url"] };
}

/** How the host's KubeFed reaches one member: a kubeconfig with the federation's own service-account token. */
export interface MemberAccess {
    clusterName: string;
    userName: string;
    server: string;
    caPem?: string;
    token: string;
    proxyURL?: string;
    insecureSkipTLSVerify?: boolean;
    /** SubjectName and ValidityPeriod, which a kubeconfig cannot say: kept in an extension of its cluster entry. */
    disabledTLSValidations?: string[];
}

/** The extension of a member's cluster entry that records the TLS validations the host skips but a kubeconfig cannot. */
export const TLS_VALIDATIONS_EXTENSION = "kubefed-iac.io/disabled-tls-validations";

/** What a client needs to call an API server: where, whom to trust, and who it is (a token, or a client certificate). */
export interface ClientAccess {
    server: string;
    /** SubjectName: the server's certificate need not name it; ValidityPeriod: its dates are not checked (see tls.ts). */
    disabledTLSValidations?: string[];
    caPem?: string;
    token?: string;
    clientCertPem?: string;
    clientKeyPem?: string;
    proxyURL?: string;
    insecureSkipTLSVerify?: boolean;
}

/**
 * The API server, CA and credentials of a kubeconfig's current context, for the component's own
 * calls to the host (`hostKubeconfig`). Only inline credentials: a token, or a client certificate
 * and key as data; a user that runs a command or an auth provider is refused with what to do.
 */
export function readClientAccess(kubeconfigText: string): ClientAccess {
    const { config, name, context, cluster } = findContext(kubeconfigText);
    const user = config.users?.find((u) => u.name === context.user)?.user ?? {};
    const cert = user["client-certificate-data"];
    const key = user["client-key-data"];
    if (!user.token && !(cert && key)) {
        throw new Error(
            `kubeconfig context "${name}" has no user with a token or inline client certificate and key (client-certificate-data, client-key-data); ` +
                `a user that runs a command (exec) or an auth provider cannot be used here: give a kubeconfig with a token`,
        );
    }
    const decode = (data: string | undefined) => (data ? Buffer.from(data, "base64").toString("utf8") : undefined);
    return {
        server: cluster.server,
        caPem: inlineCA(cluster),
        token: user.token,
        clientCertPem: user.token ? undefined : decode(cert),
        clientKeyPem: user.token ? undefined : decode(key),
        proxyURL: cluster["proxy-url"],
        insecureSkipTLSVerify: cluster["insecure-skip-tls-verify"] === true,
    };
}

/** Renders the kubeconfig (YAML) that `kubefed-kubeconfig` holds for one member. */
export function renderMemberKubeconfig(access: MemberAccess): string {
    const cluster: Record<string, unknown> = { server: access.server };
    // The API server rejects a CA together with insecure-skip-tls-verify.
    if (access.insecureSkipTLSVerify) {
        cluster["insecure-skip-tls-verify"] = true;
    } else if (access.caPem) {
        cluster["certificate-authority-data"] = Buffer.from(access.caPem, "utf8").toString("base64");
    }
    if (access.proxyURL) {
        cluster["proxy-url"] = access.proxyURL;
    }
    const partial = (access.disabledTLSValidations ?? []).filter((v) => v !== "*");
    if (partial.length > 0) {
        cluster.extensions = [{ name: TLS_VALIDATIONS_EXTENSION, extension: { validations: partial } }];
    }
    return yaml.dump({
        apiVersion: "v1",
        kind: "Config",
        clusters: [{ name: access.clusterName, cluster }],
        users: [{ name: access.userName, user: { token: access.token } }],
        contexts: [{ name: access.clusterName, context: { cluster: access.clusterName, user: access.userName } }],
        "current-context": access.clusterName,
    }, { lineWidth: -1 });
}

/** Reads back a kubeconfig that `renderMemberKubeconfig` wrote: the inverse, for the host's stored copy. */
export function readMemberKubeconfig(kubeconfigText: string): MemberAccess {
    const { config, name, context, cluster } = findContext(kubeconfigText);
    const token = config.users?.find((u) => u.name === context.user)?.user?.token;
    if (!token) {
        throw new Error(`kubeconfig context "${name}" has no user with a token`);
    }
    return {
        clusterName: context.cluster,
        userName: context.user!,
        server: cluster.server,
        caPem: inlineCA(cluster),
        token,
        proxyURL: cluster["proxy-url"],
        insecureSkipTLSVerify: cluster["insecure-skip-tls-verify"] === true,
        disabledTLSValidations: cluster.extensions?.find((e) => e.name === TLS_VALIDATIONS_EXTENSION)?.extension?.validations ?? [],
    };
}
