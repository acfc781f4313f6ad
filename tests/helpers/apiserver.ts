// A stand-in Kubernetes API server for unit tests: HTTPS on 127.0.0.1 with a fixture certificate
// (tests/helpers/fixtures/test-apiserver*.pem, self-signed for 127.0.0.1; a test key, not a
// secret), answering from a handler and recording every request.
import * as fs from "fs";
import * as https from "https";
import { AddressInfo } from "net";
import * as path from "path";
import { MANAGED_LABEL } from "../../src/orphan";
import { ALL_RESOURCES_RULE, NON_RESOURCE_GET_RULE, PolicyRule } from "../../src/rbac";
import { FIXTURES } from "./mocks";

export const TEST_APISERVER_CA = fs.readFileSync(path.join(FIXTURES, "test-apiserver.pem"), "utf8");

export interface ApiRequest {
    method: string;
    /** Path and query, e.g. `/api/v1/namespaces?labelSelector=...`. */
    path: string;
    headers: { [name: string]: string | string[] | undefined };
    body?: any;
}

export interface ApiAnswer {
    status: number;
    body?: unknown;
}

export interface TestApiServer {
    url: string;
    requests: ApiRequest[];
    close(): Promise<void>;
}

/** Where the stand-in listens and the certificate it serves; default 127.0.0.1 and the test-apiserver fixture. */
export interface ApiServerOptions {
    host?: string;
    /** File names in tests/helpers/fixtures. */
    certFile?: string;
    keyFile?: string;
}

export async function startApiServer(handle: (req: ApiRequest) => ApiAnswer, options: ApiServerOptions = {}): Promise<TestApiServer> {
    const { host = "127.0.0.1", certFile = "test-apiserver.pem", keyFile = "test-apiserver-key.pem" } = options;
    const requests: ApiRequest[] = [];
    const server = https.createServer({ cert: fs.readFileSync(path.join(FIXTURES, certFile)), key: fs.readFileSync(path.join(FIXTURES, keyFile)) }, (req, res) => {
        const chunks: Buffer[] = [];
        req.on("data", (c: Buffer) => chunks.push(c));
        req.on("end", () => {
            const text = Buffer.concat(chunks).toString("utf8");
            const request: ApiRequest = { method: req.method!, path: req.url!, headers: req.headers, body: text ? JSON.parse(text) : undefined };
            requests.push(request);
            const answer = handle(request);
            res.writeHead(answer.status, { "Content-Type": "application/json" });
            res.end(answer.body === undefined ? "" : JSON.stringify(answer.body));
        });
    });
    await new Promise<void>((resolve) => server.listen(0, host, resolve));
    return {
        url: `https://${host}:${(server.address() as AddressInfo).port}`,
        requests,
        close: () => new Promise((resolve) => {
            server.closeAllConnections();
            server.close(() => resolve());
        }),
    };
}

/** A Kubernetes Status answer. */
export function status(code: number, message: string): ApiAnswer {
    return { status: code, body: { kind: "Status", apiVersion: "v1", status: "Failure", message, code } };
}

/** KubeFed's role in member2 (host "host"), URL-encoded. */
export const ROLE = "kubefed-controller-manager%3Amember2-host";

export interface MemberObject {
    kind: "Namespace" | "Deployment" | "Service";
    name: string;
    namespace?: string;
    labels: { [key: string]: string };
}

const PLURALS: { [plural: string]: MemberObject["kind"] } = { namespaces: "Namespace", deployments: "Deployment", services: "Service" };

/**
 * A member as KubeFed left it: namespace shop, Deployment shop/web and Service shop/web labelled
 * managed, an unmanaged Deployment beside them; it serves no other federated type (404). KubeFed's
 * role there is that of `member` (default member2). The authorizer sees role changes `lag` reviews
 * late, and `otherBinding` grants updates whatever the role says.
 */
export function simulatedMember(opts: { lag?: number; otherBinding?: boolean; member?: string } = {}) {
    const role = encodeURIComponent(`kubefed-controller-manager:${opts.member ?? "member2"}-host`);
    const objects: MemberObject[] = [
        { kind: "Namespace", name: "shop", labels: { [MANAGED_LABEL]: "true" } },
        { kind: "Namespace", name: "default", labels: {} },
        { kind: "Deployment", name: "web", namespace: "shop", labels: { [MANAGED_LABEL]: "true", app: "web" } },
        { kind: "Deployment", name: "own", namespace: "shop", labels: { app: "own" } },
        { kind: "Service", name: "web", namespace: "shop", labels: { [MANAGED_LABEL]: "true" } },
    ];
    let rules: PolicyRule[] = [ALL_RESOURCES_RULE, NON_RESOURCE_GET_RULE];
    let seenRules = rules;
    let reviewsSinceChange = 0;
    const mayUpdateDeployments = (r: PolicyRule[]) => r.some((rule) => rule.resources?.some((x) => x === "*" || x === "deployments") && rule.verbs.some((v) => v === "*" || v === "update"));
    const labelled = (kind: string, namespace?: string) =>
        objects.filter((o) => o.kind === kind && o.labels[MANAGED_LABEL] === "true" && (!namespace || o.namespace === namespace)).map((o) => ({ metadata: { name: o.name, namespace: o.namespace } }));
    const patchLabels = (o: MemberObject | undefined, req: ApiRequest) => {
        if (!o) return status(404, "not found");
        for (const [k, v] of Object.entries(req.body.metadata.labels as { [key: string]: string | null })) {
            if (v === null) delete o.labels[k];
            else o.labels[k] = v;
        }
        return { status: 200, body: o };
    };
    const handle = (req: ApiRequest) => {
        const [path] = req.path.split("?");
        let m: RegExpMatchArray | null;
        if (req.method === "PATCH" && (path === `/apis/rbac.authorization.k8s.io/v1/clusterroles/${role}` || path === `/apis/rbac.authorization.k8s.io/v1/namespaces/kube-federation-system/roles/${role}`)) {
            // RBAC's escalation check: granting "*" takes "*", or the escalate verb on this role.
            const grantsAll = (r: PolicyRule[]) => r.some((rule) => rule.verbs.includes("*") && rule.resources?.includes("*"));
            const mayEscalate = rules.some((rule) => rule.verbs.includes("escalate") && rule.resourceNames?.includes(decodeURIComponent(role)));
            if (grantsAll(req.body.rules) && !grantsAll(rules) && !mayEscalate) {
                return status(403, "is attempting to grant RBAC permissions not currently held");
            }
            rules = req.body.rules;
            reviewsSinceChange = 0;
            return { status: 200, body: { rules } };
        }
        if (req.method === "POST" && path === "/apis/authorization.k8s.io/v1/selfsubjectaccessreviews") {
            if (reviewsSinceChange++ >= (opts.lag ?? 0)) seenRules = rules;
            return { status: 201, body: { status: { allowed: opts.otherBinding || mayUpdateDeployments(seenRules) } } };
        }
        const served = "(?:api/v1|apis/apps/v1)";
        if (req.method === "GET" && (m = path.match(new RegExp(`^/${served}(?:/namespaces/([^/]+))?/([a-z]+)$`))) && PLURALS[m[2]]) return { status: 200, body: { items: labelled(PLURALS[m[2]], m[1]) } };
        if (req.method === "PATCH" && (m = path.match(new RegExp(`^/${served}(?:/namespaces/([^/]+))?/([a-z]+)/([^/]+)$`))) && PLURALS[m[2]])
            return patchLabels(objects.find((o) => o.kind === PLURALS[m![2]] && o.name === decodeURIComponent(m![3]) && (o.namespace ?? undefined) === m![1]), req);
        return status(404, `no route for ${req.method} ${req.path}`);
    };
    return { objects, handle, rules: () => rules, setRules: (r: PolicyRule[]) => (rules = seenRules = r) };
}

const CLUSTERS = "/apis/core.kubefed.io/v1beta1/namespaces/kube-federation-system/kubefedclusters";
const SECRETS = "/api/v1/namespaces/kube-federation-system/secrets";

export interface SimulatedKubeFedCluster {
    metadata: { name: string; labels?: { [key: string]: string }; annotations?: { [key: string]: string | null } };
    spec: { secretRef: { name: string } };
    status?: unknown;
}

/**
 * A host with, in the KubeFed namespace, the KubeFedClusters `clusters` (GET, list, by a label
 * `key=value` too, merge-PATCH of annotations, DELETE) and the Secrets `secrets` (DELETE).
 */
export function simulatedHost(clusters: SimulatedKubeFedCluster[], secrets: string[]) {
    const handle = (req: ApiRequest) => {
        const [path, query] = req.path.split("?");
        if (path === CLUSTERS && req.method === "GET") {
            const selector = new URLSearchParams(query ?? "").get("labelSelector");
            const [key, value] = selector?.split("=") ?? [];
            return { status: 200, body: { items: clusters.filter((c) => !selector || c.metadata.labels?.[key] === value) } };
        }
        if (req.path.startsWith(`${CLUSTERS}/`)) {
            const cluster = clusters.find((c) => c.metadata.name === decodeURIComponent(req.path.slice(CLUSTERS.length + 1)));
            if (!cluster) {
                return status(404, "kubefedclusters.core.kubefed.io not found");
            }
            if (req.method === "DELETE") {
                clusters.splice(clusters.indexOf(cluster), 1);
                return { status: 200, body: { kind: "Status", status: "Success" } };
            }
            if (req.method === "PATCH") {
                const annotations = { ...cluster.metadata.annotations, ...req.body.metadata.annotations };
                cluster.metadata.annotations = Object.fromEntries(Object.entries(annotations).filter(([, v]) => v !== null)) as { [key: string]: string };
            }
            return { status: 200, body: cluster };
        }
        if (req.path.startsWith(`${SECRETS}/`) && req.method === "DELETE") {
            const i = secrets.indexOf(decodeURIComponent(req.path.slice(SECRETS.length + 1)));
            if (i < 0) {
                return status(404, "secrets not found");
            }
            secrets.splice(i, 1);
            return { status: 200, body: { kind: "Status", status: "Success" } };
        }
        return status(400, `unexpected ${req.method} ${req.path}`);
    };
    return { clusters, secrets, handle };
}
