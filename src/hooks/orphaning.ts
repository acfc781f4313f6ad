// The resource hooks of `orphanWorkloadsOnUnjoin` (orphan.ts).
// - `release`, before the kubeconfig Secret's update: every member its previous data holds and
//   the program lacks is released, all or nothing (releaseAll), with the federation's own
//   credentials for it from that data. With `hostKubeconfig`, each release is recorded on the
//   member's KubeFedCluster, and the record of a member that is a member again is removed.
// - `guard`, before a placement's update (which runs after the Secret's): refuses to drop a
//   departing member that was not released, e.g. because the Secret was replaced instead of
//   updated.
// The state of a release lives in the clusters (the narrowed role, the record), never only in this
// process: a `pulumi up` that fails or is killed half-way finds it there the next time.
import * as pulumi from "@pulumi/pulumi";
import { clearReleased, recordReleased, releasedOrForgotten, releasedMembers } from "../host";
import { KubeApi } from "../kubeapi";
import { names } from "../names";
import { placedOn, releaseAll, ReleasedType, restoreRole } from "../orphan";
import { FederationSettings } from "../validate";
import { FEDERATION_LABEL } from "../workloads";
import { departures, memberClient } from "./departures";
import { HookLog, valueOf } from "./log";

export function orphaningHooks(name: string, memberNames: string[], settings: FederationSettings, types: ReleasedType[], host: (() => Promise<KubeApi>) | undefined, log: HookLog) {
    const released = new Set<string>();
    const release = new pulumi.ResourceHook(names.hook(name, "release-departing-workloads"), async ({ oldInputs, newInputs }) => {
        const leaving = await departures(oldInputs, memberNames);
        if (host) {
            // Released by an update that failed after the release, then declared again: KubeFed gets
            // its role back, and the record has served.
            const api = await host();
            const data = await valueOf<{ [key: string]: pulumi.Input<string> }>(newInputs?.data);
            for (const member of (await releasedMembers(api, settings.kubefedNamespace, FEDERATION_LABEL, settings.federationName)).filter((m) => memberNames.includes(m))) {
                await restoreRole(await memberClient(data, member)(), member, settings);
                await clearReleased(api, settings.kubefedNamespace, member);
                log.info(`member "${member}" was released by an earlier update and is declared again: KubeFed's role there is restored`);
            }
        }
        if (leaving.length === 0) {
            return;
        }
        let objects: Map<string, string[]>;
        try {
            objects = await releaseAll(leaving, settings, { types });
        } catch (e) {
            throw new Error(
                `orphanWorkloadsOnUnjoin: ${(e as Error).message} Nothing was unjoined. ` +
                    "Make the member reachable from here, or set orphanWorkloadsOnUnjoin to false to let KubeFed delete them.",
            );
        }
        for (const [member, left] of objects) {
            released.add(member);
            if (host) {
                await recordReleased(await host(), settings.kubefedNamespace, member);
            }
            log.info(`member "${member}" leaves the federation; left running, no longer managed by KubeFed: ${left.join(", ") || "nothing"}`);
        }
    });
    const guard = new pulumi.ResourceHook(names.hook(name, "keep-departing-workloads"), async ({ oldInputs, name: resourceName }) => {
        const unreleased: string[] = [];
        for (const m of placedOn(oldInputs).filter((m) => !memberNames.includes(m) && !released.has(m))) {
            // Released by an earlier update that failed before the placements changed, or unknown to KubeFed by now.
            if (!(host && (await releasedOrForgotten(await host(), settings.kubefedNamespace, m)))) {
                unreleased.push(m);
            }
        }
        if (unreleased.length > 0) {
            throw new Error(
                `orphanWorkloadsOnUnjoin: ${resourceName} would drop ${unreleased.join(", ")}, whose workloads were not released first ` +
                    `(the kubeconfig Secret must be updated in place: give the host provider enableSecretMutable: true; ` +
                    `an update that failed after releasing them is recognised with hostKubeconfig, which records the release on the KubeFedCluster)`,
            );
        }
    });
    return { release, guard };
}
