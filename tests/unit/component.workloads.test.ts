// The federated workloads the component registers on the host, under the mocks.
import { KubefedFederationArgs } from "../../src";
import { renderMemberKubeconfig } from "../../src/kubeconfig";
import { narrowedRules } from "../../src/orphan";
import { revisionOf } from "../../src/join";
import { ALL_RESOURCES_RULE, NON_RESOURCE_GET_RULE } from "../../src/rbac";
import { simulatedHost, simulatedMember, startApiServer, TEST_APISERVER_CA, TestApiServer } from "../helpers/apiserver";
import { b64, byKind, callHook, changes, crdValidator, DEFAULT_TEARDOWN_SETTINGS, find, FederationRun, member, runFederation, wireSecret, workload } from "../helpers/mocks";

const FD = "kubernetes:types.kubefed.io/v1beta1:FederatedDeployment";
const FNS = "kubernetes:types.kubefed.io/v1beta1:FederatedNamespace";
const RSP = "kubernetes:scheduling.kubefed.io/v1alpha1:ReplicaSchedulingPreference";
const CONFIGMAP = "kubernetes:core/v1:ConfigMap";

jest.setTimeout(30_000); // the first hook that asks the host loads @kubernetes/client-node

const members = () => [member("member1", { labels: { region: "eu" } }), member("member2", { replicas: 2, labels: { region: "us" } })];
const withWorkload = (extra: Parameters<typeof workload>[2] = {}): KubefedFederationArgs => ({ clusters: members(), workloads: [workload("web", "shop", extra)] });

const REPORT = "fed-report-propagation";
const DEPARTURES = "fed-report-departures";
const everyMember = { clusterSelector: { matchLabels: { "kubefed-iac.io/federation": "federation" } } };
const placement = (run: FederationRun, type: string, name: string) => find(run, type, name, "shop").inputs.spec.placement;
const overrides = (run: FederationRun) => find(run, FD, "web", "shop").inputs.spec.overrides;

test("one workload on every member: its namespace, FederatedNamespace and FederatedDeployment with a replicas override per member", async () => {
    const run = await runFederation(withWorkload());
    expect(find(run, "kubernetes:core/v1:NamespacePatch", "shop").inputs.metadata).toEqual({ name: "shop" });
    expect(placement(run, FNS, "shop")).toEqual(everyMember);
    const deployment = find(run, FD, "web", "shop");
    expect(deployment.inputs.spec.template).toEqual({ metadata: { labels: { app: "web" } }, spec: workload("web", "shop").spec });
    expect(deployment.inputs.spec.placement).toEqual({ clusters: [{ name: "member1" }, { name: "member2" }] });
    expect(overrides(run)).toEqual([
        { clusterName: "member1", clusterOverrides: [{ path: "/spec/replicas", value: 1 }] },
        { clusterName: "member2", clusterOverrides: [{ path: "/spec/replicas", value: 2 }] },
    ]);
    // It waits for the object of this update (its revision: a hash of what is applied), processed by KubeFed.
    const revision = revisionOf({ spec: deployment.inputs.spec, metadata: { annotations: { "pulumi.com/waitFor": "jsonpath={.status.observedGeneration}", "pulumi.com/timeoutSeconds": "90", "pulumi.com/patchForce": "true" } } });
    expect(deployment.inputs.metadata.annotations).toEqual({
        "kubefed-iac.io/revision": revision,
        "pulumi.com/waitFor": JSON.stringify([`jsonpath={.metadata.annotations['kubefed-iac.io/revision']}=${revision}`, "jsonpath={.status.observedGeneration}"]),
        "pulumi.com/timeoutSeconds": "90",
        "pulumi.com/patchForce": "true",
    });
    // Any change of what is applied is a new revision, an annotation-only one included.
    const scaled = await runFederation({ clusters: [members()[0], member("member2", { replicas: 3, labels: { region: "us" } })], workloads: [workload("web", "shop")] });
    expect(find(scaled, FD, "web", "shop").inputs.metadata.annotations["kubefed-iac.io/revision"]).not.toBe(revision);
    const longer = await runFederation({ ...withWorkload(), propagationTimeoutSeconds: 120 });
    expect(find(longer, FD, "web", "shop").inputs.metadata.annotations["kubefed-iac.io/revision"]).not.toBe(revision);
    // It depends on the KubeFedClusters it is placed on, so an unjoin updates it before they go.
    const kubeFedClusters = byKind(run, "kubernetes:core.kubefed.io/v1beta1:KubeFedCluster").map((r) => r.urn);
    expect(deployment.dependencies).toEqual(expect.arrayContaining(kubeFedClusters));
    // ...and on its (inactive) preference, so that switching from totalReplicas replaces the preference before the overrides change.
    const preference = find(run, RSP, "web.per-member-replicas", "shop");
    expect(deployment.dependencies).toContain(preference.urn);
    expect(preference.deleteBeforeReplace).toBe(true);
    // KubeFedClusters carry the federation label the FederatedNamespace selects by.
    expect(byKind(run, "kubernetes:core.kubefed.io/v1beta1:KubeFedCluster").map((r) => r.inputs.metadata.labels["kubefed-iac.io/federation"])).toEqual(["federation", "federation"]);
    // After each create and update, the propagation report; before, no hook.
    expect(run.hooks).toEqual([DEPARTURES, REPORT]);
    for (const federated of [deployment, find(run, FNS, "shop", "shop")]) {
        expect(federated.beforeUpdateHooks).toEqual([]);
        expect(federated.afterUpdateHooks).toEqual([REPORT]);
        expect(federated.afterCreateHooks).toEqual([REPORT]);
    }
});

test("placement by names and by labels", async () => {
    const byName = await runFederation(withWorkload({ clusters: ["member2"] }));
    expect(placement(byName, FD, "web")).toEqual({ clusters: [{ name: "member2" }] });
    // The namespace stays on every member, so that narrowing a placement never deletes it from one.
    expect(placement(byName, FNS, "shop")).toEqual(everyMember);
    const byLabels = await runFederation(withWorkload({ clusterSelector: { region: "eu" } }));
    expect(placement(byLabels, FD, "web")).toEqual({ clusters: [{ name: "member1" }] });
    expect(overrides(byLabels)).toEqual([{ clusterName: "member1", clusterOverrides: [{ path: "/spec/replicas", value: 1 }] }]);
});

test("with totalReplicas, a ReplicaSchedulingPreference weighted by each member's replicas", async () => {
    const run = await runFederation(withWorkload({ totalReplicas: 6 }));
    expect(find(run, RSP, "web", "shop").inputs.spec).toEqual({
        targetKind: "FederatedDeployment",
        totalReplicas: 6,
        rebalance: true,
        clusters: { member1: { weight: 1 }, member2: { weight: 2 } },
    });
    expect(find(run, FD, "web", "shop").inputs.spec.overrides).toBeUndefined();
    // Never without a placement: switching to totalReplicas keeps the Deployment where it runs.
    expect(placement(run, FD, "web")).toEqual({ clusters: [{ name: "member1" }, { name: "member2" }] });
    expect(byKind(run, RSP).map((r) => r.inputs.metadata.name)).toEqual(["web"]);
});

test("switching between per-member replicas and totalReplicas changes the preference's name (a replacement) and the deployment's overrides, nothing else", async () => {
    const perMember = await runFederation(withWorkload());
    const total = await runFederation(withWorkload({ totalReplicas: 6 }));
    expect(changes(perMember, total)).toEqual({ added: [], removed: [], changed: [`${FD}::fed/workloads/shop/web`, `${RSP}::fed/workloads/shop/web`].sort() });
    expect(find(perMember, RSP, "web.per-member-replicas", "shop").urn).toBe(find(total, RSP, "web", "shop").urn);
});

test("scaling member1 changes only its override (or its RSP weight) and the ConfigMap", async () => {
    for (const extra of [{}, { totalReplicas: 6 }]) {
        const before = await runFederation(withWorkload(extra));
        const args = withWorkload(extra);
        args.clusters[0].replicas = 3;
        const after = await runFederation(args);
        const changed = `${extra.totalReplicas ? RSP : FD}::fed/workloads/shop/web`;
        expect(changes(before, after)).toEqual({ added: [], removed: [], changed: [`${CONFIGMAP}::fed-config`, changed].sort() });
        if (!extra.totalReplicas) {
            expect(overrides(after)[0]).toEqual({ clusterName: "member1", clusterOverrides: [{ path: "/spec/replicas", value: 3 }] });
            expect(overrides(after)[1]).toEqual(overrides(before)[1]);
        }
    }
});

test("removing a member removes it from every placement in the same update", async () => {
    const after = await runFederation({ clusters: [members()[0]], workloads: [workload("web", "shop")] });
    expect(placement(after, FD, "web")).toEqual({ clusters: [{ name: "member1" }] });
    // The FederatedNamespace does not change: the member's KubeFedCluster goes, which KubeFed never acts on.
    expect(placement(after, FNS, "shop")).toEqual(everyMember);
});

test("every federated object validates against KubeFed v0.10.0's CRDs", async () => {
    const validators = {
        [FD]: crdValidator("federated-type-crds.yaml", "FederatedDeployment"),
        [FNS]: crdValidator("federated-type-crds.yaml", "FederatedNamespace"),
        [RSP]: crdValidator("core-crds.yaml", "ReplicaSchedulingPreference"),
    };
    const runs = [await runFederation(withWorkload()), await runFederation(withWorkload({ totalReplicas: 6, clusterSelector: { region: "eu" } }))];
    let validated = 0;
    for (const run of runs) {
        for (const [type, validate] of Object.entries(validators)) {
            for (const registration of byKind(run, type)) {
                expect(validate(registration.inputs) ? [] : validate.errors).toEqual([]);
                validated++;
            }
        }
    }
    expect(validated).toBe(6);
});

describe("orphanWorkloadsOnUnjoin", () => {
    const SECRET = "kubernetes:core/v1:Secret";
    const RELEASE = "fed-release-departing-workloads";
    const GUARD = "fed-keep-departing-workloads";
    const oneMemberLeft = (extra = {}): KubefedFederationArgs => ({ clusters: [members()[0]], workloads: [workload("web", "shop", extra)], orphanWorkloadsOnUnjoin: true });
    const placedOnBoth = { spec: { placement: { clusters: [{ name: "member1" }, { name: "member2" }] } } };
    let server: TestApiServer | undefined;
    afterEach(() => server?.close());

    /** The kubeconfig Secret's previous data: member2's kubeconfig points at a stand-in member. */
    async function previousSecretData(member2: ReturnType<typeof simulatedMember>) {
        server = await startApiServer(member2.handle);
        const kubeconfig = (clusterName: string, serverURL: string) =>
            b64(renderMemberKubeconfig({ clusterName, userName: `${clusterName}-host`, server: serverURL, caPem: TEST_APISERVER_CA, token: `token-of-${clusterName}` }));
        return { data: wireSecret({ "kubeconfig-member1": kubeconfig("member1", "https://127.0.0.1:1"), "kubeconfig-member2": kubeconfig("member2", server.url) }) };
    }

    test("binds a release hook to the kubeconfig Secret's update and a guard to every placement's, which run after it", async () => {
        const run = await runFederation(oneMemberLeft({ totalReplicas: 2 }));
        expect(run.hooks).toEqual([RELEASE, GUARD, DEPARTURES, REPORT]);
        const secret = find(run, SECRET, "kubefed-kubeconfig", "kube-system");
        expect(secret.beforeUpdateHooks).toEqual([RELEASE, DEPARTURES]);
        for (const type of [FNS, FD, RSP]) {
            const placementObject = find(run, type, type === FNS ? "shop" : "web", "shop");
            expect(placementObject.beforeUpdateHooks).toEqual([GUARD]);
        }
        expect(find(run, FNS, "shop", "shop").dependencies).toContain(secret.urn);
        // Without the option, no hook before any step: a plain `pulumi destroy` or update is untouched.
        const plain = await runFederation(withWorkload());
        expect(plain.hooks).toEqual([DEPARTURES, REPORT]);
        expect(plain.children.filter((r) => r.beforeUpdateHooks.length > 0).map((r) => [r.name, r.beforeUpdateHooks])).toEqual([["fed-kubeconfig", [DEPARTURES]]]);
    });

    test("the release hook releases the departing member with the federation's credentials for it; the guard then lets its placement go", async () => {
        await runFederation(oneMemberLeft());
        const member2 = simulatedMember();
        expect(await callHook(RELEASE, { resourceName: "fed-kubeconfig", oldInputs: await previousSecretData(member2) })).toBeUndefined();
        expect(member2.objects.find((o) => o.name === "web")!.labels).toEqual({ app: "web" });
        expect(server!.requests.every((r) => r.headers.authorization === "Bearer token-of-member2")).toBe(true);
        expect(await callHook(GUARD, { resourceName: "fed-shop-web", oldInputs: placedOnBoth })).toBeUndefined();
    });

    test("an unreachable departing member stops the unjoin, and the guard refuses to drop a member that was not released", async () => {
        await runFederation(oneMemberLeft());
        const oldInputs = await previousSecretData(simulatedMember());
        await server!.close();
        server = undefined;
        const error = await callHook(RELEASE, { resourceName: "fed-kubeconfig", oldInputs });
        expect(error).toContain('orphanWorkloadsOnUnjoin: could not leave the workloads of departing member "member2" running: member "member2": PATCH https://127.0.0.1:');
        expect(error).toContain("Nothing was unjoined. Make the member reachable from here, or set orphanWorkloadsOnUnjoin to false to let KubeFed delete them.");
        expect(await callHook(GUARD, { resourceName: "fed-shop-web", oldInputs: placedOnBoth })).toBe(
            "orphanWorkloadsOnUnjoin: fed-shop-web would drop member2, whose workloads were not released first (the kubeconfig Secret must be updated in place: give the host provider enableSecretMutable: true; " +
                "an update that failed after releasing them is recognised with hostKubeconfig, which records the release on the KubeFedCluster)",
        );
        // Members that stay are not the guard's business.
        expect(await callHook(GUARD, { resourceName: "fed-shop-web", oldInputs: { spec: { placement: { clusters: [{ name: "member1" }] } } } })).toBeUndefined();
    });

    test("with hostKubeconfig, the release is recorded on the member's KubeFedCluster: an update that failed after it is let through by the next one's guard", async () => {
        const host = simulatedHost([{ metadata: { name: "member2" }, spec: { secretRef: { name: "member2-host-token" } } }], []);
        const hostServer = await startApiServer(host.handle);
        try {
            const hostKubeconfig = renderMemberKubeconfig({ clusterName: "host", userName: "admin", server: hostServer.url, caPem: TEST_APISERVER_CA, token: "host-admin" });
            await runFederation({ ...oneMemberLeft(), hostKubeconfig });
            const member2 = simulatedMember();
            expect(await callHook(RELEASE, { resourceName: "fed-kubeconfig", oldInputs: await previousSecretData(member2) })).toBeUndefined();
            expect(host.clusters[0].metadata.annotations).toEqual({ "kubefed-iac.io/workloads-released": "true" });

            // The next update: a new program run, whose release hook does not run (the Secret changes no more).
            await runFederation({ ...oneMemberLeft(), hostKubeconfig });
            expect(await callHook(GUARD, { resourceName: "fed-shop-web", oldInputs: placedOnBoth })).toBeUndefined();
            // Without the record, and with KubeFed still knowing the member, it refuses as before.
            host.clusters[0].metadata.annotations = {};
            expect(await callHook(GUARD, { resourceName: "fed-shop-web", oldInputs: placedOnBoth })).toContain("would drop member2, whose workloads were not released first");
            expect(hostServer.requests.every((r) => r.headers.authorization === "Bearer host-admin")).toBe(true);
        } finally {
            await hostServer.close();
        }
    });
});

describe("orphanWorkloadsOnUnjoin, more than one member or update", () => {
    const RELEASE = "fed-release-departing-workloads";
    const servers: TestApiServer[] = [];
    afterEach(async () => {
        await Promise.all(servers.splice(0).map((s) => s.close()));
    });
    async function memberData(members: [string, ReturnType<typeof simulatedMember> | undefined][]) {
        const entries: Record<string, string> = {};
        for (const [name, simulated] of members) {
            let url = "https://127.0.0.1:1";
            if (simulated) {
                const s = await startApiServer(simulated.handle);
                servers.push(s);
                url = s.url;
            }
            entries[`kubeconfig-${name}`] = b64(renderMemberKubeconfig({ clusterName: name, userName: `${name}-host`, server: url, caPem: TEST_APISERVER_CA, token: `token-of-${name}` }));
        }
        return { data: wireSecret(entries) };
    }

    test("two members leave and the second cannot be released: the first gets KubeFed's role back, and the error says so", async () => {
        await runFederation({ clusters: [], workloads: [], orphanWorkloadsOnUnjoin: true });
        const [first, second] = [simulatedMember({ member: "member1" }), simulatedMember({ member: "member2" })];
        const oldInputs = await memberData([["member1", first], ["member2", undefined]]);
        const error = await callHook(RELEASE, { resourceName: "fed-kubeconfig", oldInputs });
        expect(error).toContain('could not leave the workloads of departing member "member2" running');
        expect(error).toContain(`KubeFed's role was also restored in "member1", released earlier in this update. Nothing was unjoined.`);
        expect(first.rules()).toEqual([ALL_RESOURCES_RULE, NON_RESOURCE_GET_RULE]);
        void second;
    });

    test("with hostKubeconfig, a member released by a failed update and declared again gets KubeFed's role back, and its release record is removed", async () => {
        const host = simulatedHost([{ metadata: { name: "member2", labels: { "kubefed-iac.io/federation": "federation" }, annotations: { "kubefed-iac.io/workloads-released": "true" } }, spec: { secretRef: { name: "member2-host-token" } } }], []);
        const hostServer = await startApiServer(host.handle);
        servers.push(hostServer);
        const hostKubeconfig = renderMemberKubeconfig({ clusterName: "host", userName: "admin", server: hostServer.url, caPem: TEST_APISERVER_CA, token: "host-admin" });
        await runFederation({ clusters: members(), workloads: [], orphanWorkloadsOnUnjoin: true, hostKubeconfig });
        const member2 = simulatedMember({ member: "member2" });
        member2.setRules(narrowedRules("Cluster", "kubefed-controller-manager:member2-host"));
        const data = await memberData([["member1", undefined], ["member2", member2]]);
        expect(await callHook(RELEASE, { resourceName: "fed-kubeconfig", oldInputs: data, newInputs: data })).toBeUndefined();
        expect(member2.rules()).toEqual([ALL_RESOURCES_RULE, NON_RESOURCE_GET_RULE]);
        expect(host.clusters[0].metadata.annotations).toEqual({});
    });
});

test("with hostKubeconfig, the UnreachableMemberRelease depends on every federated object and KubeFedCluster (destroy deletes it first), keeps the kubeconfig secret and asks for this package's plugin", async () => {
    const hostKubeconfig = renderMemberKubeconfig({ clusterName: "host", userName: "admin", server: "https://127.0.0.1:1", token: "host-admin-token" });
    const run = await runFederation({ ...withWorkload(), hostKubeconfig });
    const [release] = byKind(run, "kubefed:index:UnreachableMemberRelease");
    expect(release.name).toBe("fed/unreachable-member-release");
    const federated = [...byKind(run, FD), ...byKind(run, FNS), ...byKind(run, "kubernetes:core.kubefed.io/v1beta1:KubeFedCluster")].map((r) => r.urn);
    expect(federated).toHaveLength(4);
    expect(release.dependencies).toEqual(expect.arrayContaining(federated));
    expect(release.inputs).toEqual({ hostKubeconfig, ...DEFAULT_TEARDOWN_SETTINGS });
    expect(release.secretPaths).toEqual(["hostKubeconfig"]);
    expect(release.additionalSecretOutputs).toEqual(["hostKubeconfig"]);
    const pkg = require("../../package.json");
    const schema = require("../../schema.json");
    expect([release.version, release.pluginDownloadURL]).toEqual([pkg.version, schema.pluginDownloadURL]);
    // Without hostKubeconfig there is nothing to reach the host with: no such resource, no plugin needed.
    expect(byKind(await runFederation(withWorkload()), "kubefed:index:UnreachableMemberRelease")).toEqual([]);
});
