// End to end: `waitForReady` with a member that cannot become Ready (its kube-apiserver killed)
// ends within readyTimeoutSeconds, with an error that names the member and gives KubeFed's
// conditions for it; once the member is back, one `pulumi up` converges and the next preview is empty.
import { Stack } from "@pulumi/pulumi/automation";
import { environment, environmentUp, federationStack, killApiserver, kubeFedClusterReady, MemberConfig, pendingChanges, removeStacks, until } from "../helpers/e2e";

jest.setTimeout(15 * 60 * 1000);

const READY_TIMEOUT = 30;
let stack: Stack;

beforeAll(async () => {
    stack = await federationStack(`ready-${Date.now()}`, [{ name: "member1" }, { name: "member2" }], undefined, { readyTimeoutSeconds: String(READY_TIMEOUT) });
    const first = await stack.up();
    expect(first.summary.result).toBe("succeeded");
});

afterAll(async () => {
    environmentUp();
    await removeStacks([stack]);
});

test("a member that cannot become Ready fails the update in bounded time, named, with KubeFed's reason", async () => {
    killApiserver("member2");
    // KubeFed keeps calling a member Ready until a few health checks have failed.
    expect(await until(() => !kubeFedClusterReady("member2"), 120)).toBe(true);

    // A change of member2's KubeFedCluster (a new label) waits for it to be Ready again.
    const relabelled: MemberConfig[] = [{ name: "member1" }, { name: "member2", labels: { region: "eu" } }];
    await stack.setConfig("member2Labels", { value: JSON.stringify(relabelled[1].labels) });
    const started = Date.now();
    let output = "";
    await stack.up().then(
        () => {
            throw new Error("the update succeeded with member2 down");
        },
        (e: Error) => {
            output = e.message; // the CommandError's message holds the command's stdout and stderr
        },
    );
    const seconds = (Date.now() - started) / 1000;
    console.log(`up with member2 not Ready failed after ${seconds.toFixed(1)} s`);
    expect(seconds).toBeLessThan(READY_TIMEOUT + 60);
    expect(output).toContain(`member "member2" is not Ready (waitForReady waits up to ${READY_TIMEOUT} s, readyTimeoutSeconds): KubeFed says `);
    // What KubeFed's cluster controller reports for a member that does not answer.
    const healthz = `${environment().clusters.member2.server}/healthz`.replace(/[.*+?^${}()|[\]\\/]/g, "\\$&");
    expect(output).toMatch(new RegExp(`KubeFed says Offline=True \\(ClusterNotReachable\\): cluster is not reachable: Get "${healthz}.*connection refused`));
    expect(output).not.toContain('member "member1" is not Ready');
    expect(kubeFedClusterReady("member1")).toBe(true);

    environmentUp();
    const again = await stack.up();
    expect(again.summary.result).toBe("succeeded");
    expect(kubeFedClusterReady("member2")).toBe(true);
    expect(await pendingChanges(stack)).toEqual([]);
});
