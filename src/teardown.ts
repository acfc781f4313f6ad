// A destroy with a member down. KubeFed v0.10.0 keeps a federated object (its sync finalizer)
// while it is placed on a member that is not Ready, so `pulumi destroy` would wait for every
// FederatedDeployment and FederatedNamespace of a federation with a dead member until it timed
// out. Before the engine deletes them, this deletes the KubeFedCluster of each member KubeFed
// cannot reach: KubeFed forgets the member and lets the objects go, deleting them from the members
// it reaches as usual. Nothing is deleted in the dead member; a warning lists what stays there.
//
// Run by the provider plugin when the federation's UnreachableMemberRelease resource is deleted
// (teardown-resource.ts), which destroy does before any federated object. No Pulumi here.
import { unreachableAtDestroyWarning } from "./departure";
import { isReady, KubeFedClusterCondition } from "./describe";
import { memberOfKubeconfigKey } from "./federation";
import { deleteKubeFedCluster, describeConditions, KubeFedClusterObject, kubeFedClusterConditions, labelledKubeFedClusters, secretData } from "./host";
import { JoinSettings } from "./join";
import { kubeApi, KubeApi } from "./kubeapi";
import { readMemberKubeconfig } from "./kubeconfig";
import { fromBase64, sleep } from "./objects";
import { FEDERATION_LABEL } from "./workloads";

/** What the release needs to know of the federation; plain, stored in the resource's state. */
export interface TeardownSettings extends JoinSettings {
    federationName: string;
    configNamespace: string;
    kubeconfigSecretName: string;
}

export interface TeardownOptions {
    /** How long a member that does not answer here is given for KubeFed to see it not Ready. */
    waitSeconds: number;
    pollSeconds: number;
    info(message: string): void | Promise<void>;
    warn(message: string): void | Promise<void>;
}

/** Why KubeFed cannot reach the member, or undefined when it can (see `releaseUnreachableMembers`). */
async function unreachableReason(host: KubeApi, cluster: KubeFedClusterObject, member: KubeApi | undefined, settings: TeardownSettings, options: TeardownOptions): Promise<string | undefined> {
    const name = cluster.metadata.name;
    const conditions: KubeFedClusterCondition[] = cluster.status?.conditions ?? [];
    if (conditions.length > 0 && !isReady({ conditions })) {
        return describeConditions(conditions);
    }
    const reason = member && (await member.unreachable());
    if (!reason) {
        return undefined;
    }
    // Down since moments ago: KubeFed still says Ready, and would try the member, fail, then refuse.
    await options.info(`member "${name}" does not answer (${reason}); waiting up to ${options.waitSeconds} s for KubeFed to see it not Ready`);
    const deadline = Date.now() + options.waitSeconds * 1000;
    while (Date.now() < deadline) {
        await sleep(options.pollSeconds);
        const now = await kubeFedClusterConditions(host, settings.kubefedNamespace, name);
        if (now === undefined || !(await member!.unreachable())) {
            return undefined; // gone already, or back
        }
        if (now.length > 0 && !isReady({ conditions: now })) {
            return `${reason}; ${describeConditions(now)}`;
        }
    }
    await options.info(`member "${name}": KubeFed still reports it Ready after ${options.waitSeconds} s; it is left to KubeFed`);
    return undefined;
}

/**
 * Deletes the KubeFedCluster of each member of this federation that KubeFed cannot reach: reported
 * not Ready, or not answering here with the federation's own credentials and then reported not
 * Ready within `waitSeconds`. This federation's members are the KubeFedClusters with its label and
 * an entry in its kubeconfig Secret (stacks that share a host and a federation name each have
 * their own Secret). Warns once per member with what stays in it; returns the members released.
 */
export async function releaseUnreachableMembers(host: KubeApi, settings: TeardownSettings, options: TeardownOptions): Promise<string[]> {
    const data = (await secretData(host, settings.configNamespace, settings.kubeconfigSecretName)) ?? {};
    const entries = new Map(Object.entries(data).flatMap(([key, value]) => {
        const member = memberOfKubeconfigKey(key);
        return member === undefined ? [] : [[member, value] as const];
    }));
    const labelled = await labelledKubeFedClusters(host, settings.kubefedNamespace, FEDERATION_LABEL, settings.federationName);
    const clusters = labelled.filter((c) => entries.has(c.metadata.name));
    const clientOf = (name: string): KubeApi | undefined => {
        try {
            return kubeApi(readMemberKubeconfig(fromBase64(entries.get(name)!)), `member "${name}"`);
        } catch {
            return undefined; // an entry this client cannot use (a proxy): KubeFed's verdict only
        }
    };
    const reasons = await Promise.all(clusters.map((c) => unreachableReason(host, c, clientOf(c.metadata.name), settings, options)));
    const released: string[] = [];
    for (const [i, cluster] of clusters.entries()) {
        const reason = reasons[i];
        if (reason === undefined) {
            continue;
        }
        const name = cluster.metadata.name;
        try {
            await deleteKubeFedCluster(host, settings.kubefedNamespace, name);
        } catch (e) {
            throw new Error(`member "${name}" cannot be reached (${reason}), and its KubeFedCluster could not be deleted so that KubeFed lets the federated objects go: ${(e as Error).message}`);
        }
        await options.warn(unreachableAtDestroyWarning(name, settings, reason));
        released.push(name);
    }
    return released.sort();
}
