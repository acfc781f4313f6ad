// Test helpers, shared by the unit suites: fixture kubeconfigs, and a run of the component under
// Pulumi's mocks that records every registration.
import * as fs from "fs";
import * as childProcess from "child_process";
import * as path from "path";
import Ajv from "ajv";
import * as yaml from "js-yaml";
import * as pulumi from "@pulumi/pulumi";
import type { FederatedDeploymentArgs, KubefedFederationArgs, MemberClusterArgs } from "../../src";

export const FIXTURES = path.join(__dirname, "fixtures");

/** A real CA certificate (PEM): member1, member2 and member3 have their own, other names member1's. */
export function fixtureCA(member: string): string {
    const own = path.join(FIXTURES, `${member}-ca.pem`);
    return fs.readFileSync(fs.existsSync(own) ? own : path.join(FIXTURES, "member1-ca.pem"), "utf8");
}

export function b64(text: string): string {
    return Buffer.from(text, "utf8").toString("base64");
}

/** The admin token of a fixture kubeconfig: a credential that must never leak. */
export function adminToken(member: string): string {
    return `admin-token-of-${member}`;
}

/** The token the simulated token controller writes into a member's service-account Secret. */
export function serviceAccountToken(memberSecretName: string): string {
    return `sa-token-of-${memberSecretName}`;
}

/** The server a fixture member's kubeconfig names, e.g. https://member1.example.com:6443. */
export function fixtureServer(member: string): string {
    return `https://${member}.example.com:6443`;
}

/** A kubeconfig for a fixture member with contexts `<member>` (current) and `<member>-other`. */
export function fixtureKubeconfig(member: string): string {
    return yaml.dump({
        apiVersion: "v1",
        kind: "Config",
        "current-context": member,
        clusters: [
            { name: member, cluster: { server: fixtureServer(member), "certificate-authority-data": b64(fixtureCA(member)) } },
            { name: `${member}-other`, cluster: { server: `https://other.${member}.example.com` } },
        ],
        users: [{ name: "admin", user: { token: adminToken(member) } }],
        contexts: [
            { name: member, context: { cluster: member, user: "admin" } },
            { name: `${member}-other`, context: { cluster: `${member}-other`, user: "admin" } },
        ],
    });
}

/** The fixture kubeconfig of `member` (see fixtureKubeconfig), its parsed document changed by `change`. */
export function fixtureKubeconfigWith(member: string, change: (doc: any) => void): string {
    const doc = yaml.load(fixtureKubeconfig(member)) as any;
    change(doc);
    return yaml.dump(doc, { lineWidth: -1 });
}

/** A real private key (PEM): the test API server's. */
export function fixturePrivateKey(): string {
    return fs.readFileSync(path.join(FIXTURES, "test-apiserver-key.pem"), "utf8");
}

/** A file that exists and can be read (a CA of the fixtures), for kubeconfigs that name files. */
export const READABLE_FIXTURE_FILE = path.join(FIXTURES, "member1-ca.pem");

export function member(name: string, extra: Partial<MemberClusterArgs> = {}): MemberClusterArgs {
    return { name, kubeconfig: fixtureKubeconfig(name), ...extra };
}

/** The settings of a federation with every default, as the UnreachableMemberRelease keeps them. */
export const DEFAULT_TEARDOWN_SETTINGS = {
    federationName: "federation",
    hostClusterName: "host",
    kubefedNamespace: "kube-federation-system",
    scope: "Cluster" as const,
    configNamespace: "kube-system",
    kubeconfigSecretName: "kubefed-kubeconfig",
};

/** A federated Deployment of nginx-like pods labelled app=<name>. */
export function workload(name: string, namespace: string, extra: Partial<FederatedDeploymentArgs> = {}): FederatedDeploymentArgs {
    return {
        name,
        namespace,
        spec: {
            selector: { matchLabels: { app: name } },
            template: { metadata: { labels: { app: name } }, spec: { containers: [{ name: "app", image: "registry.local/app:1" }] } },
        },
        ...extra,
    };
}

/** Pulumi's marker of a secret value in serialized inputs. */
const SECRET_SIG = "1b47061264138c4ac30d75fd1eb44270";
const SIG_KEY = "4dabf18193072939515e22adb298388d";

function isSecretWrapper(value: unknown): value is { value: unknown } {
    return typeof value === "object" && value !== null && (value as Record<string, unknown>)[SIG_KEY] === SECRET_SIG;
}

/** Strips secret markers; records the paths that were secret (e.g. "data", "kubeconfig"). */
export function unwrap(value: unknown, at = "", secretPaths: string[] = []): unknown {
    if (isSecretWrapper(value)) {
        secretPaths.push(at);
        return unwrap(value.value, at, secretPaths);
    }
    if (Array.isArray(value)) {
        return value.map((v, i) => unwrap(v, `${at}[${i}]`, secretPaths));
    }
    if (typeof value === "object" && value !== null) {
        return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, unwrap(v, at ? `${at}.${k}` : k, secretPaths)]));
    }
    return value;
}

export interface Registration {
    type: string;
    name: string;
    /** Inputs with secret markers stripped. */
    inputs: any;
    /** Input paths that were Pulumi secrets. */
    secretPaths: string[];
    /** The URN of the explicit provider, if any. */
    provider?: string;
    parent: string;
    deleteBeforeReplace: boolean;
    dependencies: string[];
    additionalSecretOutputs: string[];
    /** The plugin version and download URL the resource asks for (empty: the SDK's default). */
    version: string;
    pluginDownloadURL: string;
    /** The names of the resource hooks bound before an update, after a create and after an update. */
    beforeUpdateHooks: string[];
    afterCreateHooks: string[];
    afterUpdateHooks: string[];
    /** The names this child had before (aliases with a name only). */
    aliasNames: string[];
    urn: string;
}

export interface FederationRun {
    registrations: Registration[];
    /** The children: every registration but the component itself. */
    children: Registration[];
    clusterNames: string[];
    clusters: Record<string, any>;
    clusterNamesSecret: boolean;
    clustersSecret: boolean;
    /** The resource hooks the program registered with the engine, by name. */
    hooks: string[];
    propagation: Record<string, any>;
    propagationSecret: boolean;
}

/** Waits until every registration sent to the (mock) engine has been answered. */
function registrationsSettled(): Promise<void> {
    // Internal to the SDK (not in its typings): what `pulumi` itself awaits before exiting.
    const settings = require("@pulumi/pulumi/runtime/settings") as { waitForRPCs(): Promise<void> };
    return settings.waitForRPCs();
}

export function promiseOf<T>(output: pulumi.Output<T>): Promise<T> {
    return new Promise((resolve) => output.apply(resolve));
}

/** Members the mocked KubeFed reports not Ready in the status of every federated object. */
export const notReadyMembers = new Set<string>();

/** What the mocked engine does for each registration: echo inputs, and play the token controller and KubeFed. */
export function mockState(type: string, inputs: any): Record<string, any> {
    if (type === "kubernetes:core/v1:Secret" && inputs.type === "kubernetes.io/service-account-token") {
        return { ...inputs, data: { token: b64(serviceAccountToken(inputs.metadata.name)), "ca.crt": b64("ca") } };
    }
    if (type === "kubernetes:helm.sh/v3:Release") {
        // What Helm reports once the release is installed and its Deployments are available.
        return { ...inputs, status: { name: inputs.name, namespace: inputs.namespace, status: "deployed", version: "0.0.6", revision: 1 } };
    }
    if (type === "kubernetes:core.kubefed.io/v1beta1:KubeFedCluster") {
        return { ...inputs, status: { conditions: [{ type: "Ready", status: "True" }] } };
    }
    if (type.startsWith("kubernetes:types.kubefed.io/v1beta1:") && inputs.spec?.placement?.clusters) {
        // KubeFed's status: each placed member, up to date unless it is one of notReadyMembers.
        const clusters = inputs.spec.placement.clusters.map((c: { name: string }) => ({ name: c.name, ...(notReadyMembers.has(c.name) ? { status: "ClusterNotReady" } : {}) }));
        return { ...inputs, status: { clusters } };
    }
    return inputs;
}

/**
 * Constructs a KubefedFederation under Pulumi's mocks and waits until every registration is done.
 * Throws what the constructor throws. `opts.hostProvider` passes a kubernetes Provider as `provider`;
 * `args` may be a function of the kubernetes package, to pass resources made under the mocks.
 */
export async function runFederation(
    args: KubefedFederationArgs | ((k8s: typeof import("@pulumi/kubernetes")) => KubefedFederationArgs),
    opts: { hostProvider?: boolean; name?: string } = {},
): Promise<FederationRun> {
    const registrations: Registration[] = [];
    const requests = new Map<string, Omit<Registration, "inputs" | "secretPaths" | "provider" | "urn">>();
    await pulumi.runtime.setMocks(
        {
            newResource: (mockArgs) => {
                const secretPaths: string[] = [];
                const inputs = unwrap(mockArgs.inputs, "", secretPaths) as any;
                const request = requests.get(`${mockArgs.type}::${mockArgs.name}`)!;
                registrations.push({ ...request, inputs, secretPaths, provider: mockArgs.provider, urn: "" });
                // Echo the inputs as they came (secret markers included), so secretness survives.
                return { id: `${mockArgs.name}-id`, state: { ...mockArgs.inputs, ...mockState(mockArgs.type, inputs) } };
            },
            call: (callArgs) => callArgs.inputs,
        },
        "kubefed-test",
        "unit",
        false,
    );
    // Record what the mocks' newResource does not see: parent, options and dependencies.
    const monitor = pulumi.runtime.getMonitor() as any;
    // The SDK's mock monitor does not answer hook registrations (they would hang): accept them.
    const hooks: string[] = [];
    monitor.registerResourceHook = (req: any, callback: any) => {
        hooks.push(req.getName());
        hookTokens.set(req.getName(), req.getCallback().getToken());
        callback(null, {});
    };
    const register = monitor.registerResource.bind(monitor);
    monitor.registerResource = (req: any, callback: any) => {
        requests.set(`${req.getType()}::${req.getName()}`, {
            type: req.getType(),
            name: req.getName(),
            parent: req.getParent(),
            deleteBeforeReplace: req.getDeletebeforereplace(),
            dependencies: req.getDependenciesList(),
            additionalSecretOutputs: req.getAdditionalsecretoutputsList(),
            version: req.getVersion(),
            pluginDownloadURL: req.getPlugindownloadurl(),
            beforeUpdateHooks: req.getHooks()?.getBeforeUpdateList() ?? [],
            afterCreateHooks: req.getHooks()?.getAfterCreateList() ?? [],
            afterUpdateHooks: req.getHooks()?.getAfterUpdateList() ?? [],
            aliasNames: (req.getAliasesList?.() ?? []).map((a: any) => a.getSpec?.()?.getName?.()).filter((n: unknown) => typeof n === "string" && n !== ""),
        });
        return register(req, (err: any, response: any) => {
            const done = registrations.find((r) => r.type === req.getType() && r.name === req.getName());
            if (done && response) {
                done.urn = response.getUrn();
            }
            callback(err, response);
        });
    };

    const { KubefedFederation } = await import("../../src");
    const k8s = await import("@pulumi/kubernetes");
    const provider = opts.hostProvider ? new k8s.Provider("host", { kubeconfig: fixtureKubeconfig("host") }) : undefined;
    let federation;
    try {
        // A function of the kubernetes package: args that hold resources made under the mocks.
        federation = new KubefedFederation(opts.name ?? "fed", typeof args === "function" ? args(k8s) : args, { provider });
    } catch (e) {
        await registrationsSettled();
        throw Object.assign(e as Error, { registrations });
    }
    const [clusterNames, clusters, clusterNamesSecret, clustersSecret, propagation, propagationSecret] = await Promise.all([
        promiseOf(federation.clusterNames),
        promiseOf(federation.clusters),
        pulumi.isSecret(federation.clusterNames),
        pulumi.isSecret(federation.clusters),
        promiseOf(federation.propagation),
        pulumi.isSecret(federation.propagation),
    ]);
    await registrationsSettled();
    if (!registrations.some((r) => r.type === "kubefed:index:KubefedFederation")) {
        throw new Error("the mocks saw no registration: is setMocks in effect?");
    }
    const children = registrations.filter((r) => r.type !== "kubefed:index:KubefedFederation" && r.name !== "host");
    return { registrations, children, clusterNames, clusters, clusterNamesSecret, clustersSecret, hooks, propagation, propagationSecret };
}

/** The callback token of each resource hook registered in the last `runFederation`, by name. */
const hookTokens = new Map<string, string>();

/** `value` as a Pulumi secret, in the wire form the engine sends. */
export function wireSecret(value: unknown): Record<string, unknown> {
    return { [SIG_KEY]: SECRET_SIG, value };
}

/**
 * Calls a resource hook of the last `runFederation` through the SDK's callback server, as the
 * engine calls it around a step. Resolves with the error the hook reported, if any.
 */
export async function callHook(hookName: string, args: { resourceName: string; oldInputs?: Record<string, unknown>; newInputs?: Record<string, unknown> }): Promise<string | undefined> {
    const resproto = require("@pulumi/pulumi/proto/resource_pb");
    const { Struct } = require("google-protobuf/google/protobuf/struct_pb");
    const { getStore } = require("@pulumi/pulumi/runtime/state");
    const request = new resproto.ResourceHookRequest();
    request.setName(args.resourceName);
    if (args.oldInputs) {
        request.setOldInputs(Struct.fromJavaScript(args.oldInputs));
    }
    if (args.newInputs) {
        request.setNewInputs(Struct.fromJavaScript(args.newInputs));
    }
    const callback = getStore().callbacks._callbacks.get(hookTokens.get(hookName));
    if (!callback) {
        throw new Error(`no hook ${hookName} was registered`);
    }
    const response = await callback(request.serializeBinary());
    return response.getError() || undefined;
}

/** The children of one kind, by metadata name. */
export function byKind(run: FederationRun, type: string): Registration[] {
    return run.children.filter((r) => r.type === type);
}

export function find(run: FederationRun, type: string, name: string, namespace?: string): Registration {
    const found = run.children.filter((r) => r.type === type && r.inputs.metadata?.name === name && r.inputs.metadata?.namespace === namespace);
    if (found.length !== 1) {
        throw new Error(`expected one ${type} ${namespace ?? ""}/${name}, found ${found.length}: ${run.children.map((r) => `${r.type} ${r.name}`).join(", ")}`);
    }
    return found[0];
}

/** Runs the component on args it must refuse; returns the error and what was registered anyway. */
export async function refusal(args: unknown): Promise<{ error: Error; registrations: Registration[] }> {
    try {
        await runFederation(args as KubefedFederationArgs);
    } catch (e) {
        return { error: e as Error, registrations: (e as { registrations: Registration[] }).registrations };
    }
    throw new Error("the component accepted the args");
}

/**
 * Runs the component in a child Node.js process under the mocks, as the engine runs a program,
 * and returns what it printed. For failures only known at deploy time: they surface as
 * unhandled rejections, which Jest's sandbox cannot observe. `program` is TypeScript that sees
 * `pulumi`, `KubefedFederation` and the exports of this file.
 */
/** Runs `program` under the mocks in a process of its own; its output has a line `created: <type> <name>` per resource created. */
export function runInChildProcess(program: string): { status: number | null; output: string } {
    const root = path.join(__dirname, "..", "..");
    const script = `
        const fs = require("fs"), ts = require("typescript");
        require.extensions[".ts"] = (m, file) => m._compile(ts.transpileModule(fs.readFileSync(file, "utf8"),
            { compilerOptions: { module: ts.ModuleKind.CommonJS, esModuleInterop: true, target: ts.ScriptTarget.ES2022 } }).outputText, file);
        process.on("unhandledRejection", (e) => { console.error("update failed: " + (e && e.message)); process.exitCode = 1; });
        const pulumi = require("@pulumi/pulumi");
        const helpers = require("./tests/helpers/mocks.ts");
        pulumi.runtime.setMocks({ newResource: (a) => { console.log("created: " + a.type + " " + a.name); return { id: a.name + "-id", state: { ...a.inputs, ...helpers.mockState(a.type, a.inputs) } }; }, call: (a) => a.inputs }, "p", "s", false)
            .then(() => {
                // The SDK's mock monitor does not answer hook registrations: accept them.
                pulumi.runtime.getMonitor().registerResourceHook = (req, callback) => callback(null, {});
                const { KubefedFederation } = require("./src"); ${program} });`;
    const result = childProcess.spawnSync(process.execPath, ["-e", script], { cwd: root, encoding: "utf8", timeout: 60_000 });
    return { status: result.status, output: `${result.stdout}${result.stderr}` };
}

/** Registrations as comparable records: type, name, inputs, provider and options. */
export function registered(run: FederationRun): Record<string, unknown> {
    return Object.fromEntries(
        run.children.map((r) => [
            `${r.type}::${r.name}`,
            { inputs: r.inputs, secretPaths: r.secretPaths, provider: r.provider, dependencies: [...r.dependencies].sort(), dbr: r.deleteBeforeReplace },
        ]),
    );
}

/** The registrations of `after` that differ from `before`, and those only one of them has. */
export function changes(before: FederationRun, after: FederationRun) {
    const a = registered(before);
    const b = registered(after);
    return {
        added: Object.keys(b).filter((k) => !(k in a)).sort(),
        removed: Object.keys(a).filter((k) => !(k in b)).sort(),
        changed: Object.keys(a).filter((k) => k in b && JSON.stringify(a[k]) !== JSON.stringify(b[k])).sort(),
    };
}

/** A validator of KubeFed v0.10.0's CRD schema for `kind`, from the fixtures in tests/fixtures/kubefed-v0.10.0. */
export function crdValidator(file: "core-crds.yaml" | "federated-type-crds.yaml", kind: string) {
    const crdFile = path.join(__dirname, "..", "fixtures", "kubefed-v0.10.0", file);
    const crd = (yaml.loadAll(fs.readFileSync(crdFile, "utf8")) as any[]).find((d) => d?.spec?.names?.kind === kind);
    if (!crd) {
        throw new Error(`no CRD of kind ${kind} in ${crdFile}`);
    }
    const ajv = new Ajv({ strict: false, allErrors: true });
    ajv.addFormat("byte", /^[A-Za-z0-9+/]*={0,2}$/);
    ajv.addFormat("date-time", true);
    ajv.addFormat("int32", true);
    ajv.addFormat("int64", true);
    return ajv.compile(crd.spec.versions.find((v: any) => v.served).schema.openAPIV3Schema);
}
