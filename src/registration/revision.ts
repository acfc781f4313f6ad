// The wait for the object of this very update. pulumi-kubernetes' watch can hand back the object
// from before an update that changes no generation (labels or annotations only), already Ready or
// already processed; the revision annotation, a hash of what is applied, is what the wait looks
// for first. One mechanism for the KubeFedCluster (waitForReady) and every federated object.
import * as pulumi from "@pulumi/pulumi";
import { revisionOf } from "../join";
import { KubernetesObject } from "../objects";

/**
 * `object` with the annotations `waitFor(revision)` gives (the revision, and a wait that needs it)
 * and `status: undefined`, which makes the status an output of the CustomResource. The revision is
 * as secret as what it hashes, unless `unsecret` (what it hashes is known to hold no credential).
 */
export function waitingForRevision<V>(object: KubernetesObject<V>, waitFor: (revision: string) => { [key: string]: string }, { unsecret = false } = {}): KubernetesObject<V> {
    const { spec, metadata } = object as KubernetesObject<V> & { spec: unknown };
    const { labels, annotations } = metadata;
    const hashed = pulumi.output({ spec, metadata: { labels, annotations } }).apply(revisionOf);
    const revision = unsecret ? pulumi.unsecret(hashed) : hashed;
    const withWait = revision.apply((r) => ({ ...annotations, ...waitFor(r) }));
    return { ...object, metadata: { ...metadata, annotations: withWait as unknown as { [key: string]: string } }, status: undefined } as KubernetesObject<V>;
}
