// The resource that runs control-plane-teardown.ts when `pulumi destroy` runs (destroy runs no
// program, so no hook can): the engine calls the kubefed plugin's `delete` for it, with its state
// (the host's kubeconfig, a secret there, and KubeFed's namespace). It depends on the release, so
// destroy deletes it first, while the controller runs, and every federated object of a federation
// on the control plane before it. Create, update and read only keep the inputs.
import * as pulumi from "@pulumi/pulumi";
import { unwrapRpcSecret } from "@pulumi/pulumi/runtime";
import { deleteTypeConfigs } from "./control-plane-teardown";
import { EngineLog } from "./engine-log";
import { hostKubeApi } from "./kubeapi";
import { deleteOnlyProvider, deleteOnlyRegistration } from "./delete-only-resource";

export const CONTROL_PLANE_TEARDOWN_TYPE = "kubefed:index:ControlPlaneTeardown";

/** How long destroy gives the controller to let the FederatedTypeConfigs go (it takes a second or two). */
export const WAIT_FOR_CONTROLLER_SECONDS = 60;

const INPUTS = ["hostKubeconfig", "namespace"];

export class ControlPlaneTeardown extends pulumi.CustomResource {
    constructor(name: string, args: { hostKubeconfig: pulumi.Input<string>; namespace: string }, opts: pulumi.CustomResourceOptions) {
        super(CONTROL_PLANE_TEARDOWN_TYPE, name, ...deleteOnlyRegistration({ hostKubeconfig: args.hostKubeconfig, namespace: args.namespace }, opts));
    }
}

/** The plugin's side of the resource, logging to `log`. Inputs arrive with secrets wrapped; they are kept so. */
export const controlPlaneTeardownProvider = (log: EngineLog) =>
    deleteOnlyProvider(
        INPUTS,
        (inputs) => String(unwrapRpcSecret(inputs.namespace)),
        async (urn, props) => {
            const namespace = String(unwrapRpcSecret(props.namespace));
            const options = { waitSeconds: WAIT_FOR_CONTROLLER_SECONDS, pollSeconds: 1, info: (m: string) => log.info(m, urn), warn: (m: string) => log.warn(m, urn) };
            try {
                await deleteTypeConfigs(await hostKubeApi(unwrapRpcSecret(props.hostKubeconfig)), namespace, options);
            } catch (e) {
                // The destroy goes on: the release's uninstall deletes them anyway, only perhaps leaving finalizers.
                await options.warn(
                    `could not delete the FederatedTypeConfigs of ${namespace} before KubeFed's release (${(e as Error).message}); ` +
                        `any left with KubeFed's finalizer after the uninstall: kubectl -n ${namespace} patch federatedtypeconfig <name> --type=merge -p '{"metadata":{"finalizers":null}}'`,
                );
            }
        },
    );
