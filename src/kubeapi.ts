// The component's own calls to a Kubernetes API server (the day-2 hooks and the plugin's delete);
// everything else goes through pulumi-kubernetes. Two ways in, one way of asking:
//
// - the host, as `hostKubeconfig` says, read by @kubernetes/client-node (`hostKubeApi`): exec
//   credential plugins, tokens and certificates inline or by file, proxies, as kubectl reads a
//   kubeconfig; TLS verified by Node as usual;
// - a member, with the federation's own credentials from the kubeconfig the component rendered for
//   KubeFed (`kubeApi`): the certificate is judged exactly as KubeFed judges it, with the member's
//   `disabledTLSValidations` (tls.ts), on a connection of its own (no TLS session resumed), before
//   the request — and so the token — is written to it.
//
// What neither library does, and so is written here: every request has an overall deadline (not
// only an idle timeout), and every answer that is not a 2xx JSON body (HTML from a proxy, a body cut
// short, a redirect, a 5xx) rejects with an error that names the cluster. Nothing throws outside
// the returned promise.
import * as http from "http";
import * as https from "https";
import { Duplex } from "stream";
import * as tls from "tls";
import * as yaml from "js-yaml";
import { ClientAccess } from "./kubeconfig";
import { kubefedCertificateProblem, peerChain } from "./tls";

export type Method = "GET" | "POST" | "PATCH" | "DELETE";

export interface KubeApi {
    /** Whose API this is, as errors name it: `member "member2"`, `the host`. */
    readonly who: string;
    /** Sends a request; resolves with the parsed JSON body of a 2xx answer, rejects on anything else. */
    request<T = any>(method: Method, path: string, body?: unknown): Promise<T>;
    /** Undefined when the API server answers at all (whatever the status), else why it does not. */
    unreachable(timeoutMs?: number): Promise<string | undefined>;
}

/** The overall deadline of one request: connection, TLS, credentials, answer and body. */
export const REQUEST_DEADLINE_MS = 15_000;
/** The largest body read; a larger one is an error (the lists asked for here are small). */
const MAX_BODY_BYTES = 16 * 1024 * 1024;
/** How much of an error answer's message is quoted. */
const MAX_MESSAGE = 300;

/** An answer outside 2xx: its HTTP status, and the Status object's message. */
export class KubeApiError extends Error {
    constructor(
        message: string,
        readonly statusCode: number | undefined,
    ) {
        super(message);
    }
}

/** Whether `e` is the API server's 404: the object (or its kind) does not exist. */
export function isNotFound(e: unknown): boolean {
    return e instanceof KubeApiError && e.statusCode === 404;
}

/** What `request` resolves with, or `fallback` when the API server answers 404 (any other failure stays one). */
export async function unlessNotFound<T, F>(request: Promise<T>, fallback: F): Promise<T | F> {
    try {
        return await request;
    } catch (e) {
        if (isNotFound(e)) {
            return fallback;
        }
        throw e;
    }
}

/** How one request goes out: where, through which agent, with which headers (credentials made per request: an exec plugin's token expires). */
interface Transport {
    base: URL;
    connection(): Promise<{ agent: http.Agent | undefined; headers: Record<string, string> }>;
}

const clip = (text: string) => (text.length > MAX_MESSAGE ? `${text.slice(0, MAX_MESSAGE)}…` : text);

/** The message of an answer outside 2xx: the Status object's, else a word on what came. */
function answerMessage(status: number, statusText: string, contentType: string, text: string): string {
    if (status >= 300 && status < 400) {
        return `${status} ${statusText}: a redirect, not followed (an API server does not redirect; a proxy or login page answers for it)`;
    }
    try {
        const message = JSON.parse(text)?.message;
        if (typeof message === "string") {
            return `${status} ${statusText}: ${clip(message)}`;
        }
    } catch {
        // not a Status object
    }
    return `${status} ${statusText}${contentType ? ` (${contentType.split(";")[0]})` : ""}`;
}

/** How long a request may take in all; tests shorten it. */
export interface ClientOptions {
    deadlineMs?: number;
}

function client(who: string, transport: Transport, { deadlineMs = REQUEST_DEADLINE_MS }: ClientOptions = {}): KubeApi {
    const { base } = transport;
    const send = base.protocol === "http:" ? http.request : https.request;
    const urlOf = (path: string) => new URL(`${base.pathname.replace(/\/+$/, "")}${path}`, base);
    // Origin and path: never user information, a query or a fragment.
    const where = (method: string, url: URL) => `${who}: ${method} ${url.origin}${url.pathname}`;

    /** One exchange, settled exactly once: by the answer, an error, or the deadline. */
    function exchange(method: Method, url: URL, payload: string | undefined, contentType: string | undefined, deadlineMs: number, onAnswer: (res: http.IncomingMessage, body: Buffer) => void, onFail: (e: Error) => void): void {
        let settled = false;
        let req: http.ClientRequest | undefined;
        const settle = (f: () => void) => {
            if (!settled) {
                settled = true;
                clearTimeout(timer);
                f();
            }
        };
        const fail = (e: Error) => settle(() => onFail(e));
        const timer = setTimeout(() => {
            fail(new Error(`no complete answer within ${deadlineMs / 1000} s`));
            req?.destroy();
        }, deadlineMs);
        transport.connection().then(({ agent, headers }) => {
            if (settled) return;
            const allHeaders: Record<string, string> = { Accept: "application/json", ...headers };
            if (contentType) allHeaders["Content-Type"] = contentType;
            req = send(url, { method, headers: allHeaders, agent }, (res) => {
                const chunks: Buffer[] = [];
                let size = 0;
                res.on("data", (c: Buffer) => {
                    size += c.length;
                    if (size > MAX_BODY_BYTES) {
                        fail(new Error(`the answer is larger than ${MAX_BODY_BYTES / 1024 / 1024} MiB`));
                        res.destroy();
                    } else {
                        chunks.push(c);
                    }
                });
                res.on("end", () => settle(() => onAnswer(res, Buffer.concat(chunks))));
                res.on("error", (e) => fail(new Error(`the answer was cut short (${e.message})`)));
                res.on("close", () => fail(new Error("the connection closed before the answer was complete")));
            });
            req.on("error", (e) => fail(e));
            req.end(payload);
        }, (e: Error) => fail(new Error(`no credentials: ${e.message}`)));
    }

    return {
        who,
        unreachable(timeoutMs = 5_000): Promise<string | undefined> {
            return new Promise((resolve) => {
                const url = urlOf("/healthz");
                exchange("GET", url, undefined, undefined, timeoutMs, () => resolve(undefined), (e) => resolve(`${base.origin}${base.pathname.replace(/\/$/, "")}: ${e.message}`));
            });
        },
        request<T>(method: Method, path: string, body?: unknown): Promise<T> {
            const url = urlOf(path);
            const payload = body === undefined ? undefined : JSON.stringify(body);
            // PATCH bodies are JSON merge patches (RFC 7386): null deletes a key.
            const contentType = payload === undefined ? undefined : method === "PATCH" ? "application/merge-patch+json" : "application/json";
            return new Promise<T>((resolve, reject) => {
                exchange(method, url, payload, contentType, deadlineMs, (res, raw) => {
                    const status = res.statusCode ?? 0;
                    const text = raw.toString("utf8");
                    const type = String(res.headers["content-type"] ?? "");
                    if (status < 200 || status >= 300) {
                        reject(new KubeApiError(`${who}: ${method} ${url.pathname}: ${answerMessage(status, res.statusMessage ?? "", type, text)}`, status));
                        return;
                    }
                    if (!text) {
                        resolve(undefined as T);
                        return;
                    }
                    try {
                        resolve(JSON.parse(text));
                    } catch {
                        reject(new KubeApiError(`${who}: ${method} ${url.pathname}: answered ${status} with a body that is not JSON${type ? ` (${type.split(";")[0]})` : ""}: not a Kubernetes API server, or a proxy answers for it`, status));
                    }
                }, (e) => reject(new Error(`${where(method, url)}: ${e.message}`)));
            });
        },
    };
}

/**
 * An agent that judges the server's certificate as KubeFed does (tls.ts) once the handshake is
 * done, and only then hands the connection to the request: nothing is written to a server that is
 * refused. Each connection is a full handshake (no session is resumed: a resumed session has no
 * certificate to judge).
 */
class KubefedJudgedAgent extends https.Agent {
    constructor(
        private readonly tlsOptions: tls.ConnectionOptions,
        private readonly judge: (socket: tls.TLSSocket) => string | undefined,
    ) {
        super({ keepAlive: false, maxCachedSessions: 0 });
    }

    createConnection(options: http.ClientRequestArgs, callback?: (err: Error | null, socket: Duplex) => void): undefined {
        const done = callback!;
        const socket = tls.connect({ ...(options as tls.ConnectionOptions), ...this.tlsOptions, rejectUnauthorized: false, session: undefined });
        const onError = (e: Error) => done(e, socket);
        socket.once("error", onError);
        socket.once("secureConnect", () => {
            socket.off("error", onError);
            const problem = this.judge(socket);
            if (problem) {
                socket.destroy();
                done(new Error(`certificate refused: ${problem}`), socket);
            } else {
                done(null, socket);
            }
        });
        return undefined;
    }
}

/**
 * A member's API, with the federation's own credentials (a token) from the kubeconfig the component
 * rendered for KubeFed; `who` names it in errors. The certificate is judged as KubeFed judges it:
 * `disabledTLSValidations` (or insecure-skip-tls-verify, which is `*`) skips exactly what it skips
 * there. A member reached through a proxy is refused here (a caller says what it could not check).
 */
export function kubeApi(access: ClientAccess, who: string, options?: ClientOptions): KubeApi {
    if (access.proxyURL) {
        throw new Error(`${who} is reached through a proxy, which the component's own client does not use`);
    }
    const base = new URL(access.server);
    const disabled = access.insecureSkipTLSVerify ? ["*"] : (access.disabledTLSValidations ?? []);
    const hostname = base.hostname.replace(/^\[|\]$/g, "");
    const agent =
        base.protocol === "http:"
            ? undefined
            : new KubefedJudgedAgent({ ca: access.caPem }, (socket) => kubefedCertificateProblem(peerChain(socket), access.caPem, hostname, disabled));
    const headers: Record<string, string> = access.token ? { Authorization: `Bearer ${access.token}` } : {};
    return client(who, { base, connection: async () => ({ agent, headers }) }, options);
}

/** The host's API as `hostKubeconfig` (its current context) reaches it, read by @kubernetes/client-node as kubectl would. */
export async function hostKubeApi(kubeconfigText: string, options?: ClientOptions): Promise<KubeApi> {
    // Loaded on first use: the package is large, and most programs never ask the host themselves.
    const { KubeConfig } = await import("@kubernetes/client-node");
    const config = new KubeConfig();
    config.loadFromString(withTokenFile(kubeconfigText));
    const cluster = config.getCurrentCluster();
    if (!cluster) {
        throw new Error("the host: hostKubeconfig has no current context with a cluster");
    }
    return client("the host", {
        base: new URL(cluster.server),
        connection: async () => {
            const request: https.RequestOptions = {};
            await config.applyToHTTPSOptions(request);
            const headers = { ...(request.headers ?? {}) } as Record<string, string>;
            if (request.auth) {
                // username and password: basic authentication, as client-node's fetch path does it.
                headers.Authorization = `Basic ${Buffer.from(request.auth).toString("base64")}`;
            }
            return { agent: request.agent as http.Agent | undefined, headers };
        },
    }, options);
}

/** client-go's `tokenFile` of a user, which client-node 1.4 reads only as `token-file` (re-read per request, as client-go does). */
function withTokenFile(kubeconfigText: string): string {
    const doc = yaml.load(kubeconfigText) as { users?: { user?: { tokenFile?: string; "token-file"?: string } }[] };
    const users = (doc?.users ?? []).filter((u) => u?.user?.tokenFile && !u.user["token-file"]);
    for (const { user } of users) {
        user!["token-file"] = user!.tokenFile;
    }
    return users.length > 0 ? yaml.dump(doc) : kubeconfigText;
}
