// Who leaves the federation in an update: the members the kubeconfig Secret's previous data (a
// hook's `oldInputs`) holds and the program no longer declares, each with a client that acts with
// the federation's own credentials for it, from that data.
import * as pulumi from "@pulumi/pulumi";
import { kubeconfigSecretKey } from "../federation";
import { kubeApi, KubeApi } from "../kubeapi";
import { readMemberKubeconfig } from "../kubeconfig";
import { fromBase64 } from "../objects";
import { departingMembers, Departing } from "../orphan";
import { valueOf } from "./log";

type SecretData = { [key: string]: pulumi.Input<string> } | undefined;

/** A client of `member` with the federation's own credentials, from the kubeconfig Secret's data (a hook's inputs). */
export function memberClient(data: SecretData, member: string): () => Promise<KubeApi> {
    return async () => kubeApi(readMemberKubeconfig(fromBase64((await valueOf(data?.[kubeconfigSecretKey(member)])) ?? "")), `member "${member}"`);
}

export async function departures(oldInputs: Record<string, any> | undefined, memberNames: string[]): Promise<Departing[]> {
    const data = await valueOf<SecretData>(oldInputs?.data);
    return departingMembers(data, memberNames).map((member) => ({ member, api: memberClient(data, member) }));
}
