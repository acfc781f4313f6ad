// The resource that runs teardown.ts when `pulumi destroy` runs. Destroy runs no program, so no
// hook of the component's can act then; a resource's provider can: the engine calls the kubefed
// provider plugin's `delete` for it, with its state (the host's kubeconfig, a secret there, and the
// federation's names). It depends on every federated object, so destroy deletes it first.
// Create, update and read only keep the inputs: nothing is asked of any cluster before the delete.
import * as pulumi from "@pulumi/pulumi";
import { unwrapRpcSecret } from "@pulumi/pulumi/runtime";
import { EngineLog } from "./engine-log";
import { hostKubeApi } from "./kubeapi";
import { deleteOnlyProvider, deleteOnlyRegistration } from "./delete-only-resource";
import { releaseUnreachableMembers, TeardownSettings } from "./teardown";

export const UNREACHABLE_MEMBER_RELEASE_TYPE = "kubefed:index:UnreachableMemberRelease";

/** How long destroy gives KubeFed to see a member that stopped answering as not Ready (its checks: every 10 s, 3 failures by default). */
export const WAIT_FOR_KUBEFED_SECONDS = 120;

const SETTINGS: (keyof TeardownSettings)[] = ["federationName", "hostClusterName", "kubefedNamespace", "scope", "configNamespace", "kubeconfigSecretName"];
/** Every input: the kubeconfig and the settings. */
const INPUTS = ["hostKubeconfig", ...SETTINGS];

export class UnreachableMemberRelease extends pulumi.CustomResource {
    constructor(name: string, args: { hostKubeconfig: pulumi.Input<string>; settings: TeardownSettings }, opts: pulumi.CustomResourceOptions) {
        const settings = Object.fromEntries(SETTINGS.map((key) => [key, args.settings[key]]));
        super(UNREACHABLE_MEMBER_RELEASE_TYPE, name, ...deleteOnlyRegistration({ hostKubeconfig: args.hostKubeconfig, ...settings }, opts));
    }
}

/** The plugin's side of the resource, logging to `log`. Inputs arrive with secrets wrapped; they are kept so. */
export const unreachableMemberReleaseProvider = (log: EngineLog) =>
    deleteOnlyProvider(
        INPUTS,
        (inputs) => `${unwrapRpcSecret(inputs.kubefedNamespace)}/${unwrapRpcSecret(inputs.federationName)}`,
        async (urn, props) => {
            const settings = Object.fromEntries(SETTINGS.map((key) => [key, unwrapRpcSecret(props[key])])) as unknown as TeardownSettings;
            const options = {
                waitSeconds: WAIT_FOR_KUBEFED_SECONDS,
                pollSeconds: 2,
                info: (message: string) => log.info(message, urn),
                warn: (message: string) => log.warn(message, urn),
            };
            try {
                await releaseUnreachableMembers(await hostKubeApi(unwrapRpcSecret(props.hostKubeconfig)), settings, options);
            } catch (e) {
                // The destroy goes on: with every member Ready, nothing was needed of the host anyway.
                await options.warn(
                    `could not check the members of federation "${settings.federationName}" for ones KubeFed cannot reach (${(e as Error).message}); ` +
                        `none was released. Should the destroy then wait on a federated object, a member is down: ` +
                        `\`kubectl -n ${settings.kubefedNamespace} get kubefedclusters\` shows which; deleting its KubeFedCluster lets KubeFed finish`,
                );
            }
        },
    );
