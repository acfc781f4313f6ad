// Ablation experiments of bench part 1 (`program-cost.ts --ablation N`): variants between the
// baseline and the component, to attribute the component's extra cost. Not part of the default
// run. None of them changes src/: they wrap the baseline, or replace a function of the compiled
// src/ modules at run time (the component calls them through their module objects).
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";

export type Program = (members: { name: string; kubeconfig: string }[], host: k8s.Provider) => void;

function component(): Program {
    const { KubefedFederation } = require("../../src") as typeof import("../../src");
    return (members, host) => {
        new KubefedFederation("fed", { clusters: members }, { provider: host });
    };
}

export const EXPERIMENTS: Record<string, { what: string; load(): Program }> = {
    "baseline-in-component": {
        what: "the baseline, its resources parented by a ComponentResource of its own (registered, with registerOutputs({})): the cost of being a component",
        load: () => {
            const { baselineFederation } = require("./baseline") as typeof import("./baseline");
            class Wrapper extends pulumi.ComponentResource {
                constructor(name: string, members: { name: string; kubeconfig: string }[], host: k8s.Provider) {
                    super("bench:index:Wrapper", name, {}, { provider: host });
                    baselineFederation(name, members, host, this);
                    this.registerOutputs({});
                }
            }
            return (members, host) => {
                new Wrapper("fed", members, host);
            };
        },
    },
    "component-parse-once": {
        what: "the component with resolveContext memoized per (kubeconfig, context): each kubeconfig is parsed and schema-checked once instead of twice",
        load: () => {
            const kubeconfig = require("../../src/kubeconfig") as typeof import("../../src/kubeconfig");
            const resolve = kubeconfig.resolveContext;
            const cache = new Map<string, ReturnType<typeof resolve>>();
            (kubeconfig as { resolveContext: typeof resolve }).resolveContext = (text, context) => {
                const key = `${context ?? ""}\0${text}`;
                let found = cache.get(key);
                if (!found) {
                    found = resolve(text, context);
                    cache.set(key, found);
                }
                return found;
            };
            return component();
        },
    },
};
