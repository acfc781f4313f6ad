// The plain Kubernetes objects the pure layer produces; the component registers each as a resource.

export interface ObjectMeta {
    name: string;
    namespace?: string;
    labels?: { [key: string]: string };
    annotations?: { [key: string]: string };
}

/**
 * A Kubernetes object. `V` is the type of values only known at deploy time (tokens, endpoints):
 * plain strings in tests, Pulumi outputs in the component. The pure layer never looks inside them.
 */
export interface KubernetesObject<V = string> {
    apiVersion: string;
    kind: string;
    metadata: ObjectMeta;
    [field: string]: unknown | V;
}

export function base64(text: string): string {
    return Buffer.from(text, "utf8").toString("base64");
}

export function fromBase64(data: string): string {
    return Buffer.from(data, "base64").toString("utf8");
}

/** A sorted copy, by a string key: the order in which users list members never matters. */
export function sortedBy<T>(items: readonly T[], key: (item: T) => string): T[] {
    return [...items].sort((a, b) => (key(a) < key(b) ? -1 : key(a) > key(b) ? 1 : 0));
}

/** Resolves after `seconds`: the pause between polls. */
export const sleep = (seconds: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, seconds * 1000));
