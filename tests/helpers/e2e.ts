// Helpers of the end-to-end suites: the local environment that e2e/env.sh runs, kubectl against
// its clusters, and Pulumi stacks of the example programs through the Automation API.
import * as childProcess from "child_process";
import * as fs from "fs";
import * as https from "https";
import * as path from "path";
import { EngineEvent, LocalWorkspace, PulumiCommand, Stack } from "@pulumi/pulumi/automation";
import * as yaml from "js-yaml";

export const ROOT = path.join(__dirname, "..", "..");
export type ClusterName = "host" | "member1" | "member2";

/** What `e2e/env.sh status --json` prints. */
export interface Environment {
    running: boolean;
    clusters: Record<ClusterName, { kubeconfig: string; server: string; context: string }>;
    kubeconfigAll: string;
    binDir: string;
    kubefedNamespace: string;
    /** KubeFed's chart, in the sigs.k8s.io/kubefed module the environment builds from. */
    kubefedChart: string;
    env: Record<string, string>;
}

let cached: Environment | undefined;

/** The running local environment; fails when `e2e/env.sh up` has not run. */
export function environment(): Environment {
    if (!cached) {
        const out = childProcess.execFileSync("bash", [path.join(ROOT, "e2e", "env.sh"), "status", "--json"], { encoding: "utf8" });
        const env = JSON.parse(out) as Environment;
        if (!env.running) {
            throw new Error("the local environment is not running: run `bash e2e/env.sh up` (npm run test:e2e does)");
        }
        cached = env;
    }
    return cached;
}

/** Runs the environment's kubectl against one cluster as its admin. */
export function kubectl(cluster: ClusterName, args: string[], input?: string): string {
    const env = environment();
    return childProcess.execFileSync(path.join(env.binDir, "kubectl"), ["--kubeconfig", env.clusters[cluster].kubeconfig, ...args], {
        encoding: "utf8",
        input,
        stdio: ["pipe", "pipe", "pipe"],
    });
}

export function kubectlJSON(cluster: ClusterName, args: string[]): any {
    return JSON.parse(kubectl(cluster, [...args, "-o", "json"]));
}

export function kubeconfigOf(cluster: ClusterName): string {
    return fs.readFileSync(environment().clusters[cluster].kubeconfig, "utf8");
}

/** The admin token of a cluster's kubeconfig (what the program is given, never to be in plaintext in state). */
export function adminTokenOf(cluster: ClusterName): string {
    return kubeconfigOf(cluster).match(/token: (\S+)/)![1];
}

export function fromBase64(data: string): string {
    return Buffer.from(data, "base64").toString("utf8");
}

/** Describes a listed object by what a join decides: kind, namespace/name, rules, role and subjects. */
function describeObject(item: any): string {
    const meta = item.metadata;
    let line = `${item.kind} ${meta.namespace ?? ""}/${meta.name}`;
    if (item.rules) {
        line += ` rules=${JSON.stringify(item.rules)}`;
    }
    if (item.roleRef) {
        line += ` roleRef=${item.roleRef.kind}/${item.roleRef.name} subjects=${JSON.stringify(item.subjects)}`;
    }
    if (item.type) {
        line += ` type=${item.type}`;
    }
    return line;
}

/**
 * Every object in a cluster that a join of `member` (under the host name `host`) leaves: in the
 * member, what carries the service account's name; on the host, the KubeFedCluster and the Secrets
 * named after the member.
 */
export function joinFootprint(member: ClusterName, host = "host"): { inMember: string[]; onHost: string[] } {
    const ns = environment().kubefedNamespace;
    const serviceAccount = `${member}-${host}`;
    const names = (items: any[], keep: (name: string) => boolean) =>
        items
            .filter((item) => keep(item.metadata.name))
            .map(describeObject)
            .sort();
    const namespaced = kubectlJSON(member, ["get", "serviceaccounts,secrets,roles,rolebindings", "-n", ns]).items;
    const clusterWide = kubectlJSON(member, ["get", "clusterroles,clusterrolebindings"]).items;
    const onHost = kubectlJSON("host", ["get", "kubefedclusters.core.kubefed.io,secrets", "-n", ns]).items;
    return {
        inMember: [...names(namespaced, (n) => n.includes(serviceAccount)), ...names(clusterWide, (n) => n.includes(serviceAccount))].sort(),
        onHost: names(onHost, (n) => n === member || n.startsWith(`${member}-`)),
    };
}

export interface MemberConfig {
    name: ClusterName;
    replicas?: number;
    labels?: Record<string, string>;
    tokenRotation?: string;
    /** The cluster whose kubeconfig the member is given; default: its own (another one moves it). */
    kubeconfigOf?: ClusterName;
}

/** Where e2e/programs.sh installed the packed package, the plugin's and the wheel's programs' dependencies. */
export function programsDir(): string {
    const dir = path.join(stateDir(), "programs");
    if (!fs.existsSync(path.join(dir, "node", "node_modules", "@kubefed-iac", "kubefed"))) {
        throw new Error(`${dir} has no installed package: run \`npm run package && bash e2e/programs.sh\` (npm run test:e2e does)`);
    }
    return dir;
}

const EXAMPLE_FILES = { basic: ["index.ts", "Pulumi.yaml"], application: ["index.ts", "Pulumi.yaml"], "control-plane": ["index.ts", "Pulumi.yaml"], "yaml-control-plane": ["Pulumi.yaml"], "python-control-plane": ["__main__.py", "Pulumi.yaml", "requirements.txt"], python: ["__main__.py", "Pulumi.yaml", "requirements.txt"], yaml: ["Pulumi.yaml"] };

/**
 * examples/<name>, outside the checkout as a user has it: a copy under <state>/programs/<name>
 * with the dependencies e2e/programs.sh installed from dist/ (the npm tarball for TypeScript, the
 * wheel's virtualenv for Python; the plugin is in PULUMI_HOME). Returns its folder.
 */
export function exampleProgram(name: keyof typeof EXAMPLE_FILES): string {
    const programs = programsDir();
    const dir = path.join(programs, name);
    fs.mkdirSync(dir, { recursive: true });
    for (const file of EXAMPLE_FILES[name]) {
        fs.copyFileSync(path.join(ROOT, "examples", name, file), path.join(dir, file));
    }
    const link = (target: string, at: string) => {
        if (!fs.existsSync(path.join(dir, at))) {
            fs.symlinkSync(target, path.join(dir, at));
        }
    };
    if (name === "basic" || name === "application" || name === "control-plane") {
        link(path.join(programs, "node", "node_modules"), "node_modules");
        fs.writeFileSync(path.join(dir, "tsconfig.json"), JSON.stringify({ compilerOptions: { target: "ES2022", module: "commonjs", strict: true, esModuleInterop: true, skipLibCheck: true } }));
    } else if (name === "python" || name === "python-control-plane") {
        link(path.join(programs, "python-venv"), "venv");
    }
    return dir;
}

/** A stack of examples/basic (or another program folder) in the local backend, configured for `members`. */
export async function federationStack(stackName: string, members: MemberConfig[], workDir = exampleProgram("basic"), extra: Record<string, string> = {}): Promise<Stack> {
    const env = environment();
    const pulumiCommand = await PulumiCommand.get({ root: path.dirname(env.binDir), skipVersionCheck: true });
    const stack = await LocalWorkspace.createOrSelectStack({ stackName, workDir }, { envVars: env.env, pulumiCommand });
    await configureMembers(stack, members, extra);
    return stack;
}

/** Sets the config examples/basic reads for `members`, plus `extra` plain keys (e.g. `workload`); `extra.hostKubeconfig` replaces the host's and `extra.dbPassword` (examples/application) is set, both as secrets. */
export async function configureMembers(stack: Stack, members: MemberConfig[], extra: Record<string, string> = {}): Promise<void> {
    const { hostKubeconfig = kubeconfigOf("host"), dbPassword, ...plain } = extra;
    const config: Record<string, { value: string; secret?: boolean }> = {
        ...Object.fromEntries(Object.entries(plain).map(([key, value]) => [key, { value }])),
        ...(dbPassword === undefined ? {} : { dbPassword: { value: dbPassword, secret: true } }),
        hostKubeconfig: { value: hostKubeconfig, secret: true },
        members: { value: JSON.stringify(members.map((m) => m.name)) },
        waitForReady: { value: "true" },
    };
    for (const m of members) {
        config[`${m.name}Kubeconfig`] = { value: kubeconfigOf(m.kubeconfigOf ?? m.name), secret: true };
        if (m.tokenRotation !== undefined) {
            config[`${m.name}TokenRotation`] = { value: m.tokenRotation };
        }
        if (m.replicas !== undefined) {
            config[`${m.name}Replicas`] = { value: String(m.replicas) };
        }
        if (m.labels !== undefined) {
            config[`${m.name}Labels`] = { value: JSON.stringify(m.labels) };
        }
    }
    // Drop what a previous configuration set and this one does not.
    const stale = Object.keys(await stack.getAllConfig())
        .map((key) => key.split(":")[1])
        .filter((key) => !(key in config));
    if (stale.length > 0) {
        await stack.removeAllConfig(stale);
    }
    await stack.setAllConfig(config);
}

/** A step of an update or preview: operation, resource type and logical name. */
export interface Step {
    op: string;
    type: string;
    name: string;
    /** The properties an update or replace changes, as the engine names them. */
    diffs: string[];
}

/** Collects the steps of an operation from its engine events; `same` steps are left out. */
export function stepCollector(): { onEvent: (event: EngineEvent) => void; steps: Step[] } {
    const steps: Step[] = [];
    return {
        steps,
        onEvent: (event) => {
            const metadata = event.resourcePreEvent?.metadata;
            if (metadata && metadata.op !== "same") {
                const diffs = Object.keys(metadata.detailedDiff ?? {}).length > 0 ? Object.keys(metadata.detailedDiff!) : (metadata.diffs ?? []);
                steps.push({ op: metadata.op, type: metadata.type, name: metadata.urn.split("::").pop()!, diffs: [...diffs].sort() });
            }
        },
    };
}

export function formatSteps(steps: Step[]): string[] {
    return steps.map((s) => `${s.op} ${s.type} ${s.name}`).sort();
}

/** The steps a preview of `stack` would take now, each with the properties it changes; empty when it is converged. */
export async function pendingChanges(stack: Stack): Promise<string[]> {
    const collector = stepCollector();
    await stack.preview({ onEvent: collector.onEvent });
    return collector.steps.map((s) => `${s.op} ${s.type} ${s.name}${s.diffs.length > 0 ? ` (${s.diffs.join(", ")})` : ""}`).sort();
}

/** The steps a preview of `stack` would take now; empty when it is converged. */
export async function previewSteps(stack: Stack): Promise<string[]> {
    const collector = stepCollector();
    await stack.preview({ onEvent: collector.onEvent });
    return formatSteps(collector.steps);
}

/** Configures `stack` for `members` (and `extra` config), previews, then applies: the previewed steps, what `up` printed, and how long it took. */
export async function previewAndUp(stack: Stack, members: MemberConfig[], extra: Record<string, string> = {}): Promise<{ steps: string[]; output: string; seconds: number }> {
    await configureMembers(stack, members, extra);
    const steps = await previewSteps(stack);
    const started = Date.now();
    const result = await stack.up();
    if (result.summary.result !== "succeeded") {
        throw new Error(`up of ${stack.name}: ${result.summary.result}`);
    }
    return { steps, output: result.stdout, seconds: (Date.now() - started) / 1000 };
}

/** Runs a command with the environment's PATH and Pulumi settings; returns stdout. */
export function run(command: string, args: string[], cwd = ROOT): string {
    return childProcess.execFileSync(command, args, { cwd, encoding: "utf8", env: { ...process.env, ...environment().env }, stdio: ["ignore", "pipe", "pipe"] });
}

/** Every file the local backend holds for a stack (checkpoint, history, backups), as text. */
export function stateFilesOf(stackName: string): string {
    const backend = environment().env.PULUMI_BACKEND_URL.replace(/^file:\/\//, "");
    const files: string[] = [];
    const visit = (dir: string) => {
        for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
            const full = path.join(dir, entry.name);
            if (entry.isDirectory()) {
                visit(full);
            } else if (full.includes(stackName)) {
                files.push(fs.readFileSync(full, "utf8"));
            }
        }
    };
    visit(path.join(backend, ".pulumi"));
    if (files.length === 0) {
        throw new Error(`no state of stack ${stackName} under ${backend}`);
    }
    return files.join("\n");
}

/**
 * Fails when the engine printed "using <plugin> from $PATH at ...": e2e/env.sh installs the
 * plugins into PULUMI_HOME and keeps them off PATH, so the warning means PATH is wrong again.
 */
export function assertNoPluginFromPath(what: string, output: string): void {
    const warning = /^.*using \S+ from \$PATH.*$/m.exec(output);
    if (warning) {
        throw new Error(`${what}: the engine took a plugin from PATH, not from PULUMI_HOME: ${warning[0].trim()}`);
    }
}

/** Runs `up` and returns the list and describe outputs. */
export async function upAndReadOutputs(stack: Stack): Promise<{ clusterNames: string[]; clusters: Record<string, any> }> {
    const result = await stack.up();
    if (result.summary.result !== "succeeded") {
        throw new Error(`up of ${stack.name}: ${result.summary.result}`);
    }
    assertNoPluginFromPath(`up of ${stack.name}`, result.stdout + result.stderr);
    const outputs = await stack.outputs();
    return { clusterNames: outputs.clusterNames.value, clusters: outputs.clusters.value };
}

/** The names of the KubeFedClusters on the host, sorted. */
export function kubeFedClusterNames(): string[] {
    return kubectlJSON("host", ["get", "kubefedclusters.core.kubefed.io", "-n", environment().kubefedNamespace]).items.map((c: any) => c.metadata.name).sort();
}

export function kubeFedClusterReady(name: string): boolean {
    const cluster = kubectlJSON("host", ["get", "kubefedclusters.core.kubefed.io", name, "-n", environment().kubefedNamespace]);
    return (cluster.status?.conditions ?? []).some((c: any) => c.type === "Ready" && c.status === "True");
}

/** Which credentials of the host (hostKubeconfig's) and of the joined members appear in plaintext in a stack's state files. */
export function plaintextCredentialsIn(stackName: string, members: ClusterName[]): string[] {
    const state = stateFilesOf(stackName);
    const credentials: Record<string, string> = { "host admin token": adminTokenOf("host") };
    for (const m of members) {
        const token = kubectlJSON(m, ["get", "secret", `${m}-host`, "-n", environment().kubefedNamespace]).data.token;
        credentials[`${m} service-account token (base64)`] = token;
        credentials[`${m} service-account token`] = fromBase64(token);
        credentials[`${m} admin token`] = adminTokenOf(m);
    }
    return Object.entries(credentials)
        .filter(([, value]) => state.includes(value))
        .map(([what]) => what);
}

/** Destroys and removes stacks, whatever state a failed test left them in (for afterAll). */
export async function removeStacks(stacks: (Stack | undefined)[]): Promise<void> {
    for (const stack of stacks) {
        if (stack) {
            // A test that killed an update leaves its lock.
            await stack.cancel().catch(() => undefined);
            await stack.destroy().catch(() => undefined);
            await stack.workspace.removeStack(stack.name).catch(() => undefined);
        }
    }
}

/** The folder of the environment's state (certs, pids, logs): beside its kubeconfigs. */
function stateDir(): string {
    return path.dirname(path.dirname(environment().kubeconfigAll));
}

/** Kills a member's kube-apiserver process (SIGKILL), through the environment's pid file. */
export function killApiserver(cluster: ClusterName): void {
    const pidFile = path.join(stateDir(), "pids", `apiserver-${cluster}.pid`);
    process.kill(Number(fs.readFileSync(pidFile, "utf8").trim()), "SIGKILL");
}

/** `e2e/env.sh up`: restarts whatever of the environment is not running. */
export function environmentUp(): void {
    childProcess.execFileSync("bash", [path.join(ROOT, "e2e", "env.sh"), "up"], { stdio: ["ignore", "pipe", "pipe"], env: { ...process.env, KUBEFED_E2E_SKIP_BUILD: "1" } });
}

/** Polls `read` every second until it returns true, up to `seconds`; returns whether it did. */
export async function until(read: () => boolean, seconds: number): Promise<boolean> {
    for (let i = 0; i < seconds; i++) {
        if (read()) {
            return true;
        }
        await new Promise((resolve) => setTimeout(resolve, 1000));
    }
    return read();
}

/** The replicas of a Deployment in a cluster, or undefined when it has none; throws when the cluster does not answer (within 2 s). */
export function deploymentReplicas(cluster: ClusterName, namespace: string, name: string): number | undefined {
    const out = kubectl(cluster, ["--request-timeout=2s", "get", "deployment", name, "-n", namespace, "--ignore-not-found", "-o", "jsonpath={.spec.replicas}"]).trim();
    return out === "" ? undefined : Number(out);
}

/** Runs the environment's kubectl against one cluster without blocking; resolves with stdout, or undefined on failure. */
export function kubectlAsync(cluster: ClusterName, args: string[]): Promise<string | undefined> {
    const env = environment();
    return new Promise((resolve) =>
        childProcess.execFile(path.join(env.binDir, "kubectl"), ["--kubeconfig", env.clusters[cluster].kubeconfig, "--request-timeout=2s", ...args], (error, stdout) => resolve(error ? undefined : stdout)),
    );
}

/** Samples `sample` every `intervalMs` while `during` runs; returns what `during` returned and the samples. */
export async function sampleWhile<S, T>(sample: () => Promise<S>, during: () => Promise<T>, intervalMs = 500): Promise<{ result: T; samples: S[] }> {
    const samples: S[] = [];
    let stop = false;
    const loop = (async () => {
        while (!stop) {
            samples.push(await sample());
            await new Promise((resolve) => setTimeout(resolve, intervalMs));
        }
    })();
    try {
        return { result: await during(), samples };
    } finally {
        stop = true;
        await loop;
    }
}

/** Watches a Deployment in some clusters while `during` runs: per cluster, its replicas at each sample (undefined: absent). */
export async function watchDeployment<T>(clusters: ClusterName[], namespace: string, name: string, during: () => Promise<T>): Promise<{ result: T; samples: Record<string, (number | undefined)[]> }> {
    const sampleOne = async (cluster: ClusterName) => {
        const out = (await kubectlAsync(cluster, ["get", "deployment", name, "-n", namespace, "--ignore-not-found", "-o", "jsonpath={.spec.replicas}"]))?.trim();
        return out ? Number(out) : undefined;
    };
    const { result, samples } = await sampleWhile(() => Promise.all(clusters.map(sampleOne)), during);
    return { result, samples: Object.fromEntries(clusters.map((c, i) => [c, samples.map((round) => round[i])])) };
}

/** Watches a KubeFedCluster's Ready condition while `during` runs ("True", "False", or undefined when unreadable). */
export async function watchReady<T>(member: string, during: () => Promise<T>): Promise<{ result: T; samples: (string | undefined)[] }> {
    const ns = environment().kubefedNamespace;
    return sampleWhile(async () => (await kubectlAsync("host", ["get", "kubefedclusters.core.kubefed.io", member, "-n", ns, "-o", 'jsonpath={.status.conditions[?(@.type=="Ready")].status}']))?.trim(), during);
}

/** The HTTP status a cluster's API server answers GET /api with, for a bearer token. */
export function apiStatusWithToken(cluster: ClusterName, token: string): Promise<number> {
    const kubeconfig = kubeconfigOf(cluster);
    const ca = Buffer.from(kubeconfig.match(/certificate-authority-data: (\S+)/)![1], "base64").toString("utf8");
    const url = new URL("/api", environment().clusters[cluster].server);
    return new Promise((resolve, reject) => {
        const req = https.request(url, { ca, headers: { Authorization: `Bearer ${token}` }, timeout: 5000 }, (res) => {
            res.resume();
            resolve(res.statusCode ?? 0);
        });
        req.on("error", reject);
        req.end();
    });
}

/**
 * The host's kubeconfig as EKS, GKE and AKS hand them out: the CA by file and the credentials from
 * an exec plugin (a script that prints the admin token as an ExecCredential and counts its runs
 * in `<dir>/runs`), written to `dir`.
 */
export function execPluginHostKubeconfig(dir: string): { kubeconfig: string; runs: () => number } {
    const config = yaml.load(kubeconfigOf("host")) as any;
    const cluster = config.clusters[0].cluster;
    fs.writeFileSync(path.join(dir, "host-ca.crt"), Buffer.from(cluster["certificate-authority-data"], "base64"));
    delete cluster["certificate-authority-data"];
    cluster["certificate-authority"] = path.join(dir, "host-ca.crt");
    const credential = JSON.stringify({ apiVersion: "client.authentication.k8s.io/v1", kind: "ExecCredential", status: { token: adminTokenOf("host") } });
    const script = path.join(dir, "host-credential.sh");
    fs.writeFileSync(script, `#!/bin/sh\necho run >> '${path.join(dir, "runs")}'\ncat <<'EOF'\n${credential}\nEOF\n`, { mode: 0o700 });
    for (const user of config.users) {
        user.user = { exec: { apiVersion: "client.authentication.k8s.io/v1", command: script, interactiveMode: "Never" } };
    }
    const runs = () => (fs.existsSync(path.join(dir, "runs")) ? fs.readFileSync(path.join(dir, "runs"), "utf8").split("\n").filter(Boolean).length : 0);
    return { kubeconfig: yaml.dump(config), runs };
}
