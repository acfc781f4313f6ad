// With `hostKubeconfig`, the hooks of every KubeFedCluster that ask the host itself (host.ts):
// before its create or update, the host token Secret of a `kubefedctl join` it takes over is
// recorded on it, and deleted after; when its create or update fails (a `waitForReady` that ran
// out of time), an error with KubeFed's conditions for the member.
import * as pulumi from "@pulumi/pulumi";
import { isReady } from "../describe";
import { deleteReplacedSecret, kubeFedClusterConditions, notReadyMessage, recordReplacedSecret } from "../host";
import { KubeApi } from "../kubeapi";
import { names } from "../names";
import { FederationSettings } from "../validate";
import { HookLog } from "./log";

export function hostHooks(name: string, host: () => Promise<KubeApi>, settings: FederationSettings, log: HookLog): pulumi.ResourceHookBinding {
    const namespace = settings.kubefedNamespace;
    const clusterOf = (inputs: Record<string, any> | undefined) => String(inputs?.metadata?.name);
    // A cleanup: when the host cannot be asked, the join goes on, and the warning says what to do.
    const cleanup = (member: string, step: () => Promise<void>) =>
        step().catch((e: Error) =>
            log.warn(
                `member "${member}": could not look for a host token Secret of kubefedctl's to delete (${e.message}); ` +
                    `\`kubectl -n ${namespace} get secrets\` shows any \`${member}-xxxxx\` left behind`,
            ),
        );
    const record = new pulumi.ResourceHook(names.hook(name, "record-replaced-token-secret"), ({ newInputs }) =>
        cleanup(clusterOf(newInputs), async () => {
            const replaced = await recordReplacedSecret(await host(), namespace, clusterOf(newInputs), String(newInputs?.spec?.secretRef?.name));
            if (replaced) {
                log.info(`member "${clusterOf(newInputs)}": taking over its KubeFedCluster, which used the host token Secret ${replaced}; it is deleted once the KubeFedCluster uses the federation's own`);
            }
        }),
    );
    const remove = new pulumi.ResourceHook(names.hook(name, "delete-replaced-token-secret"), ({ newInputs }) =>
        cleanup(clusterOf(newInputs), async () => {
            const deleted = await deleteReplacedSecret(await host(), namespace, clusterOf(newInputs));
            if (deleted) {
                log.info(`member "${clusterOf(newInputs)}": deleted the host token Secret ${deleted}, which no KubeFedCluster uses any more`);
            }
        }),
    );
    const binding: pulumi.ResourceHookBinding = { beforeCreate: [record], beforeUpdate: [record], afterCreate: [remove], afterUpdate: [remove] };
    // onError hooks: @pulumi/pulumi 3.219 and later (and 3.245 for them to reach the engine).
    if (settings.waitForReady && typeof pulumi.ErrorHook === "function") {
        const verdict = new pulumi.ErrorHook(names.hook(name, "report-not-ready"), async ({ failedOperation, newInputs }) => {
            if (failedOperation !== "delete") {
                const member = clusterOf(newInputs);
                try {
                    const conditions = await kubeFedClusterConditions(await host(), namespace, member);
                    if (conditions !== undefined && !isReady({ conditions })) {
                        log.error(notReadyMessage(member, settings.readyTimeoutSeconds, conditions));
                    }
                } catch (e) {
                    log.error(`member "${member}": its KubeFedCluster failed, and the host could not be asked for KubeFed's conditions: ${(e as Error).message}`);
                }
            }
            return false; // no retry: the update fails as it would have
        });
        binding.onError = [verdict];
    }
    return binding;
}
