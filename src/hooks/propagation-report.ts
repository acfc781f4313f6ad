// After a federated object's create or update (when KubeFed has processed it), a warning that
// names each member it is not yet propagated to and KubeFed's reason (propagation.ts).
import * as pulumi from "@pulumi/pulumi";
import { names } from "../names";
import { FederatedStatus, propagationWarning } from "../propagation";
import { HookLog } from "./log";

export function propagationReport(name: string, log: HookLog): pulumi.ResourceHook {
    return new pulumi.ResourceHook(names.hook(name, "report-propagation"), ({ newInputs, newOutputs }) => {
        const metadata = (newInputs?.metadata ?? {}) as { name?: string; namespace?: string };
        const warning = propagationWarning(String(newInputs?.kind ?? "federated object"), `${metadata.namespace}/${metadata.name}`, newOutputs?.status as FederatedStatus | undefined);
        if (warning) {
            log.warn(warning);
        }
    });
}
