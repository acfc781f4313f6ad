import * as fs from "fs";
import { generateSchema, SCHEMA_FILE } from "../../scripts/schema";

const schema = generateSchema() as any;
const component = schema.resources["kubefed:index:KubefedFederation"];

test("the committed schema.json is what the TypeScript types generate (run `npm run schema` after changing src/args.ts)", () => {
    expect(JSON.parse(fs.readFileSync(SCHEMA_FILE, "utf8"))).toEqual(schema);
});

test("the component is published under its type token, with every input and output of the TypeScript API", () => {
    expect(component.isComponent).toBe(true);
    expect(Object.keys(component.inputProperties).sort()).toEqual(
        ["clusters", "configMapName", "configNamespace", "controlPlane", "federationName", "hostClusterName", "hostKubeconfig", "kubeconfigSecretName", "kubefedNamespace", "orphanWorkloadsOnUnjoin", "propagationTimeoutSeconds", "readyTimeoutSeconds", "resources", "federatedTypes", "scope", "waitForReady", "workloads"].sort(),
    );
    expect(component.requiredInputs).toEqual(["clusters"]);
    expect(Object.keys(component.properties).sort()).toEqual(["clusterNames", "clusters", "propagation"]);
    expect(Object.keys(schema.types["kubefed:index:MemberCluster"].properties).sort()).toEqual(
        ["apiEndpoint", "caBundle", "context", "disabledTLSValidations", "kubeconfig", "labels", "name", "provider", "proxyURL", "replicas", "serverAddressByClientCIDRs", "tokenRotation"].sort(),
    );
});

test("the control plane is a component of its own, which the federation takes by reference", () => {
    const controlPlane = schema.resources["kubefed:index:KubefedControlPlane"];
    expect(controlPlane.isComponent).toBe(true);
    expect(Object.keys(controlPlane.inputProperties).sort()).toEqual(["chart", "hostKubeconfig", "namespace", "releaseName", "repository", "scope", "timeoutSeconds", "values", "version"]);
    expect(controlPlane.inputProperties.hostKubeconfig.secret).toBe(true);
    expect(controlPlane.requiredInputs).toEqual([]);
    expect(controlPlane.inputProperties.values.plain).toBeUndefined();
    expect(controlPlane.inputProperties.scope.$ref).toBe("#/types/kubefed:index:FederationScope");
    expect(controlPlane.properties).toMatchObject({
        namespace: { type: "string" },
        scope: { type: "string" },
        chartVersion: { type: "string" },
        revision: { type: "integer" },
        controllerAvailable: { type: "boolean" },
        webhookAvailable: { type: "boolean" },
    });
    expect(component.inputProperties.controlPlane.$ref).toBe("#/resources/kubefed:index:KubefedControlPlane");
});

test("a federated resource: any object, placement, override rules of JSON patches; the propagation output", () => {
    const resource = schema.types["kubefed:index:FederatedResource"];
    expect(resource.properties.object.$ref).toBe("pulumi.json#/Any");
    expect(resource.required).toEqual(["object"]);
    expect(schema.types["kubefed:index:OverrideRule"].properties.patches.items.$ref).toBe("#/types/kubefed:index:OverridePatch");
    expect(schema.types["kubefed:index:OverridePatch"].properties.value.$ref).toBe("pulumi.json#/Any");
    expect(schema.types["kubefed:index:OverrideOp"].enum.map((e: { value: string }) => e.value)).toEqual(["add", "remove", "replace"]);
    expect(Object.keys(schema.types["kubefed:index:FederatedType"].properties).sort()).toEqual(["group", "kind", "namespaced", "plural", "version"]);
    expect(component.properties.propagation.additionalProperties.$ref).toBe("#/types/kubefed:index:ResourcePropagation");
});

test("a workload's spec is the kubernetes package's DeploymentSpec, at the tested version (the lock file's)", () => {
    expect(schema.types["kubefed:index:FederatedDeployment"].properties.spec.$ref).toBe("/kubernetes/v4.25.0/schema.json#/types/kubernetes:apps/v1:DeploymentSpec");
});

test("credentials are secret, and nothing else is", () => {
    const secrets: string[] = [];
    const visit = (where: string, properties: Record<string, any>) =>
        Object.entries(properties).forEach(([key, p]) => p.secret && secrets.push(`${where}.${key}`));
    visit("KubefedFederation", component.inputProperties);
    visit("KubefedFederation", component.properties);
    for (const [name, type] of Object.entries<any>(schema.types)) {
        visit(name, type.properties ?? {});
    }
    expect(secrets).toEqual(["KubefedFederation.hostKubeconfig", "kubefed:index:MemberCluster.kubeconfig"]);
});

test("inputs the component needs plain are plain; values known at deploy time are inputs", () => {
    const member = schema.types["kubefed:index:MemberCluster"].properties;
    expect(component.inputProperties.clusters.plain).toBe(true);
    expect(member.name.plain).toBe(true);
    expect(member.replicas).toMatchObject({ type: "integer", plain: true });
    for (const input of ["kubeconfig", "apiEndpoint", "caBundle"]) {
        expect(member[input].plain).toBeUndefined();
    }
    // A provider the program has: a reference to a kubernetes provider resource, at the tested version.
    expect(member.provider).toMatchObject({ $ref: "/kubernetes/v4.25.0/schema.json#/provider", plain: true });
});

test("scope and the TLS validations are enum types, made from the string unions of src/args.ts", () => {
    expect(component.inputProperties.scope).toMatchObject({ $ref: "#/types/kubefed:index:FederationScope", plain: true });
    expect(schema.types["kubefed:index:FederationScope"]).toMatchObject({ type: "string", enum: [{ value: "Cluster" }, { value: "Namespaced" }] });
    expect(schema.types["kubefed:index:MemberCluster"].properties.disabledTLSValidations).toMatchObject({
        type: "array",
        items: { $ref: "#/types/kubefed:index:TLSValidation" },
        plain: true,
    });
    expect(schema.types["kubefed:index:TLSValidation"]).toMatchObject({ type: "string", enum: [{ value: "*" }, { value: "SubjectName" }, { value: "ValidityPeriod" }] });
});
