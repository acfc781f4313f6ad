import * as fs from "fs";
import * as path from "path";
import * as pulumi from "@pulumi/pulumi";
import { componentArgs } from "../../src/provider";

const schema = JSON.parse(fs.readFileSync(path.join(__dirname, "..", "..", "schema.json"), "utf8"));

test("construct gets plain values where the schema says plain (enums included), and keeps inputs (and their secretness) elsewhere", async () => {
    const kubeconfig = pulumi.secret("apiVersion: v1");
    const spec = pulumi.output({ replicas: 1 });
    // The engine sends a value that holds outputs as a plain value holding outputs, and one with
    // dependencies as an output.
    const args = await componentArgs(
        {
            clusters: [{ name: pulumi.output("member1"), kubeconfig, replicas: 2, disabledTLSValidations: ["SubjectName", "ValidityPeriod"] }],
            scope: pulumi.output("Namespaced"),
            workloads: [{ name: "web", namespace: pulumi.output("shop"), spec }],
        },
        schema,
    );
    expect(Array.isArray(args.clusters)).toBe(true);
    expect(args.clusters[0].name).toBe("member1");
    expect(args.clusters[0].replicas).toBe(2);
    expect(args.scope).toBe("Namespaced");
    // Enum values (scope, TLS validations) arrive as their strings; an enum type has no properties to descend into.
    expect(args.clusters[0].disabledTLSValidations).toEqual(["SubjectName", "ValidityPeriod"]);
    expect(args.clusters[0].kubeconfig).toBe(kubeconfig);
    expect(await pulumi.isSecret(args.clusters[0].kubeconfig as pulumi.Output<string>)).toBe(true);
    expect(args.workloads![0].namespace).toBe("shop");
    expect(args.workloads![0].spec).toBe(spec);
});
