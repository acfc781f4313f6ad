// A minimal client of a Kubernetes API server: bearer token or client certificate, CA, JSON in
// and out. The only calls the component makes itself (see orphan.ts, host.ts); everything else goes through
// pulumi-kubernetes. Node's own https, because @kubernetes/client-node 1.x is ESM-only and
// brings a dozen packages for what is three verbs here.
import * as http from "http";
import * as https from "https";
import { TLSSocket } from "tls";
import { certificateProblem } from "./tls";
import { ClientAccess } from "./kubeconfig";

export interface KubeApi {
    /** Sends a request; resolves with the parsed JSON body of a 2xx answer, rejects on anything else. */
    request<T = any>(method: "GET" | "POST" | "PATCH" | "DELETE", path: string, body?: unknown): Promise<T>;
    /** Undefined when the API server answers at all (whatever the status), else why it does not. */
    unreachable(timeoutMs?: number): Promise<string | undefined>;
}

const TIMEOUT_MS = 15_000;

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

/** A client that reaches `access.server` as its token or client certificate says, trusting its CA (or nothing, when TLS validation is off). */
export function kubeApi(access: ClientAccess): KubeApi {
    if (access.proxyURL) {
        throw new Error(`${access.server} is reached through the proxy ${access.proxyURL}, which this client does not support`);
    }
    const disabled = access.disabledTLSValidations ?? [];
    const checkName = !disabled.includes("SubjectName");
    // ValidityPeriod: Node cannot skip only the date check, so the handshake does not reject and
    // the certificate is judged once it is done (tls.ts): chain and name as usual, dates not.
    const judge = disabled.includes("ValidityPeriod") && !access.insecureSkipTLSVerify;
    const base = new URL(access.server);
    // http(s), as the endpoint says; a path prefix in it (an API server behind a path) is kept.
    const overHttp = base.protocol === "http:";
    const send = overHttp ? http.request : https.request;
    const agent = overHttp
        ? undefined
        : new https.Agent({
              ca: access.caPem,
              cert: access.clientCertPem,
              key: access.clientKeyPem,
              rejectUnauthorized: !access.insecureSkipTLSVerify && !judge,
              // SubjectName: the chain is still checked, the name in the certificate is not (as KubeFed).
              ...(checkName ? {} : { checkServerIdentity: () => undefined }),
          });
    const urlOf = (path: string) => new URL(`${base.pathname.replace(/\/+$/, "")}${path}`, base);
    /** Sends `req` on its way; with ValidityPeriod disabled, its connection is closed on a certificate tls.ts refuses. */
    const guarded = (req: http.ClientRequest) => {
        if (judge) {
            req.on("socket", (socket) =>
                socket.once("secureConnect", () => {
                    const s = socket as TLSSocket;
                    const problem = certificateProblem({ authorized: s.authorized, authorizationError: s.authorizationError?.toString(), peer: s.getPeerCertificate(true) }, base.hostname.replace(/^\[|\]$/g, ""), access.caPem, checkName);
                    if (problem) {
                        req.destroy(new Error(`certificate refused (disabledTLSValidations ValidityPeriod: dates not checked): ${problem}`));
                    }
                }),
            );
        }
        return req;
    };
    return {
        unreachable(timeoutMs = 5_000): Promise<string | undefined> {
            return new Promise((resolve) => {
                const req = guarded(
                    send(urlOf("/healthz"), { method: "GET", agent, timeout: timeoutMs }, (res) => {
                        res.resume();
                        resolve(undefined);
                    }),
                );
                req.on("timeout", () => req.destroy(new Error(`no answer within ${timeoutMs / 1000} s`)));
                req.on("error", (e: Error) => resolve(`${access.server}: ${e.message}`));
                req.end();
            });
        },
        request<T>(method: string, path: string, body?: unknown): Promise<T> {
            const url = urlOf(path);
            const payload = body === undefined ? undefined : JSON.stringify(body);
            const headers: Record<string, string> = { Accept: "application/json", ...(access.token ? { Authorization: `Bearer ${access.token}` } : {}) };
            if (payload !== undefined) {
                // PATCH bodies are JSON merge patches (RFC 7386): null deletes a key.
                headers["Content-Type"] = method === "PATCH" ? "application/merge-patch+json" : "application/json";
            }
            return new Promise<T>((resolve, reject) => {
                const req = guarded(send(url, { method, headers, agent, timeout: TIMEOUT_MS }, (res) => {
                    const chunks: Buffer[] = [];
                    res.on("data", (c: Buffer) => chunks.push(c));
                    res.on("end", () => {
                        const text = Buffer.concat(chunks).toString("utf8");
                        if (res.statusCode !== undefined && res.statusCode >= 200 && res.statusCode < 300) {
                            resolve(text ? JSON.parse(text) : undefined);
                            return;
                        }
                        let message = text;
                        try {
                            message = JSON.parse(text).message ?? text;
                        } catch {
                            // not a Status object: keep the text
                        }
                        reject(new KubeApiError(`${method} ${url.pathname}: ${res.statusCode} ${res.statusMessage}: ${message}`, res.statusCode));
                    });
                }));
                req.on("timeout", () => req.destroy(new Error(`no answer within ${TIMEOUT_MS / 1000} s`)));
                req.on("error", (e: Error) => reject(new Error(`${method} ${url.href}: ${e.message}`)));
                req.end(payload);
            });
        },
    };
}
