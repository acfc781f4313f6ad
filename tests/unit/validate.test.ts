import { KubefedValidationError, TLSValidation } from "../../src";
import { isCIDR, isDNS1123Label, labelKeyProblem, validateFederationArgs } from "../../src/validate";
import { fixtureCA, fixtureKubeconfig, member, refusal, workload } from "../helpers/mocks";

// Each row: args that must be refused, and a line the single error must contain.
const badInputs: [string, unknown, string][] = [
    ["empty member name", { clusters: [member("")] }, 'clusters[0]: name is empty'],
    ["duplicate member names", { clusters: [member("member1"), member("member1")] }, 'member "member1": name is used more than once (clusters[0] and clusters[1])'],
    ["upper-case member name", { clusters: [member("Member1")] }, 'member "Member1": name "Member1" is not a DNS-1123 label'],
    ["member name with a dot", { clusters: [member("member.one")] }, 'member "member.one": name "member.one" is not a DNS-1123 label'],
    ["member name of 64 characters", { clusters: [member("m".repeat(64))] }, `name "${"m".repeat(64)}" is not a DNS-1123 label`],
    ["invalid hostClusterName", { clusters: [], hostClusterName: "Host_1" }, 'hostClusterName "Host_1" is not a DNS-1123 label'],
    ["invalid kubefedNamespace", { clusters: [], kubefedNamespace: "kube.fed" }, 'kubefedNamespace "kube.fed" is not a DNS-1123 label'],
    ["invalid configMapName", { clusters: [], configMapName: "Kubefed Config" }, 'configMapName "Kubefed Config" is not a DNS-1123 subdomain'],
    ["clientCIDR that is not a CIDR", { clusters: [member("m1", { serverAddressByClientCIDRs: [{ clientCIDR: "10.0.0.0", serverAddress: "https://a" }] })] }, 'member "m1": serverAddressByClientCIDRs[0].clientCIDR "10.0.0.0" is not an IPv4 or IPv6 CIDR'],
    ["clientCIDR with a bad prefix length", { clusters: [member("m1", { serverAddressByClientCIDRs: [{ clientCIDR: "10.0.0.0/33", serverAddress: "https://a" }] })] }, 'serverAddressByClientCIDRs[0].clientCIDR "10.0.0.0/33" is not an IPv4 or IPv6 CIDR'],
    ["serverAddress without scheme", { clusters: [member("m1", { serverAddressByClientCIDRs: [{ clientCIDR: "::/0", serverAddress: "10.0.0.1:6443" }] })] }, 'member "m1": serverAddressByClientCIDRs[0].serverAddress "10.0.0.1:6443" is not an http(s) URL with a host'],
    ["serverAddress of another scheme", { clusters: [member("m1", { serverAddressByClientCIDRs: [{ clientCIDR: "0.0.0.0/0", serverAddress: "ftp://a.example" }] })] }, 'serverAddress "ftp://a.example" is not an http(s) URL with a host'],
    ["empty serverAddressByClientCIDRs", { clusters: [member("m1", { serverAddressByClientCIDRs: [] })] }, 'member "m1": serverAddressByClientCIDRs must list at least one entry'],
    ["apiEndpoint without host", { clusters: [member("m1", { apiEndpoint: "https://" })] }, 'member "m1": apiEndpoint "https://" is not an http(s) URL with a host'],
    ["negative replicas", { clusters: [member("m1", { replicas: -1 })] }, 'member "m1": replicas -1 is not a non-negative integer'],
    ["fractional replicas", { clusters: [member("m1", { replicas: 1.5 })] }, 'member "m1": replicas 1.5 is not a non-negative integer'],
    ["invalid label key", { clusters: [member("m1", { labels: { "-region": "eu" } })] }, 'member "m1": label key "-region" is not a valid label name'],
    ["invalid label prefix", { clusters: [member("m1", { labels: { "Example.com/region": "eu" } })] }, 'label key "Example.com/region" has a prefix that is not a DNS-1123 subdomain'],
    ["invalid label value", { clusters: [member("m1", { labels: { region: "eu west" } })] }, 'member "m1": label "region" has an invalid value "eu west"'],
    // (TypeScript refuses it; JavaScript and the provider plugin's callers can pass any string.)
    ["unknown TLS validation", { clusters: [member("m1", { disabledTLSValidations: ["Hostname" as TLSValidation] })] }, 'member "m1": disabledTLSValidations has unknown values ["Hostname"]'],
    ["'*' mixed with another TLS validation", { clusters: [member("m1", { disabledTLSValidations: ["*", "SubjectName"] })] }, 'member "m1": disabledTLSValidations: "*" disables every validation and must stand alone'],
    ["proxyURL of another scheme", { clusters: [member("m1", { proxyURL: "ftp://proxy.example:21" })] }, 'member "m1": proxyURL "ftp://proxy.example:21" is not an http, https or socks5 URL with a host'],
    ["proxyURL with credentials", { clusters: [member("m1", { proxyURL: "http://user:pw@proxy.example:3128" })] }, 'member "m1": proxyURL "http://***@proxy.example:3128" carries credentials: KubeFed reads the proxy from the KubeFedCluster\'s spec, which is not a Secret'],
    ["kubeconfig proxy-url with credentials", { clusters: [member("m1", { kubeconfig: fixtureKubeconfig("m1").replace("server: ", "proxy-url: socks5://u:p@bastion:1080\n      server: ") })] }, 'member "m1": kubeconfig context "m1" has proxy-url "socks5://***@bastion:1080" carries credentials'],
    ["unknown scope", { clusters: [], scope: "Global" }, 'scope "Global" is neither "Cluster" nor "Namespaced"'],
    ["orphanWorkloadsOnUnjoin that is not a boolean", { clusters: [], orphanWorkloadsOnUnjoin: "yes" }, "orphanWorkloadsOnUnjoin must be a boolean"],
    ["kubeconfig that is not YAML", { clusters: [member("m1", { kubeconfig: "clusters: [unclosed" })] }, 'member "m1": kubeconfig is not valid YAML'],
    ["kubeconfig that is not a kubeconfig", { clusters: [member("m1", { kubeconfig: "hello: world" })] }, 'member "m1": kubeconfig is not a kubeconfig'],
    ["kubeconfig without the named context", { clusters: [member("m1", { kubeconfig: fixtureKubeconfig("m1"), context: "prod" })] }, 'member "m1": kubeconfig has no context "prod" (contexts: m1, m1-other)'],
    ["kubeconfig whose server is not a URL", { clusters: [member("m1", { kubeconfig: "clusters: [{name: c, cluster: {server: 'm1:6443'}}]\ncontexts: [{name: x, context: {cluster: c}}]\ncurrent-context: x\n" })] }, 'member "m1": kubeconfig context "x" has server "m1:6443", not an http(s) URL with a host (set apiEndpoint)'],
    ["missing kubeconfig", { clusters: [{ name: "m1" }] }, 'member "m1": kubeconfig is missing'],
    ["caBundle that is not a PEM certificate", { clusters: [member("m1", { caBundle: "not a certificate" })] }, 'member "m1": caBundle is not a PEM-encoded certificate'],
    ["clusters that is not an array", { clusters: { m1: {} } }, "clusters must be a plain array of members"],
    ["duplicate workload in a namespace", { clusters: [], workloads: [workload("web", "shop"), workload("web", "shop")] }, 'workload "shop/web": is declared more than once in its namespace'],
    ["workload name that is not a DNS name", { clusters: [], workloads: [workload("Web", "shop")] }, 'workload "shop/Web": name "Web" is not a DNS-1123 subdomain'],
    ["workload namespace that is not a DNS label", { clusters: [], workloads: [workload("web", "shop.eu")] }, 'workload "shop.eu/web": namespace "shop.eu" is not a DNS-1123 label'],
    ["workload placed on a non-member", { clusters: [member("m1")], workloads: [workload("web", "shop", { clusters: ["m1", "m2"] })] }, 'workload "shop/web": clusters names "m2", which is not a member'],
    ["workload with clusters and clusterSelector", { clusters: [member("m1")], workloads: [workload("web", "shop", { clusters: ["m1"], clusterSelector: { a: "b" } })] }, 'workload "shop/web": give either clusters or clusterSelector, not both'],
    ["negative totalReplicas", { clusters: [], workloads: [workload("web", "shop", { totalReplicas: -6 })] }, 'workload "shop/web": totalReplicas -6 is not a non-negative integer'],
    ["fractional totalReplicas", { clusters: [], workloads: [workload("web", "shop", { totalReplicas: 2.5 })] }, 'workload "shop/web": totalReplicas 2.5 is not a non-negative integer'],
    ["workloads with scope Namespaced", { clusters: [], scope: "Namespaced", workloads: [workload("web", "shop")] }, 'workloads need scope "Cluster": a KubeFed control plane of scope "Namespaced" watches only its own namespace'],
    ["workload placed on an empty list of members", { clusters: [member("m1")], workloads: [workload("web", "shop", { clusters: [] })] }, 'workload "shop/web": clusters is empty: the workload would run on no member'],
    ["workload whose clusterSelector matches no member", { clusters: [member("m1", { labels: { region: "eu" } })], workloads: [workload("web", "shop", { clusterSelector: { region: "us" } })] }, 'workload "shop/web": clusterSelector {"region":"us"} matches no member'],
    ["workload named like an inactive preference", { clusters: [], workloads: [workload("web.per-member-replicas", "shop")] }, 'must not end in ".per-member-replicas"'],
    ["member label the component reserves", { clusters: [member("m1", { labels: { "kubefed-iac.io/federation": "other" } })] }, 'member "m1": label "kubefed-iac.io/federation" is the component\'s own'],
    ["federationName too long to label the KubeFedClusters", { clusters: [], federationName: "f".repeat(64) }, "is longer than 63 characters, the most a label value (of the KubeFedClusters) can hold"],
    ["readyTimeoutSeconds that is not a positive integer", { clusters: [], readyTimeoutSeconds: 0 }, "readyTimeoutSeconds 0 is not a positive integer"],
    ["propagationTimeoutSeconds that is not a positive integer", { clusters: [], propagationTimeoutSeconds: 1.5 }, "propagationTimeoutSeconds 1.5 is not a positive integer"],
    ["hostKubeconfig that is not a kubeconfig", { clusters: [], hostKubeconfig: "hello: world" }, "hostKubeconfig: kubeconfig is not a kubeconfig"],
    ["hostKubeconfig whose user runs a command", { clusters: [], hostKubeconfig: fixtureKubeconfig("host").replace(/token: .*/, "exec: {command: aws}") }, 'hostKubeconfig: kubeconfig context "host" has no user with a token or inline client certificate'],
    ["workload in the KubeFed namespace", { clusters: [], workloads: [workload("web", "kube-federation-system")] }, 'workload "kube-federation-system/web": namespace "kube-federation-system" is the KubeFed namespace'],
];

describe("bad input", () => {
    test.each(badInputs)("%s: one error naming the problem, nothing registered", async (_what, args, expected) => {
        const { error, registrations } = await refusal(args);
        expect(error).toBeInstanceOf(KubefedValidationError);
        expect(error.message).toContain(expected);
        expect(registrations).toHaveLength(0);
    });

    test("every problem of every member is listed in one error", async () => {
        const { error, registrations } = await refusal({
            scope: "Both",
            hostClusterName: "HOST",
            clusters: [
                member("m1", { replicas: -2, proxyURL: "gopher://x" }),
                member("m1"),
                member("m2", { labels: { "a/b/c": "x" }, serverAddressByClientCIDRs: [{ clientCIDR: "300.0.0.0/8", serverAddress: "https://m2" }] }),
            ],
        });
        expect(registrations).toHaveLength(0);
        const problems = (error as KubefedValidationError).problems;
        expect(problems).toEqual([
            'hostClusterName "HOST" is not a DNS-1123 label (at most 63 lower-case alphanumerics or \'-\', starting and ending with an alphanumeric)',
            'scope "Both" is neither "Cluster" nor "Namespaced"',
            'member "m1": replicas -2 is not a non-negative integer',
            'member "m1": proxyURL "gopher://x" is not an http, https or socks5 URL with a host',
            'member "m1": name is used more than once (clusters[0] and clusters[1])',
            'member "m2": serverAddressByClientCIDRs[0].clientCIDR "300.0.0.0/8" is not an IPv4 or IPv6 CIDR',
            expect.stringContaining('member "m2": label key "a/b/c" has a prefix'),
        ]);
        expect(error.message).toMatch(/^KubefedFederation "fed" has 7 invalid arguments:\n {2}- /);
    });
});

describe("good input", () => {
    test("defaults are applied and members sorted by name", () => {
        const { settings, members } = validateFederationArgs("fed", { clusters: [member("b"), member("a", { replicas: 0 })] });
        expect(settings).toEqual({
            federationName: "federation",
            hostClusterName: "host",
            configNamespace: "kube-system",
            kubefedNamespace: "kube-federation-system",
            configMapName: "kubefed-config",
            kubeconfigSecretName: "kubefed-kubeconfig",
            scope: "Cluster",
            waitForReady: false,
            readyTimeoutSeconds: 120,
            propagationTimeoutSeconds: 90,
            orphanWorkloadsOnUnjoin: false,
        });
        expect(members.map((m) => [m.name, m.replicas, m.labels, m.disabledTLSValidations])).toEqual([
            ["a", 0, {}, []],
            ["b", 1, {}, []],
        ]);
    });

    test("accepts IPv6 CIDRs, socks5 proxies, prefixed label keys, empty label values and a PEM caBundle", () => {
        expect(() =>
            validateFederationArgs("fed", {
                scope: "Namespaced",
                clusters: [
                    member("m1", {
                        serverAddressByClientCIDRs: [{ clientCIDR: "fd00::/8", serverAddress: "https://[fd00::1]:6443" }],
                        proxyURL: "socks5://127.0.0.1:1080",
                        labels: { "topology.kubernetes.io/region": "eu-west-1", tier: "" },
                        caBundle: fixtureCA("member1"),
                        disabledTLSValidations: ["*"],
                        context: "m1-other",
                    }),
                ],
            }),
        ).not.toThrow();
    });

    test("name and address rules", () => {
        expect(isDNS1123Label("member-1")).toBe(true);
        expect(isDNS1123Label("member-")).toBe(false);
        expect(isCIDR("192.168.0.0/16")).toBe(true);
        expect(isCIDR("192.168.0.0")).toBe(false);
        expect(labelKeyProblem("kubernetes.io/hostname")).toBeUndefined();
        expect(labelKeyProblem("a".repeat(64))).toContain("is not a valid label name");
    });
});
