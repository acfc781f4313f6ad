// Before the kubeconfig Secret's update: for each member that leaves, whether it answers with the
// federation's own credentials; for one that does not, a warning of what stays in it
// (departure.ts). Its deletes then leave the state without reaching it (deleteUnreachable), and
// the rest of the unjoin goes on.
import * as pulumi from "@pulumi/pulumi";
import { unreachableDepartureWarning } from "../departure";
import { names } from "../names";
import { FederationSettings } from "../validate";
import { departures } from "./departures";
import { HookLog } from "./log";

export function departureReport(name: string, memberNames: string[], settings: FederationSettings, log: HookLog): pulumi.ResourceHook {
    return new pulumi.ResourceHook(names.hook(name, "report-departures"), async ({ oldInputs }) => {
        for (const { member, api } of await departures(oldInputs, memberNames)) {
            let reason: string | undefined;
            try {
                reason = await (await api()).unreachable();
            } catch {
                continue; // e.g. reached through a proxy: nothing to say
            }
            if (reason) {
                log.warn(unreachableDepartureWarning(member, settings, reason));
            }
        }
    });
}
