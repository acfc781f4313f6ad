import * as yaml from "js-yaml";
import * as pulumi from "@pulumi/pulumi";
import { KubefedFederationArgs } from "../../src";
import { revisionOf, readyWaitAnnotations } from "../../src/join";
import { renderMemberKubeconfig } from "../../src/kubeconfig";
import { adminToken, b64, byKind, callHook, refusal, changes, crdValidator, runInChildProcess, find, fixtureCA, fixtureKubeconfig, FederationRun, member, Registration, runFederation, serviceAccountToken } from "../helpers/mocks";

jest.setTimeout(30_000); // a hook that asks the host loads @kubernetes/client-node first

const KFC = "kubernetes:core.kubefed.io/v1beta1:KubeFedCluster";
const SECRET = "kubernetes:core/v1:Secret";
const CONFIGMAP = "kubernetes:core/v1:ConfigMap";
const NS = "kube-federation-system";

/** One line per child: type, namespace/name, and which cluster it goes to. */
function summary(run: FederationRun): string[] {
    const providerName = (r: Registration) => (r.provider ? r.provider.split("::")[3] : "host");
    return run.children
        .map((r) => {
            if (r.type === "pulumi:providers:kubernetes") {
                return `provider ${r.name}${r.inputs.deleteUnreachable ? " (deleteUnreachable)" : ""}`;
            }
            const meta = r.inputs.metadata;
            return `${r.type.split(":")[2]} ${meta.namespace ?? ""}/${meta.name} @${providerName(r)}`;
        })
        .sort();
}

function memberSummary(m: string, scope: "Cluster" | "Namespaced", host = "host"): string[] {
    const sa = `${m}-${host}`;
    const rbac =
        scope === "Cluster"
            ? [`ClusterRole /kubefed-controller-manager:${sa} @fed-${m}`, `ClusterRoleBinding /kubefed-controller-manager:${sa} @fed-${m}`]
            : [
                  `Role ${NS}/kubefed-controller-manager:${sa} @fed-${m}`,
                  `RoleBinding ${NS}/kubefed-controller-manager:${sa} @fed-${m}`,
                  `ClusterRole /kubefed-controller-manager:${NS}:healthcheck-${sa} @fed-${m}`,
                  `ClusterRoleBinding /kubefed-controller-manager:${NS}:healthcheck-${sa} @fed-${m}`,
              ];
    return [
        `provider fed-${m} (deleteUnreachable)`,
        `NamespacePatch /${NS} @fed-${m}`,
        `ServiceAccount ${NS}/${sa} @fed-${m}`,
        `Secret ${NS}/${sa} @fed-${m}`,
        ...rbac,
        `Secret ${NS}/${sa}-token @host`,
        `KubeFedCluster ${NS}/${m} @host`,
    ];
}

const hostSummary = ["ConfigMap kube-system/kubefed-config @host", "Secret kube-system/kubefed-kubeconfig @host"];

describe.each(["Cluster", "Namespaced"] as const)("scope %s", (scope) => {
    test.each([0, 1, 3])("%i members: exactly the host objects and each member's join objects", async (count) => {
        const names = ["member1", "member2", "member3"].slice(0, count);
        const run = await runFederation({ scope, clusters: names.map((n) => member(n)) });
        expect(summary(run)).toEqual([...hostSummary, ...names.flatMap((n) => memberSummary(n, scope))].sort());
        expect(run.children.every((r) => r.parent.endsWith("kubefed:index:KubefedFederation::fed"))).toBe(true);
        expect(run.clusterNames).toEqual(names);
    });
});

test("the host objects go through the provider given to the component, members through their own", async () => {
    const run = await runFederation({ clusters: [member("member1")] }, { hostProvider: true });
    const onHost = [find(run, CONFIGMAP, "kubefed-config", "kube-system"), find(run, SECRET, "member1-host-token", NS), find(run, KFC, "member1", NS)];
    for (const r of onHost) {
        expect(r.provider).toMatch(/::pulumi:providers:kubernetes::host::/);
    }
    expect(find(run, SECRET, "member1-host", NS).provider).toMatch(/kubefed:index:KubefedFederation\$pulumi:providers:kubernetes::fed-member1::/);
});

test("a member given the program's own provider: its join objects in the member go through it, and the component makes no provider for it", async () => {
    const run = await runFederation((k8s) => ({
        clusters: [member("member1", { provider: new k8s.Provider("member1-own", { kubeconfig: fixtureKubeconfig("member1") }) }), member("member2")],
    }));
    const inMember1 = run.children.filter((r) => r.provider?.includes("::member1-own::"));
    expect(inMember1.map((r) => r.name).sort()).toEqual(
        ["cluster-role", "cluster-role-binding", "namespace", "service-account", "token"].map((part) => `fed/members/member1/${part}`),
    );
    expect(byKind(run, "pulumi:providers:kubernetes").map((r) => r.name).sort()).toEqual(["fed-member2", "member1-own"]);
    // The host still learns the member from its kubeconfig.
    expect(find(run, KFC, "member1", NS).inputs.spec.apiEndpoint).toBe(run.clusters.member1.apiEndpoint);
});

test("hostKubeconfig binds the kubefedctl take-over hooks to every KubeFedCluster; a host that cannot be asked does not stop the join", async () => {
    const hostKubeconfig = renderMemberKubeconfig({ clusterName: "host", userName: "admin", server: "https://127.0.0.1:1", token: "t" });
    const run = await runFederation({ clusters: [member("member1")], hostKubeconfig });
    const kubeFedCluster = find(run, KFC, "member1", NS);
    expect(kubeFedCluster.beforeUpdateHooks).toEqual(["fed-record-replaced-token-secret"]);
    expect([kubeFedCluster.afterCreateHooks, kubeFedCluster.afterUpdateHooks]).toEqual([["fed-delete-replaced-token-secret"], ["fed-delete-replaced-token-secret"]]);
    const newInputs = { metadata: { name: "member1" }, spec: { secretRef: { name: "member1-host-token" } } };
    expect(await callHook("fed-record-replaced-token-secret", { resourceName: "fed/members/member1/kubefedcluster", newInputs })).toBeUndefined();
    expect(await callHook("fed-delete-replaced-token-secret", { resourceName: "fed/members/member1/kubefedcluster", newInputs })).toBeUndefined();
    // Without it, no hook on the KubeFedCluster at all.
    const plain = await runFederation({ clusters: [member("member1")] });
    expect(find(plain, KFC, "member1", NS).beforeUpdateHooks).toEqual([]);
});

test("a provider that is not a kubernetes Provider is refused with the other problems", async () => {
    const { error } = await refusal({ clusters: [member("member1", { provider: { kubeconfig: "x" } as never })] });
    expect(error.message).toContain('member "member1": provider must be a kubernetes Provider resource (new k8s.Provider(...))');
});

test("every child with a fixed name is deleted before it is replaced; the member's token Secret, renamed by a rotation, after", async () => {
    const run = await runFederation({ clusters: [member("member1")], scope: "Namespaced" });
    const fixedNames = run.children.filter((r) => r.type !== "pulumi:providers:kubernetes" && r.type !== "kubernetes:core/v1:NamespacePatch");
    expect(fixedNames).toHaveLength(10);
    expect(fixedNames.filter((r) => !r.deleteBeforeReplace).map((r) => r.name)).toEqual(["fed/members/member1/token"]);
});

test("tokenRotation: each value names the member's token Secret anew; the host's copy, and the KubeFedCluster's annotation, follow", async () => {
    const secrets = async (tokenRotation?: string) => {
        const run = await runFederation({ clusters: [member("member1", { tokenRotation })] });
        const token = byKind(run, SECRET).find((r) => r.inputs.type === "kubernetes.io/service-account-token")!;
        return {
            run,
            name: token.inputs.metadata.name as string,
            hostToken: find(run, SECRET, "member1-host-token", NS).inputs.data.token,
            annotation: find(run, KFC, "member1", NS).inputs.metadata.annotations["kubefed-iac.io/token-secret"],
        };
    };
    const unset = await secrets();
    const first = await secrets("2026-12");
    const again = await secrets("2026-12");
    const next = await secrets("2027-01");
    expect(unset.name).toBe("member1-host");
    expect(first.name).toMatch(/^member1-host-[0-9a-f]{10}$/);
    expect(next.name).toMatch(/^member1-host-[0-9a-f]{10}$/);
    expect(new Set([unset.name, first.name, next.name]).size).toBe(3);
    expect(again.name).toBe(first.name);
    for (const s of [unset, first, next]) {
        expect(s.annotation).toBe(s.name);
        expect(s.hostToken).toBe(b64(serviceAccountToken(s.name)));
    }
    // A rotation changes the member's token Secret, the host's copy, the KubeFedCluster and the kubeconfig Secret; nothing else.
    expect(changes(first.run, next.run).changed).toEqual([`${SECRET}::fed-kubeconfig`, `${SECRET}::fed/members/member1/host-token`, `${SECRET}::fed/members/member1/token`, `${KFC}::fed/members/member1/kubefedcluster`].sort());
    expect(changes(first.run, again.run)).toEqual({ added: [], removed: [], changed: [] });
});

test("fields: the KubeFedCluster, the token Secrets, the service account and the member provider", async () => {
    const run = await runFederation({
        hostClusterName: "hub",
        kubefedNamespace: "fed-system",
        clusters: [member("member1", { labels: { region: "eu" }, disabledTLSValidations: ["ValidityPeriod"], proxyURL: "https://proxy.example:3128", context: "member1" })],
    });
    expect(find(run, KFC, "member1", "fed-system").inputs).toEqual({
        apiVersion: "core.kubefed.io/v1beta1",
        kind: "KubeFedCluster",
        metadata: { name: "member1", namespace: "fed-system", labels: { region: "eu", "kubefed-iac.io/federation": "federation" }, annotations: { "kubefed-iac.io/token-secret": "member1-hub", "pulumi.com/patchForce": "true" } },
        spec: {
            apiEndpoint: "https://member1.example.com:6443",
            caBundle: b64(fixtureCA("member1")),
            secretRef: { name: "member1-hub-token" },
            disabledTLSValidations: ["ValidityPeriod"],
            proxyURL: "https://proxy.example:3128",
        },
    });
    // The host's copy holds the token the member's token controller wrote.
    expect(find(run, SECRET, "member1-hub-token", "fed-system").inputs.data).toEqual({ token: b64(serviceAccountToken("member1-hub")) });
    expect(find(run, SECRET, "member1-hub", "fed-system").inputs).toMatchObject({
        type: "kubernetes.io/service-account-token",
        metadata: { annotations: { "kubernetes.io/service-account.name": "member1-hub" } },
    });
    expect(find(run, "kubernetes:core/v1:ServiceAccount", "member1-hub", "fed-system").inputs.metadata.name).toBe("member1-hub");
    const provider = run.children.find((r) => r.type === "pulumi:providers:kubernetes")!;
    // No clusterIdentifier: a kubeconfig whose active cluster changes replaces the member's join (a move); one of unreachable members' deletes leave the state.
    expect(provider.inputs).toMatchObject({ kubeconfig: fixtureKubeconfig("member1"), context: "member1", deleteUnreachable: "true" });
    expect(provider.inputs.clusterIdentifier).toBeUndefined();
    // The KubeFedCluster waits for the host token Secret and the member's RBAC.
    const kfc = find(run, KFC, "member1", "fed-system");
    const urnOf = (r: Registration) => r.urn;
    expect(kfc.dependencies).toEqual(expect.arrayContaining([urnOf(find(run, SECRET, "member1-hub-token", "fed-system"))]));
    expect(kfc.dependencies.some((d) => d.includes("ClusterRoleBinding"))).toBe(true);
});

test("kubefed.yaml parses to the federation document", async () => {
    const run = await runFederation({
        federationName: "prod",
        clusters: [
            member("member2", { replicas: 3 }),
            member("member1", { labels: { region: "eu" }, serverAddressByClientCIDRs: [{ clientCIDR: "10.0.0.0/8", serverAddress: "https://10.0.0.1:6443" }] }),
        ],
    });
    const document = yaml.load(find(run, CONFIGMAP, "kubefed-config", "kube-system").inputs.data["kubefed.yaml"]);
    expect(document).toEqual({
        apiVersion: "federation/v1beta1",
        kind: "Federation",
        metadata: { name: "prod" },
        spec: {
            clusters: [
                { clusterName: "member1", serverAddressByClientCIDRs: [{ clientCIDR: "10.0.0.0/8", serverAddress: "https://10.0.0.1:6443" }], labels: { region: "eu" }, replicas: 1 },
                { clusterName: "member2", serverAddressByClientCIDRs: [{ clientCIDR: "0.0.0.0/0", serverAddress: "https://member2.example.com:6443" }], replicas: 3 },
            ],
        },
    });
    // The first serverAddress is member1's apiEndpoint.
    expect(find(run, KFC, "member1", NS).inputs.spec.apiEndpoint).toBe("https://10.0.0.1:6443");
});

const three = (): KubefedFederationArgs => ({ clusters: [member("member1"), member("member2"), member("member3", { labels: { region: "us" } })] });

describe("what an edit changes", () => {
    test("reordering clusters registers identical resources and inputs", async () => {
        const before = await runFederation(three());
        const after = await runFederation({ clusters: [...three().clusters].reverse() });
        expect(changes(before, after)).toEqual({ added: [], removed: [], changed: [] });
        expect(after.clusters).toEqual(before.clusters);
    });

    test("removing a member registers the same resources minus exactly its own", async () => {
        const before = await runFederation(three());
        const after = await runFederation({ clusters: three().clusters.filter((m) => m.name !== "member2") });
        const diff = changes(before, after);
        expect(diff.added).toEqual([]);
        expect(diff.removed).toEqual(
            [
                "pulumi:providers:kubernetes::fed-member2",
                "kubernetes:core/v1:NamespacePatch::fed/members/member2/namespace",
                "kubernetes:core/v1:ServiceAccount::fed/members/member2/service-account",
                "kubernetes:core/v1:Secret::fed/members/member2/token",
                "kubernetes:rbac.authorization.k8s.io/v1:ClusterRole::fed/members/member2/cluster-role",
                "kubernetes:rbac.authorization.k8s.io/v1:ClusterRoleBinding::fed/members/member2/cluster-role-binding",
                "kubernetes:core/v1:Secret::fed/members/member2/host-token",
                `${KFC}::fed/members/member2/kubefedcluster`,
            ].sort(),
        );
        // The federation-wide objects lose the member's entry.
        expect(diff.changed).toEqual([`${CONFIGMAP}::fed-config`, `${SECRET}::fed-kubeconfig`]);
        expect(Object.keys(find(after, SECRET, "kubefed-kubeconfig", "kube-system").inputs.data)).toEqual(["kubeconfig-member1", "kubeconfig-member3"]);
        expect(after.clusterNames).toEqual(["member1", "member3"]);
    });

    test("changing a member's replicas changes only the ConfigMap and the describe output", async () => {
        const before = await runFederation(three());
        const args = three();
        args.clusters[0].replicas = 3;
        const after = await runFederation(args);
        expect(changes(before, after)).toEqual({ added: [], removed: [], changed: [`${CONFIGMAP}::fed-config`] });
        expect(after.clusters.member1.replicas).toBe(3);
        expect(before.clusters.member1.replicas).toBe(1);
    });

    test("changing a member's labels changes only its KubeFedCluster and the ConfigMap", async () => {
        const before = await runFederation(three());
        const args = three();
        args.clusters[2].labels = { region: "eu", tier: "gold" };
        const after = await runFederation(args);
        expect(changes(before, after)).toEqual({ added: [], removed: [], changed: [`${CONFIGMAP}::fed-config`, `${KFC}::fed/members/member3/kubefedcluster`].sort() });
        expect(find(after, KFC, "member3", NS).inputs.metadata.labels).toEqual({ region: "eu", tier: "gold", "kubefed-iac.io/federation": "federation" });
    });
});

describe("credentials", () => {
    const credentials = (run: FederationRun) => [
        ...["member1", "member2"].map(adminToken),
        ...["member1", "member2"].map(fixtureKubeconfig),
        ...["member1-host", "member2-host"].flatMap((s) => [serviceAccountToken(s), b64(serviceAccountToken(s))]),
        ...Object.values(find(run, SECRET, "kubefed-kubeconfig", "kube-system").inputs.data as Record<string, string>),
    ];

    test("every credential is a Pulumi secret where it is registered", async () => {
        const run = await runFederation({ clusters: [member("member1"), member("member2")] });
        for (const provider of byKind(run, "pulumi:providers:kubernetes")) {
            expect(provider.secretPaths).toContain("kubeconfig");
        }
        expect(find(run, SECRET, "kubefed-kubeconfig", "kube-system").secretPaths).toContain("data");
        for (const m of ["member1", "member2"]) {
            expect(find(run, SECRET, `${m}-host-token`, NS).secretPaths).toContain("data");
            // The member's token Secret has no token input; its outputs are secret.
            expect(find(run, SECRET, `${m}-host`, NS).additionalSecretOutputs).toEqual(expect.arrayContaining(["data"]));
        }
        // Outside those secret paths, no registered input carries a credential.
        for (const r of run.children) {
            const visible = JSON.stringify(r.inputs, (key, value) => (r.secretPaths.includes(key) && key !== "" ? "[secret]" : value));
            for (const credential of credentials(run)) {
                expect(visible).not.toContain(credential);
            }
        }
    });

    test("no output carries a credential, and the outputs are not secret", async () => {
        const run = await runFederation({ clusters: [member("member1"), member("member2")] });
        expect(run.clustersSecret).toBe(false);
        expect(run.clusterNamesSecret).toBe(false);
        const outputs = JSON.stringify({ names: run.clusterNames, clusters: run.clusters });
        for (const credential of credentials(run)) {
            expect(outputs).not.toContain(credential);
        }
        expect(run.clusters.member1).toEqual({
            name: "member1",
            apiEndpoint: "https://member1.example.com:6443",
            serverAddressByClientCIDRs: [{ clientCIDR: "0.0.0.0/0", serverAddress: "https://member1.example.com:6443" }],
            labels: {},
            replicas: 1,
            serviceAccountName: "member1-host",
            secretName: "member1-host-token",
            kubeFedClusterName: "member1",
        });
        // The component's own inputs in state hold nothing.
        expect(run.registrations.find((r) => r.type === "kubefed:index:KubefedFederation")!.inputs).toEqual({});
    });

    test("a kubeconfig given as a secret output stays secret, and the endpoint derived from it does not", async () => {
        const run = await runFederation({ clusters: [member("member1", { kubeconfig: pulumi.secret(fixtureKubeconfig("member1")) })] });
        expect(byKind(run, "pulumi:providers:kubernetes")[0].secretPaths).toContain("kubeconfig");
        expect(run.clustersSecret).toBe(false);
        expect(find(run, KFC, "member1", NS).secretPaths).toEqual([]);
        expect(find(run, KFC, "member1", NS).inputs.spec.apiEndpoint).toBe("https://member1.example.com:6443");
    });
});

test("waitForReady annotates each KubeFedCluster and reports its Ready condition", async () => {
    const run = await runFederation({ waitForReady: true, clusters: [member("member1")] });
    // Bounded: the update fails, naming the member's KubeFedCluster, after readyTimeoutSeconds.
    const kubeFedCluster = find(run, KFC, "member1", NS).inputs;
    const revision = revisionOf({ spec: kubeFedCluster.spec, metadata: { labels: kubeFedCluster.metadata.labels, annotations: { "kubefed-iac.io/token-secret": "member1-host", "pulumi.com/patchForce": "true" } } });
    expect(kubeFedCluster.metadata.annotations).toEqual({
        "kubefed-iac.io/token-secret": "member1-host",
        "pulumi.com/patchForce": "true",
        ...readyWaitAnnotations(revision, 120),
    });
    const bounded = await runFederation({ waitForReady: true, readyTimeoutSeconds: 30, clusters: [member("member1")] });
    expect(find(bounded, KFC, "member1", NS).inputs.metadata.annotations["pulumi.com/timeoutSeconds"]).toBe("30");
    expect(run.clusters.member1.ready).toBe(true);
    const without = await runFederation({ clusters: [member("member1")] });
    expect(find(without, KFC, "member1", NS).inputs.metadata.annotations).toEqual({ "kubefed-iac.io/token-secret": "member1-host", "pulumi.com/patchForce": "true" });
    expect(without.clusters.member1.ready).toBeUndefined();
});

test("kubeconfigs known only at deploy time are checked then: one error that names every member with a problem, as it is", async () => {
    const { status, output } = runInChildProcess(`
        new KubefedFederation("fed", { clusters: [
            helpers.member("member6"),
            helpers.member("member7", { kubeconfig: pulumi.output("kind: Config\\nclusters: []\\ncontexts: []\\n") }),
            helpers.member("member8", { kubeconfig: pulumi.output("hello") }),
            helpers.member("member9", { kubeconfig: pulumi.secret(helpers.fixtureKubeconfig("member9")) }),
        ] });`);
    expect(status).toBe(1);
    const failures = output.split("\n").filter((line) => line.startsWith("update failed: "));
    expect(failures.length).toBeGreaterThan(0);
    // Every resource that needed those endpoints failed with the same error, unwrapped.
    expect([...new Set(failures)]).toEqual([
        'update failed: KubefedFederation "fed" has 2 invalid arguments:',
    ]);
    expect(output).toContain('  - member "member7": kubeconfig has no current-context and no context was given\n  - member "member8": kubeconfig is not a kubeconfig');
    expect(output).not.toContain("error serializing property");
    expect(output).not.toContain('member "member6"');
    expect(output).not.toContain('member "member9"');
});

test("nothing is created when a deploy-time check fails: not a member's service account, token, role or binding, nor anything on the host", async () => {
    const created = (output: string) => output.split("\n").filter((l) => l.startsWith("created: ") && !l.startsWith("created: pulumi:providers:") && !l.startsWith("created: kubefed:index:KubefedFederation "));
    const badMember = runInChildProcess(`
        new KubefedFederation("fed", { clusters: [
            helpers.member("member6"),
            helpers.member("member8", { kubeconfig: pulumi.secret("hello") }),
        ], workloads: [helpers.workload("web", "shop")] });`);
    expect(badMember.status).toBe(1);
    expect(badMember.output).toContain('  - member "member8": kubeconfig is not a kubeconfig');
    expect(created(badMember.output)).toEqual([]);

    // A hostKubeconfig that is a secret is checked with them, as kubectl would read it.
    const badHost = runInChildProcess(`
        new KubefedFederation("fed", { clusters: [helpers.member("member6")], hostKubeconfig: pulumi.secret(helpers.fixtureKubeconfig("host").replace(/token: .*/, "exec: {command: ''}")) });`);
    expect(badHost.status).toBe(1);
    expect(badHost.output).toMatch(/update failed: KubefedFederation "fed" has 2 invalid arguments:\n {2}- hostKubeconfig: kubeconfig user "admin": exec has no command/);
    expect(created(badHost.output)).toEqual([]);

    // The same program with good inputs creates its objects (the check above can fail).
    const good = runInChildProcess(`new KubefedFederation("fed", { clusters: [helpers.member("member6", { kubeconfig: pulumi.secret(helpers.fixtureKubeconfig("member6")) })], hostKubeconfig: pulumi.secret(helpers.fixtureKubeconfig("host")) });`);
    expect(good.status).toBe(0);
    expect(created(good.output)).toEqual(expect.arrayContaining([expect.stringMatching(/^created: kubernetes:core\/v1:ServiceAccount /), expect.stringMatching(/KubeFedCluster/)]));
});

describe("against KubeFed v0.10.0's CRD schema", () => {
    const validate = crdValidator("core-crds.yaml", "KubeFedCluster");

    test("the schema is the real one and catches a bad object", () => {
        expect(validate({ apiVersion: "core.kubefed.io/v1beta1", kind: "KubeFedCluster", metadata: {}, spec: { apiEndpoint: "x" } })).toBe(false);
        expect(validate({ apiVersion: "core.kubefed.io/v1beta1", kind: "KubeFedCluster", metadata: {}, spec: { apiEndpoint: "x", secretRef: { name: "s" }, caBundle: "not base64!" } })).toBe(false);
    });

    test.each(["Cluster", "Namespaced"] as const)("every KubeFedCluster validates (scope %s)", async (scope) => {
        const run = await runFederation({
            scope,
            waitForReady: true,
            clusters: [
                member("member1", { disabledTLSValidations: ["*"], proxyURL: "socks5://proxy:1080", labels: { region: "eu" } }),
                member("member2", { disabledTLSValidations: ["SubjectName", "ValidityPeriod"] }),
                member("member3", { kubeconfig: fixtureKubeconfig("member3"), context: "member3-other" }),
            ],
        });
        const clusters = byKind(run, KFC);
        expect(clusters).toHaveLength(3);
        for (const cluster of clusters) {
            const valid = validate(cluster.inputs);
            expect(validate.errors ?? []).toEqual([]);
            expect(valid).toBe(true);
        }
    });
});
