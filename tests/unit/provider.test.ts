import * as fs from "fs";
import * as path from "path";
import * as pulumi from "@pulumi/pulumi";
import { KUBEFED_FEDERATION_TYPE } from "../../src/component";
import { componentArgs, KubefedProvider } from "../../src/provider";
import { fixtureKubeconfig, mockState, unwrap, wireSecret } from "../helpers/mocks";

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

test("a resource's object from another language: its names plain; when it came as a secret, everything else in it stays secret", async () => {
    const object = { apiVersion: "v1", kind: "Secret", metadata: { name: "db", namespace: "shop", labels: { app: "db" } }, stringData: { password: "p4ss" } };
    const args = await componentArgs(
        {
            clusters: [],
            resources: [
                { object: pulumi.secret(object), overrides: [{ clusters: ["member1"], patches: [{ path: "/stringData/password", value: pulumi.secret("other") }] }] },
                { object: pulumi.output({ apiVersion: "v1", kind: "ConfigMap", metadata: { name: "c", namespace: "shop" }, data: { a: "b" } }) },
            ],
        },
        schema,
    );
    const [secret, configMap] = args.resources!;
    expect([secret.object.apiVersion, secret.object.kind, secret.object.metadata.name, secret.object.metadata.namespace]).toEqual(["v1", "Secret", "db", "shop"]);
    expect(await pulumi.isSecret(secret.object.stringData)).toBe(true);
    expect(await pulumi.isSecret(secret.object.metadata.labels as pulumi.Output<unknown>)).toBe(true);
    expect(await pulumi.isSecret(secret.overrides![0].patches[0].value)).toBe(true);
    expect(secret.overrides![0].patches[0].path).toBe("/stringData/password");
    expect(configMap.object).toEqual({ apiVersion: "v1", kind: "ConfigMap", metadata: { name: "c", namespace: "shop" }, data: { a: "b" } });
});

describe("a secret where the schema says plain", () => {
    const registered: string[] = [];
    beforeAll(() =>
        pulumi.runtime.setMocks(
            { newResource: (a) => (registered.push(a.type), { id: `${a.name}-id`, state: { ...a.inputs, ...mockState(a.type, unwrap(a.inputs)) } }), call: (a) => a.inputs },
            "kubefed-test",
            "unit",
            false,
        ),
    );
    const construct = (inputs: pulumi.Inputs) => new KubefedProvider().construct("fed", KUBEFED_FEDERATION_TYPE, inputs, {});

    test("is refused by construct with one error naming the field, before anything is registered", async () => {
        const clusters = [{ name: "member1", kubeconfig: pulumi.secret(fixtureKubeconfig("member1")), proxyURL: pulumi.secret("http://proxy.example:3128") }];
        await expect(construct({ clusters })).rejects.toThrow(
            new Error("clusters[0].proxyURL is a secret, but KubefedFederation stores it in plain text (only the kubeconfigs, hostKubeconfig and each member's kubeconfig, are kept secret): pass it as a plain value"),
        );
        expect(registered).toEqual([]);
    });

    test("at any depth and in the older wire form, every one named in the same error", async () => {
        const inputs = {
            clusters: [
                { name: "member1", kubeconfig: pulumi.secret(fixtureKubeconfig("member1")), labels: { region: pulumi.secret("eu") } },
                pulumi.secret({ name: "member2", kubeconfig: fixtureKubeconfig("member2") }),
                { name: "member3", kubeconfig: fixtureKubeconfig("member2"), disabledTLSValidations: [wireSecret("SubjectName")] },
            ],
            hostClusterName: wireSecret("host"),
        };
        await expect(construct(inputs)).rejects.toThrow(
            new Error(
                "clusters[0].labels.region, clusters[1], clusters[2].disabledTLSValidations[0] and hostClusterName are secrets, but KubefedFederation stores them in plain text (only the kubeconfigs, hostKubeconfig and each member's kubeconfig, are kept secret): pass them as plain values",
            ),
        );
        expect(registered).toEqual([]);
    });

    test("does not cover a secret kubeconfig, an input, which keeps its secretness", async () => {
        const args = await componentArgs({ clusters: [{ name: "member1", kubeconfig: pulumi.secret(fixtureKubeconfig("member1")), apiEndpoint: pulumi.output("https://m1:6443") }] }, schema);
        expect(await pulumi.isSecret(args.clusters[0].kubeconfig as pulumi.Output<string>)).toBe(true);
    });
});
