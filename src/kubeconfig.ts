// Reading the kubeconfigs the program is given, and writing the ones the host's KubeFed uses.
// Pure, but for hostKubeconfigProblems, which checks that the files a host kubeconfig names can be
// read. No message quotes a kubeconfig's text, a credential, or a URL's user information.
import * as fs from "fs";
import * as path from "path";
import Ajv from "ajv";
import * as yaml from "js-yaml";
import { decodeGoBase64, parseGoURL, pemCertificatesProblem, proxyURLProblem, PROXY_SCHEMES, serverURLProblem, urlProblem } from "./goparse";
import { echo, quoteURL, truncate } from "./redact";

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

/** A kubeconfig that will not do; `problems` holds one line per problem (none quotes the kubeconfig's text). */
export class KubeconfigError extends Error {
    constructor(readonly problems: string[]) {
        super(truncate(problems.join("; "), 2000));
        this.name = "KubeconfigError";
    }
}

// The part of the kubeconfig format (clientcmd v1 Config) this package reads, with the types Go
// would insist on when it decodes the kubeconfig.
const str = { type: "string" };
const namedEntries = (key: string, entry: object, entryRequired = true) => ({
    type: "array",
    items: { type: "object", required: entryRequired ? ["name", key] : ["name"], properties: { name: str, [key]: entry } },
});
const kubeconfigSchema = {
    type: "object",
    required: ["clusters", "contexts"],
    properties: {
        "current-context": str,
        clusters: namedEntries("cluster", {
            type: "object",
            required: ["server"],
            properties: {
                server: str,
                "certificate-authority-data": str,
                "certificate-authority": str,
                "insecure-skip-tls-verify": { type: "boolean" },
                "proxy-url": str,
                "tls-server-name": str,
            },
        }),
        contexts: namedEntries("context", {
            type: "object",
            required: ["cluster"],
            properties: { cluster: str, user: str, namespace: str },
        }),
        users: {
            ...namedEntries(
                "user",
                {
                    type: ["object", "null"],
                    properties: {
                        token: str,
                        tokenFile: str,
                        "token-file": str,
                        "client-certificate": str,
                        "client-certificate-data": str,
                        "client-key": str,
                        "client-key-data": str,
                        username: str,
                        password: str,
                        exec: {
                            type: "object",
                            properties: {
                                command: str,
                                apiVersion: str,
                                args: { type: ["array", "null"], items: str },
                                env: { type: ["array", "null"], items: { type: "object", required: ["name"], properties: { name: str, value: str } } },
                            },
                        },
                        "auth-provider": { type: "object", properties: { name: str, config: { type: ["object", "null"] } } },
                    },
                },
                false,
            ),
            type: ["array", "null"],
        },
    },
};
const validateShape = new Ajv({ allErrors: true, strict: false }).compile(kubeconfigSchema);

interface KubeconfigUser {
    token?: string;
    tokenFile?: string;
    "token-file"?: string;
    "client-certificate"?: string;
    "client-certificate-data"?: string;
    "client-key"?: string;
    "client-key-data"?: string;
    username?: string;
    password?: string;
    exec?: { command?: string; apiVersion?: string };
    "auth-provider"?: { name?: string };
}

interface Kubeconfig {
    "current-context"?: string;
    clusters: {
        name: string;
        cluster: {
            server: string;
            "certificate-authority-data"?: string;
            "certificate-authority"?: string;
            "insecure-skip-tls-verify"?: boolean;
            "proxy-url"?: string;
            extensions?: { name: string; extension?: { validations?: string[] } }[];
        };
    }[];
    contexts: { name: string; context: { cluster: string; user?: string } }[];
    users?: { name: string; user?: KubeconfigUser | null }[] | null;
}

/** A context of a kubeconfig, found: its name, its entry and its cluster's entry, with the whole kubeconfig. */
interface FoundContext {
    config: Kubeconfig;
    name: string;
    context: Kubeconfig["contexts"][number]["context"];
    clusterName: string;
    cluster: Kubeconfig["clusters"][number]["cluster"];
}

/** Who reads the kubeconfig: the member's provider and KubeFed, or the component's calls to the host. */
type Purpose = "member" | "host";

/**
 * js-yaml's error, without what it quotes of the source: its message ends in a snippet of the
 * lines around the error, and some reasons quote the source too (a tag, an alias name), which
 * may be a token. Kept: the reason up to its first quotation, and where.
 */
function yamlProblem(e: unknown): string {
    const err = e as { reason?: unknown; mark?: { line?: unknown; column?: unknown } };
    const reason = typeof err?.reason === "string" ? truncate(err.reason.split(/["'!`]|: /)[0].trim(), 100) : "";
    const where = typeof err?.mark?.line === "number" && typeof err.mark.column === "number" ? ` at line ${err.mark.line + 1}, column ${err.mark.column + 1}` : "";
    return `kubeconfig is not valid YAML: ${reason || "syntax error"}${where}`;
}

/** Parses a kubeconfig and checks its shape: the kubeconfig, or the problems (the first that stop reading it). */
function loadKubeconfig(kubeconfigText: unknown): { config?: Kubeconfig; problems: string[] } {
    if (typeof kubeconfigText !== "string") {
        return { problems: ["kubeconfig is not a string"] };
    }
    let doc: unknown;
    try {
        doc = yaml.load(kubeconfigText);
    } catch (e) {
        return { problems: [yamlProblem(e)] };
    }
    if (!validateShape(doc)) {
        const errors = validateShape.errors ?? [];
        // Paths are the schema's keys and indices; messages name types and keys, never values.
        const where = errors.slice(0, 3).map((err) => `${err.instancePath || "/"} ${err.message}`);
        const more = errors.length > 3 ? `; and ${errors.length - 3} more` : "";
        return { problems: [`kubeconfig is not a kubeconfig (${where.join("; ")}${more})`] };
    }
    return { config: doc as unknown as Kubeconfig, problems: [] };
}

/** What client-go refuses of any entry when it loads a kubeconfig: duplicate names, `[]byte` fields that are not base64. */
function entryProblems(config: Kubeconfig): string[] {
    const problems: string[] = [];
    const lists: [string, { name: string }[]][] = [
        ["cluster", config.clusters],
        ["context", config.contexts],
        ["user", config.users ?? []],
    ];
    for (const [kind, entries] of lists) {
        const seen = new Set<string>();
        const twice = new Set<string>();
        for (const { name } of entries) {
            (seen.has(name) ? twice : seen).add(name);
        }
        if (twice.size > 0) {
            const names = [...twice].slice(0, 3).map(echo).join(", ") + (twice.size > 3 ? ` and ${twice.size - 3} more` : "");
            problems.push(`kubeconfig lists more than one ${kind} named ${names} (client-go refuses duplicate names)`);
        }
    }
    const base64Fields: [string, string, Record<string, unknown> | null | undefined][] = [
        ...config.clusters.map((c): [string, string, Record<string, unknown>] => ["cluster", c.name, c.cluster]),
        ...(config.users ?? []).map((u): [string, string, Record<string, unknown> | null | undefined] => ["user", u.name, u.user as Record<string, unknown> | null | undefined]),
    ];
    for (const [kind, name, entry] of base64Fields) {
        for (const field of ["certificate-authority-data", "client-certificate-data", "client-key-data"]) {
            const data = entry?.[field];
            if (typeof data === "string" && decodeGoBase64(data) === undefined) {
                problems.push(`kubeconfig ${kind} ${echo(name)}: ${field} is not base64 (Go's standard encoding: A-Z, a-z, 0-9, "+", "/", padded with "=")`);
            }
        }
    }
    return problems.length > 50 ? [...problems.slice(0, 50), `kubeconfig has ${problems.length - 50} more such problems`] : problems;
}

/** Finds `context` (default: the current-context) and its cluster in a kubeconfig read without problems. */
function lookupContext(config: Kubeconfig, context?: string): { found?: FoundContext; problems: string[] } {
    const contextName = context ?? config["current-context"];
    if (!contextName) {
        return { problems: ["kubeconfig has no current-context and no context was given"] };
    }
    const ctx = config.contexts.find((c) => c.name === contextName);
    if (!ctx) {
        const known = truncate(config.contexts.map((c) => c.name).join(", ") || "none", 120);
        return { problems: [`kubeconfig has no context ${echo(contextName)} (contexts: ${known})`] };
    }
    const cluster = config.clusters.find((c) => c.name === ctx.context.cluster);
    if (!cluster) {
        return { problems: [`kubeconfig context ${echo(contextName)} names cluster ${echo(ctx.context.cluster)}, which the kubeconfig does not define`] };
    }
    return { found: { config, name: contextName, context: ctx.context, clusterName: cluster.name, cluster: cluster.cluster }, problems: [] };
}

/** Parses a kubeconfig and finds `context` (default: the current-context) and its cluster; throws what is wrong. Only what reading needs is checked. */
function findContext(kubeconfigText: string, context?: string): FoundContext {
    const { config, problems } = loadKubeconfig(kubeconfigText);
    const { found, problems: lookupProblems } = config ? lookupContext(config, context) : { found: undefined, problems };
    if (!found) {
        throw new KubeconfigError(lookupProblems);
    }
    return found;
}

/** What is wrong with the context's cluster: its server and proxy URLs, a CA together with insecure-skip-tls-verify, its inline CA. */
function clusterProblems(found: FoundContext, purpose: Purpose): string[] {
    const problems: string[] = [];
    const { cluster } = found;
    const inContext = `kubeconfig context ${echo(found.name)}`;
    const ofCluster = `kubeconfig cluster ${echo(found.clusterName)}`;
    const server = serverURLProblem(cluster.server);
    if (server) {
        problems.push(`${inContext}: server ${server}`);
    }
    const proxy = cluster["proxy-url"];
    if (proxy !== undefined) {
        // For a member it is KubeFed's proxy too (kubefedctl join's default), in the KubeFedCluster's spec.
        const problem = purpose === "member" ? proxyURLProblem(proxy) : urlProblem(proxy, PROXY_SCHEMES) && `${quoteURL(proxy)} ${urlProblem(proxy, PROXY_SCHEMES)}`;
        if (problem) {
            problems.push(`${inContext}: proxy-url ${problem}`);
        }
    }
    const caData = cluster["certificate-authority-data"];
    const caFile = cluster["certificate-authority"];
    if (cluster["insecure-skip-tls-verify"] === true && (caData || caFile)) {
        problems.push(
            `${ofCluster}: insecure-skip-tls-verify is set together with a CA (${caData ? "certificate-authority-data" : "certificate-authority"}), ` +
                'which client-go refuses ("specifying a root certificates file with the insecure flag is not allowed"): keep one of them',
        );
    }
    const decoded = caData ? decodeGoBase64(caData) : undefined;
    if (decoded) {
        const problem = pemCertificatesProblem(decoded.toString("utf8"));
        if (problem) {
            problems.push(`${ofCluster}: certificate-authority-data does not hold PEM-encoded certificates: ${problem}`);
        }
    }
    return problems;
}

/** The whole check of a kubeconfig's `context` (default: the current-context), as client-go would read it. */
function inspect(kubeconfigText: unknown, context: string | undefined, purpose: Purpose): { found?: FoundContext; problems: string[] } {
    const { config, problems } = loadKubeconfig(kubeconfigText);
    if (!config) {
        return { problems };
    }
    problems.push(...entryProblems(config));
    const { found, problems: lookupProblems } = lookupContext(config, context);
    problems.push(...lookupProblems);
    if (found) {
        problems.push(...clusterProblems(found, purpose));
    }
    return { found, problems };
}

/** PEM of a cluster entry's inline CA, if any. */
function inlineCA(cluster: FoundContext["cluster"]): string | undefined {
    const caData = cluster["certificate-authority-data"];
    return caData ? (decodeGoBase64(caData) ?? Buffer.from(caData, "base64")).toString("utf8") : undefined;
}

/**
 * Reads a member's kubeconfig as its provider (client-go) and KubeFed will: every problem, one
 * line each (none quotes the kubeconfig), and the context's endpoint when there is none.
 * Duplicate names and `[]byte` fields that are not base64 anywhere; for the context (default: the
 * current-context): its cluster, its server and proxy-url as URLs (no user information), its CA
 * (PEM certificates only) and not together with insecure-skip-tls-verify.
 */
export function inspectMemberKubeconfig(kubeconfigText: unknown, context?: string): { endpoint?: ContextEndpoint; problems: string[] } {
    const { found, problems } = inspect(kubeconfigText, context, "member");
    if (!found || problems.length > 0) {
        return { problems };
    }
    const { cluster } = found;
    return {
        endpoint: { context: found.name, server: cluster.server, caPem: inlineCA(cluster), insecureSkipTLSVerify: cluster["insecure-skip-tls-verify"] === true, proxyURL: cluster["proxy-url"] },
        problems,
    };
}

/**
 * Finds the API server and CA of `context` (default: the current-context) in a kubeconfig.
 * Throws a KubeconfigError whose `problems` say what is wrong (see inspectMemberKubeconfig).
 */
export function resolveContext(kubeconfigText: string, context?: string): ContextEndpoint {
    const { endpoint, problems } = inspectMemberKubeconfig(kubeconfigText, context);
    if (!endpoint) {
        throw new KubeconfigError(problems);
    }
    return endpoint;
}

const EXEC_API_VERSIONS = ["client.authentication.k8s.io/v1", "client.authentication.k8s.io/v1beta1"];

/** What is wrong with a file a kubeconfig names (a path is no secret: it is shown). */
function fileProblem(owner: string, field: string, file: unknown): string | undefined {
    if (typeof file !== "string" || file === "") {
        return undefined;
    }
    const shown = `${owner}: ${field} ${JSON.stringify(truncate(file, 200))}`;
    const relative = path.isAbsolute(file) ? "" : " (a relative path is read from the directory the program runs in)";
    try {
        if (fs.statSync(file).isDirectory()) {
            return `${shown} is a directory, not a file`;
        }
        fs.accessSync(file, fs.constants.R_OK);
        return undefined;
    } catch (e) {
        const code = (e as NodeJS.ErrnoException).code;
        const why = code === "ENOENT" || code === "ENOTDIR" ? "does not exist" : code === "EACCES" || code === "EPERM" ? "cannot be read (permission denied)" : `cannot be read (${code ?? "error"})`;
        return `${shown} ${why}${relative}`;
    }
}

/** What is wrong with the user a host kubeconfig's context names: credentials, files, exec plugin. */
function userProblems(name: string, user: KubeconfigUser): string[] {
    const problems: string[] = [];
    const who = `kubeconfig user ${echo(name)}`;
    const given = (value: unknown) => typeof value === "string" && value !== "";
    const cert = given(user["client-certificate"]) || given(user["client-certificate-data"]);
    const key = given(user["client-key"]) || given(user["client-key-data"]);
    if (cert && !key) {
        problems.push(`${who}: has a client certificate but no client-key or client-key-data (client-go refuses it)`);
    }
    for (const field of ["client-certificate", "client-key", "tokenFile", "token-file"] as const) {
        const problem = fileProblem(who, field, user[field]);
        if (problem) {
            problems.push(problem);
        }
    }
    if (user.exec) {
        if (!given(user.exec.command)) {
            problems.push(`${who}: exec has no command`);
        }
        if (user.exec.apiVersion === undefined) {
            problems.push(`${who}: exec has no apiVersion (${EXEC_API_VERSIONS.join(" or ")})`);
        } else if (!EXEC_API_VERSIONS.includes(user.exec.apiVersion)) {
            problems.push(`${who}: exec apiVersion ${echo(user.exec.apiVersion)} is neither ${EXEC_API_VERSIONS.join(" nor ")} (client-go no longer runs other versions)`);
        }
        if (user["auth-provider"]) {
            problems.push(`${who}: exec and auth-provider are given together, which client-go refuses`);
        }
    }
    if (given(user.token) && (given(user.username) || given(user.password))) {
        problems.push(`${who}: a token and a username/password are given together, which client-go refuses ("more than one authentication method")`);
    }
    const credential =
        given(user.token) || given(user.tokenFile) || given(user["token-file"]) || (cert && key) || user.exec !== undefined || user["auth-provider"] !== undefined || (given(user.username) && given(user.password));
    if (!credential) {
        problems.push(`${who} has no credential: give a token, a tokenFile, a client certificate and key, an exec plugin, an auth-provider, or a username and password`);
    }
    return problems;
}

/**
 * What keeps `hostKubeconfig` from working as kubectl reads it (it is read by
 * @kubernetes/client-node for the component's own calls to the host), one line per problem; none
 * quotes the kubeconfig's text or a credential, a file's path is named. Exec plugins, auth
 * providers, tokens, token files, client certificates and CAs inline or by file, and proxies are
 * all accepted. Refused: not a kubeconfig; no current-context, or one that is missing; its cluster
 * or user missing; duplicate names; a server or proxy-url that is not a URL (http(s), or
 * http/https/socks5 for a proxy; no user information); plain http without insecure-skip-tls-verify
 * or a proxy (client-node refuses it); a CA together with insecure-skip-tls-verify; inline CA,
 * certificate or key data that is not base64, a CA that is not PEM certificates; a named file
 * that does not exist or cannot be read; a user without any credential; an exec without command,
 * or of an apiVersion other than client.authentication.k8s.io/v1 or v1beta1.
 */
export function hostKubeconfigProblems(text: string): string[] {
    const { found, problems } = inspect(text, undefined, "host");
    if (!found) {
        return problems;
    }
    const { config, name, context, clusterName, cluster } = found;
    const inContext = `kubeconfig context ${echo(name)}`;
    const caFile = fileProblem(`kubeconfig cluster ${echo(clusterName)}`, "certificate-authority", cluster["certificate-authority"]);
    if (caFile) {
        problems.push(caFile);
    }
    const server = parseGoURL(cluster.server);
    if (server.url?.scheme === "http" && cluster["insecure-skip-tls-verify"] !== true && !cluster["proxy-url"]) {
        problems.push(`${inContext}: server ${quoteURL(cluster.server)} is plain http, which @kubernetes/client-node refuses unless the cluster sets insecure-skip-tls-verify (or a proxy-url): use https`);
    }
    if (!context.user) {
        problems.push(`${inContext} names no user: the host would be called without credentials`);
        return problems;
    }
    const user = (config.users ?? []).find((u) => u.name === context.user);
    if (!user) {
        problems.push(`${inContext} names user ${echo(context.user)}, which the kubeconfig does not define`);
        return problems;
    }
    problems.push(...userProblems(user.name, user.user ?? {}));
    return problems;
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

/** What the component's client needs to call a member: where, whom to trust, and its token (kubeapi.ts). */
export interface ClientAccess {
    server: string;
    /** SubjectName: the server's certificate need not name it; ValidityPeriod: its dates are not checked (see tls.ts). */
    disabledTLSValidations?: string[];
    caPem?: string;
    token?: string;
    proxyURL?: string;
    insecureSkipTLSVerify?: boolean;
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
    return yaml.dump(
        {
            apiVersion: "v1",
            kind: "Config",
            clusters: [{ name: access.clusterName, cluster }],
            users: [{ name: access.userName, user: { token: access.token } }],
            contexts: [{ name: access.clusterName, context: { cluster: access.clusterName, user: access.userName } }],
            "current-context": access.clusterName,
        },
        { lineWidth: -1 },
    );
}

/** Reads back a kubeconfig that `renderMemberKubeconfig` wrote: the inverse, for the host's stored copy. */
export function readMemberKubeconfig(kubeconfigText: string): MemberAccess {
    const { config, name, context, cluster } = findContext(kubeconfigText);
    const token = config.users?.find((u) => u.name === context.user)?.user?.token;
    if (!token) {
        throw new Error(`kubeconfig context ${echo(name)} has no user with a token`);
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
