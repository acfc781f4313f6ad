import * as yaml from "js-yaml";
import { KubefedValidationError, TLSValidation } from "../../src";
import { isCIDR, isDNS1123Label, labelKeyProblem, parseGoCIDR, parseGoURL, redactURL, validateFederationArgs } from "../../src/validate";
import { b64, fixtureCA, fixtureKubeconfig, fixtureKubeconfigWith, fixturePrivateKey, member, READABLE_FIXTURE_FILE, refusal, workload } from "../helpers/mocks";

/** member1's fixture kubeconfig with its (current) cluster entry changed. */
const m1Cluster = (change: (cluster: Record<string, unknown>) => void) => fixtureKubeconfigWith("m1", (doc) => change(doc.clusters[0].cluster));
/** The host's fixture kubeconfig with its user changed. */
const hostUser = (user: Record<string, unknown>) => fixtureKubeconfigWith("host", (doc) => (doc.users[0].user = user));
/** The host's fixture kubeconfig with its (current) cluster entry changed. */
const hostCluster = (change: (cluster: Record<string, unknown>) => void) => fixtureKubeconfigWith("host", (doc) => change(doc.clusters[0].cluster));
const EXEC_V1 = { apiVersion: "client.authentication.k8s.io/v1", command: "aws", args: ["eks", "get-token"], env: null, interactiveMode: "Never" };

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
    ["kubeconfig proxy-url with credentials", { clusters: [member("m1", { kubeconfig: fixtureKubeconfig("m1").replace("server: ", "proxy-url: socks5://u:p@bastion:1080\n      server: ") })] }, 'member "m1": kubeconfig context "m1": proxy-url "socks5://***@bastion:1080" carries credentials'],
    ["unknown scope", { clusters: [], scope: "Global" }, 'scope "Global" is neither "Cluster" nor "Namespaced"'],
    ["orphanWorkloadsOnUnjoin that is not a boolean", { clusters: [], orphanWorkloadsOnUnjoin: "yes" }, "orphanWorkloadsOnUnjoin must be a boolean"],
    ["kubeconfig that is not YAML", { clusters: [member("m1", { kubeconfig: "clusters: [unclosed" })] }, 'member "m1": kubeconfig is not valid YAML'],
    ["kubeconfig that is not a kubeconfig", { clusters: [member("m1", { kubeconfig: "hello: world" })] }, 'member "m1": kubeconfig is not a kubeconfig'],
    ["kubeconfig without the named context", { clusters: [member("m1", { kubeconfig: fixtureKubeconfig("m1"), context: "prod" })] }, 'member "m1": kubeconfig has no context "prod" (contexts: m1, m1-other)'],
    ["kubeconfig whose server is not a URL", { clusters: [member("m1", { kubeconfig: "clusters: [{name: c, cluster: {server: 'm1:6443'}}]\ncontexts: [{name: x, context: {cluster: c}}]\ncurrent-context: x\n" })] }, 'member "m1": kubeconfig context "x": server "m1:6443" is not an http(s) URL with a host: it has no "//" after the scheme, so no host'],
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
    ["hostKubeconfig whose exec plugin has no command", { clusters: [], hostKubeconfig: hostUser({ exec: { apiVersion: "client.authentication.k8s.io/v1" } }) }, 'hostKubeconfig: kubeconfig user "admin": exec has no command'],
    ["hostKubeconfig whose exec plugin is of an old apiVersion", { clusters: [], hostKubeconfig: hostUser({ exec: { ...EXEC_V1, apiVersion: "client.authentication.k8s.io/v1alpha1" } }) }, 'hostKubeconfig: kubeconfig user "admin": exec apiVersion "client.authentication.k8s.io/v1alpha1" is neither client.authentication.k8s.io/v1 nor client.authentication.k8s.io/v1beta1'],
    ["hostKubeconfig whose exec plugin has no apiVersion", { clusters: [], hostKubeconfig: fixtureKubeconfig("host").replace(/token: .*/, "exec: {command: aws}") }, 'hostKubeconfig: kubeconfig user "admin": exec has no apiVersion'],
    ["hostKubeconfig whose user has no credential", { clusters: [], hostKubeconfig: hostUser({ username: "admin" }) }, 'hostKubeconfig: kubeconfig user "admin" has no credential: give a token, a tokenFile, a client certificate and key, an exec plugin, an auth-provider, or a username and password'],
    ["hostKubeconfig whose user has a certificate but no key", { clusters: [], hostKubeconfig: hostUser({ "client-certificate-data": b64(fixtureCA("host")) }) }, 'hostKubeconfig: kubeconfig user "admin": has a client certificate but no client-key or client-key-data'],
    ["hostKubeconfig whose context names a user it does not define", { clusters: [], hostKubeconfig: fixtureKubeconfigWith("host", (doc) => (doc.contexts[0].context.user = "nobody")) }, 'hostKubeconfig: kubeconfig context "host" names user "nobody", which the kubeconfig does not define'],
    ["hostKubeconfig whose context names no user", { clusters: [], hostKubeconfig: fixtureKubeconfigWith("host", (doc) => delete doc.contexts[0].context.user) }, 'hostKubeconfig: kubeconfig context "host" names no user'],
    ["hostKubeconfig whose current-context is missing", { clusters: [], hostKubeconfig: fixtureKubeconfigWith("host", (doc) => (doc["current-context"] = "gone")) }, 'hostKubeconfig: kubeconfig has no context "gone" (contexts: host, host-other)'],
    ["hostKubeconfig without current-context", { clusters: [], hostKubeconfig: fixtureKubeconfigWith("host", (doc) => delete doc["current-context"]) }, "hostKubeconfig: kubeconfig has no current-context and no context was given"],
    ["hostKubeconfig whose context names a cluster it does not define", { clusters: [], hostKubeconfig: fixtureKubeconfigWith("host", (doc) => (doc.contexts[0].context.cluster = "gone")) }, 'hostKubeconfig: kubeconfig context "host" names cluster "gone", which the kubeconfig does not define'],
    ["hostKubeconfig whose CA file does not exist", { clusters: [], hostKubeconfig: hostCluster((c) => { delete c["certificate-authority-data"]; c["certificate-authority"] = "/nonexistent/ca.crt"; }) }, 'hostKubeconfig: kubeconfig cluster "host": certificate-authority "/nonexistent/ca.crt" does not exist'],
    ["hostKubeconfig whose client key file does not exist", { clusters: [], hostKubeconfig: hostUser({ "client-certificate": READABLE_FIXTURE_FILE, "client-key": "/nonexistent/client.key" }) }, 'hostKubeconfig: kubeconfig user "admin": client-key "/nonexistent/client.key" does not exist'],
    ["hostKubeconfig whose token file does not exist", { clusters: [], hostKubeconfig: hostUser({ tokenFile: "relative/token" }) }, 'hostKubeconfig: kubeconfig user "admin": tokenFile "relative/token" does not exist (a relative path is read from the directory the program runs in)'],
    ["hostKubeconfig whose CA file is a directory", { clusters: [], hostKubeconfig: hostCluster((c) => { delete c["certificate-authority-data"]; c["certificate-authority"] = "/"; }) }, 'hostKubeconfig: kubeconfig cluster "host": certificate-authority "/" is a directory, not a file'],
    ["hostKubeconfig whose server carries user information", { clusters: [], hostKubeconfig: hostCluster((c) => (c.server = "https://admin:pw@host.example.com:6443")) }, 'hostKubeconfig: kubeconfig context "host": server "https://***@host.example.com:6443" carries user information'],
    ["hostKubeconfig whose proxy-url carries user information", { clusters: [], hostKubeconfig: hostCluster((c) => (c["proxy-url"] = "http://u:pw@proxy.example:3128")) }, 'hostKubeconfig: kubeconfig context "host": proxy-url "http://***@proxy.example:3128" carries user information'],
    ["hostKubeconfig whose proxy-url is of another scheme", { clusters: [], hostKubeconfig: hostCluster((c) => (c["proxy-url"] = "ftp://proxy.example")) }, 'hostKubeconfig: kubeconfig context "host": proxy-url "ftp://proxy.example" is not an http, https or socks5 URL with a host'],
    ["hostKubeconfig of plain http without insecure-skip-tls-verify", { clusters: [], hostKubeconfig: hostCluster((c) => (c.server = "http://host.example.com:8080")) }, 'hostKubeconfig: kubeconfig context "host": server "http://host.example.com:8080" is plain http, which @kubernetes/client-node refuses'],
    ["hostKubeconfig with a CA and insecure-skip-tls-verify", { clusters: [], hostKubeconfig: hostCluster((c) => (c["insecure-skip-tls-verify"] = true)) }, 'hostKubeconfig: kubeconfig cluster "host": insecure-skip-tls-verify is set together with a CA (certificate-authority-data)'],
    ["hostKubeconfig with duplicate user names", { clusters: [], hostKubeconfig: fixtureKubeconfigWith("host", (doc) => doc.users.push({ ...doc.users[0] })) }, 'hostKubeconfig: kubeconfig lists more than one user named "admin" (client-go refuses duplicate names)'],
    ["hostKubeconfig whose client key data is not base64", { clusters: [], hostKubeconfig: hostUser({ "client-certificate-data": b64(fixtureCA("host")), "client-key-data": "not base64!" }) }, 'hostKubeconfig: kubeconfig user "admin": client-key-data is not base64'],
    // Go's url.Parse, and the need for a scheme and a host.
    ["newline in an apiEndpoint's host", { clusters: [member("m1", { apiEndpoint: "https://member1.example.com\n:6443" })] }, 'member "m1": apiEndpoint "https://member1.example.com…" is not an http(s) URL with a host: it contains a control character'],
    ["tab in a serverAddress", { clusters: [member("m1", { serverAddressByClientCIDRs: [{ clientCIDR: "0.0.0.0/0", serverAddress: "https://m1\t.example" }] })] }, 'serverAddressByClientCIDRs[0].serverAddress "https://m1…" is not an http(s) URL with a host: it contains a control character'],
    ["leading space in an apiEndpoint", { clusters: [member("m1", { apiEndpoint: " https://member1.example.com" })] }, 'member "m1": apiEndpoint " https://member1.example.com" is not an http(s) URL with a host: it begins or ends with whitespace'],
    ["trailing space in a proxyURL", { clusters: [member("m1", { proxyURL: "http://proxy.example:3128 " })] }, 'member "m1": proxyURL "http://proxy.example:3128 " is not an http, https or socks5 URL with a host: it begins or ends with whitespace'],
    ["apiEndpoint without '//' (opaque)", { clusters: [member("m1", { apiEndpoint: "https:member1.example.com" })] }, 'member "m1": apiEndpoint "https:member1.example.com" is not an http(s) URL with a host: it has no "//" after the scheme, so no host'],
    ["apiEndpoint with full-width digits", { clusters: [member("m1", { apiEndpoint: "https://１２７.0.0.1" })] }, 'member "m1": apiEndpoint "https://１２７.0.0.1" is not an http(s) URL with a host: its host has non-ASCII characters (such as full-width digits)'],
    ["apiEndpoint with a non-ASCII host", { clusters: [member("m1", { apiEndpoint: "https://bücher.example" })] }, "its host has non-ASCII characters"],
    ["apiEndpoint with a shortened IPv4 address", { clusters: [member("m1", { apiEndpoint: "https://127.1:6443" })] }, 'apiEndpoint "https://127.1:6443" is not an http(s) URL with a host: its host ends in a number but is not an IPv4 address in dotted-decimal form'],
    ["apiEndpoint with a character Go refuses in a host", { clusters: [member("m1", { apiEndpoint: "https://m1{1}.example" })] }, "its host has a character that a host name cannot have"],
    ["apiEndpoint with a backslash", { clusters: [member("m1", { apiEndpoint: "https://m1.example\\@evil.example" })] }, 'apiEndpoint "https://***@evil.example" carries user information'],
    ["apiEndpoint whose port is too large", { clusters: [member("m1", { apiEndpoint: "https://member1.example.com:65536" })] }, 'apiEndpoint "https://member1.example.com:65536" is not an http(s) URL with a host: its port is not a number from 0 to 65535'],
    ["apiEndpoint whose port is not a number", { clusters: [member("m1", { apiEndpoint: "https://member1.example.com:https" })] }, "its port is not a number from 0 to 65535"],
    ["apiEndpoint with an IPv6 zone", { clusters: [member("m1", { apiEndpoint: "https://[fe80::1%25eth0]:6443" })] }, "its IPv6 host has a zone"],
    ["apiEndpoint with an invalid %-escape", { clusters: [member("m1", { apiEndpoint: "https://member1.example.com/k8s%zz" })] }, "it has an invalid %-escape"],
    // User information, refused in every URL, and never shown.
    ["userinfo in apiEndpoint", { clusters: [member("m1", { apiEndpoint: "https://admin:pw@member1.example.com:6443" })] }, 'member "m1": apiEndpoint "https://***@member1.example.com:6443" carries user information (a name or password before "@")'],
    ["user name only in apiEndpoint", { clusters: [member("m1", { apiEndpoint: "https://admin@member1.example.com" })] }, 'member "m1": apiEndpoint "https://***@member1.example.com" carries user information'],
    ["userinfo in serverAddress", { clusters: [member("m1", { serverAddressByClientCIDRs: [{ clientCIDR: "0.0.0.0/0", serverAddress: "https://admin:pw@10.0.0.1:6443" }] })] }, 'member "m1": serverAddressByClientCIDRs[0].serverAddress "https://***@10.0.0.1:6443" carries user information'],
    ["userinfo in a member kubeconfig's server", { clusters: [member("m1", { kubeconfig: m1Cluster((c) => (c.server = "https://admin:pw@m1.example.com:6443")) })] }, 'member "m1": kubeconfig context "m1": server "https://***@m1.example.com:6443" carries user information'],
    ["userinfo in a member kubeconfig's server, even with an apiEndpoint", { clusters: [member("m1", { apiEndpoint: "https://lb.example", kubeconfig: m1Cluster((c) => (c.server = "https://admin@m1.example.com")) })] }, 'member "m1": kubeconfig context "m1": server "https://***@m1.example.com" carries user information'],
    // Go's net.ParseCIDR.
    ["clientCIDR with a short IPv4 address", { clusters: [member("m1", { serverAddressByClientCIDRs: [{ clientCIDR: "10/8", serverAddress: "https://a" }] })] }, 'serverAddressByClientCIDRs[0].clientCIDR "10/8" is not an IPv4 or IPv6 CIDR: its address is not an IPv4 address in dotted-decimal form'],
    ["clientCIDR with leading zeros", { clusters: [member("m1", { serverAddressByClientCIDRs: [{ clientCIDR: "010.0.0.0/8", serverAddress: "https://a" }] })] }, 'clientCIDR "010.0.0.0/8" is not an IPv4 or IPv6 CIDR: its address is not an IPv4 address in dotted-decimal form (four numbers 0-255, no leading zeros)'],
    ["clientCIDR with a zone", { clusters: [member("m1", { serverAddressByClientCIDRs: [{ clientCIDR: "fe80::1%eth0/64", serverAddress: "https://a" }] })] }, 'clientCIDR "fe80::1%eth0/64" is not an IPv4 or IPv6 CIDR: its address has a zone'],
    ["clientCIDR whose prefix has a leading zero", { clusters: [member("m1", { serverAddressByClientCIDRs: [{ clientCIDR: "10.0.0.0/08", serverAddress: "https://a" }] })] }, 'clientCIDR "10.0.0.0/08" is not an IPv4 or IPv6 CIDR: its prefix length is not a decimal number from 0 to 32'],
    ["clientCIDR whose prefix has a sign", { clusters: [member("m1", { serverAddressByClientCIDRs: [{ clientCIDR: "fd00::/+8", serverAddress: "https://a" }] })] }, 'clientCIDR "fd00::/+8" is not an IPv4 or IPv6 CIDR: its prefix length is not a decimal number from 0 to 128'],
    ["serverAddressByClientCIDRs entry that is not an object", { clusters: [member("m1", { serverAddressByClientCIDRs: ["0.0.0.0/0" as never] })] }, "serverAddressByClientCIDRs[0] must be an object with clientCIDR and serverAddress, not a string"],
    // Go's int32.
    ["replicas beyond int32", { clusters: [member("m1", { replicas: 2147483648 })] }, 'member "m1": replicas 2147483648 is not a non-negative integer of at most 2147483647'],
    ["replicas that is a string", { clusters: [member("m1", { replicas: "3" as never })] }, 'member "m1": replicas "3" is not a non-negative integer'],
    ["totalReplicas beyond int32", { clusters: [], workloads: [workload("web", "shop", { totalReplicas: 2 ** 31 })] }, 'workload "shop/web": totalReplicas 2147483648 is not a non-negative integer of at most 2147483647'],
    // A kubeconfig's CA data, and caBundle: strict base64, PEM certificates only.
    ["kubeconfig CA data that is not base64", { clusters: [member("m1", { kubeconfig: m1Cluster((c) => (c["certificate-authority-data"] = "not base64!")) })] }, 'member "m1": kubeconfig cluster "m1": certificate-authority-data is not base64'],
    ["kubeconfig CA data with bad padding", { clusters: [member("m1", { kubeconfig: m1Cluster((c) => (c["certificate-authority-data"] = String(c["certificate-authority-data"]).replace(/=+$/, ""))) })] }, 'kubeconfig cluster "m1": certificate-authority-data is not base64'],
    ["kubeconfig CA data that is not a certificate", { clusters: [member("m1", { kubeconfig: m1Cluster((c) => (c["certificate-authority-data"] = b64("hello"))) })] }, 'member "m1": kubeconfig cluster "m1": certificate-authority-data does not hold PEM-encoded certificates: it holds no PEM CERTIFICATE block'],
    ["kubeconfig CA data with a private key after the certificate", { clusters: [member("m1", { kubeconfig: m1Cluster((c) => (c["certificate-authority-data"] = b64(fixtureCA("m1") + fixturePrivateKey()))) })] }, 'kubeconfig cluster "m1": certificate-authority-data does not hold PEM-encoded certificates: PEM block 2 is a private key (not shown)'],
    ["kubeconfig CA data whose certificate does not parse", { clusters: [member("m1", { kubeconfig: m1Cluster((c) => (c["certificate-authority-data"] = b64(fixtureCA("m1").replace(/\n[A-Za-z0-9+/]{20}/, "\nAAAAAAAAAAAAAAAAAAAA")))) })] }, "certificate 1 does not parse as an X.509 certificate"],
    ["caBundle with a certificate and a private key", { clusters: [member("m1", { caBundle: fixtureCA("m1") + fixturePrivateKey() })] }, 'member "m1": caBundle is not a PEM-encoded certificate or bundle of certificates: PEM block 2 is a private key (not shown), not a certificate'],
    ["caBundle with a block that is not a certificate", { clusters: [member("m1", { caBundle: fixtureCA("m1") + "-----BEGIN X509 CRL-----\nAAAA\n-----END X509 CRL-----\n" })] }, "caBundle is not a PEM-encoded certificate or bundle of certificates: PEM block 2 is not a CERTIFICATE"],
    ["caBundle without END line", { clusters: [member("m1", { caBundle: fixtureCA("m1").replace("-----END CERTIFICATE-----", "") })] }, "caBundle is not a PEM-encoded certificate or bundle of certificates: PEM block 1 has no END line of its type"],
    // client-go's kubeconfig rules.
    ["kubeconfig with duplicate context names", { clusters: [member("m1", { kubeconfig: fixtureKubeconfigWith("m1", (doc) => (doc.contexts[1].name = "m1")) })] }, 'member "m1": kubeconfig lists more than one context named "m1" (client-go refuses duplicate names)'],
    ["kubeconfig with duplicate cluster names", { clusters: [member("m1", { kubeconfig: fixtureKubeconfigWith("m1", (doc) => (doc.clusters[1].name = "m1")) })] }, 'member "m1": kubeconfig lists more than one cluster named "m1"'],
    ["kubeconfig with insecure-skip-tls-verify and a CA", { clusters: [member("m1", { kubeconfig: m1Cluster((c) => (c["insecure-skip-tls-verify"] = true)) })] }, 'member "m1": kubeconfig cluster "m1": insecure-skip-tls-verify is set together with a CA (certificate-authority-data), which client-go refuses ("specifying a root certificates file with the insecure flag is not allowed")'],
    ["kubeconfig with insecure-skip-tls-verify that is a string", { clusters: [member("m1", { kubeconfig: m1Cluster((c) => (c["insecure-skip-tls-verify"] = "true")) })] }, "kubeconfig is not a kubeconfig (/clusters/0/cluster/insecure-skip-tls-verify must be boolean)"],
    // Labels and selectors are plain objects of strings.
    ["labels as a string", { clusters: [member("m1", { labels: "region=eu" as never })] }, 'member "m1": labels must be a plain object of label keys to string values, not a string'],
    ["labels as an array", { clusters: [member("m1", { labels: ["region"] as never })] }, 'member "m1": labels must be a plain object of label keys to string values, not an array'],
    ["label value that is a number", { clusters: [member("m1", { labels: { region: 1 as never } })] }, 'member "m1": label "region" has an invalid value 1'],
    ["clusterSelector as a string", { clusters: [member("m1")], workloads: [workload("web", "shop", { clusterSelector: "region=eu" as never })] }, 'workload "shop/web": clusterSelector must be a plain object of label keys to string values, not a string'],
    ["workload clusters as a string", { clusters: [member("m1")], workloads: [workload("web", "shop", { clusters: "m1" as never })] }, 'workload "shop/web": clusters must be an array of member names'],
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
            'member "m1": replicas -2 is not a non-negative integer of at most 2147483647 (KubeFed\'s int32)',
            'member "m1": proxyURL "gopher://x" is not an http, https or socks5 URL with a host',
            'member "m1": name is used more than once (clusters[0] and clusters[1])',
            'member "m2": serverAddressByClientCIDRs[0].clientCIDR "300.0.0.0/8" is not an IPv4 or IPv6 CIDR: its address is not an IPv4 address in dotted-decimal form (four numbers 0-255, no leading zeros)',
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

    // Forms Go (url.Parse, net.ParseCIDR, base64.StdEncoding) and client-go accept.
    const accepted: [string, unknown][] = [
        ["an IPv6 apiEndpoint", { clusters: [member("m1", { apiEndpoint: "https://[::1]:6443" })] }],
        ["an apiEndpoint with a path prefix", { clusters: [member("m1", { apiEndpoint: "https://h:6443/k8s" })] }],
        ["an apiEndpoint with an upper-case scheme and host", { clusters: [member("m1", { apiEndpoint: "HTTPS://Member1.Example.com" })] }],
        ["an apiEndpoint with a query (Go keeps it)", { clusters: [member("m1", { apiEndpoint: "https://h:6443/?x=1" })] }],
        ["CIDRs ::/0 and 0.0.0.0/0", { clusters: [member("m1", { serverAddressByClientCIDRs: [{ clientCIDR: "::/0", serverAddress: "https://[2001:db8::1]:6443" }, { clientCIDR: "0.0.0.0/0", serverAddress: "https://h:6443/k8s" }] })] }],
        ["an IPv4-mapped CIDR, and host bits set", { clusters: [member("m1", { serverAddressByClientCIDRs: [{ clientCIDR: "::ffff:10.0.0.0/104", serverAddress: "https://10.0.0.1" }, { clientCIDR: "10.1.2.3/8", serverAddress: "http://10.0.0.2:8080" }] })] }],
        ["replicas and totalReplicas at the int32 bounds", { clusters: [member("m1", { replicas: 2147483647 })], workloads: [workload("web", "shop", { totalReplicas: 0 })] }],
        ["a caBundle of two certificates with text between them", { clusters: [member("m1", { caBundle: `# member1\n${fixtureCA("member1")}# member2\n${fixtureCA("member2")}` })] }],
        ["kubeconfig CA data wrapped over lines (Go skips newlines)", { clusters: [member("m1", { kubeconfig: m1Cluster((c) => (c["certificate-authority-data"] = String(c["certificate-authority-data"]).replace(/(.{64})/g, "$1\n"))) })] }],
        ["a kubeconfig with insecure-skip-tls-verify and no CA", { clusters: [member("m1", { kubeconfig: m1Cluster((c) => { delete c["certificate-authority-data"]; c["insecure-skip-tls-verify"] = true; }) })] }],
        ["a member kubeconfig whose CA file is not here (it is read where the provider runs)", { clusters: [member("m1", { kubeconfig: m1Cluster((c) => { delete c["certificate-authority-data"]; c["certificate-authority"] = "/nonexistent/ca.crt"; }) })] }],
        ["hostKubeconfig whose user runs an exec plugin (v1)", { clusters: [], hostKubeconfig: hostUser({ exec: EXEC_V1 }) }],
        ["hostKubeconfig whose user runs an exec plugin (v1beta1)", { clusters: [], hostKubeconfig: hostUser({ exec: { apiVersion: "client.authentication.k8s.io/v1beta1", command: "gke-gcloud-auth-plugin" } }) }],
        ["hostKubeconfig with an auth-provider", { clusters: [], hostKubeconfig: hostUser({ "auth-provider": { name: "oidc", config: { "idp-issuer-url": "https://issuer.example" } } }) }],
        ["hostKubeconfig with a username and password", { clusters: [], hostKubeconfig: hostUser({ username: "admin", password: "pw" }) }],
        ["hostKubeconfig with a token file", { clusters: [], hostKubeconfig: hostUser({ tokenFile: READABLE_FIXTURE_FILE }) }],
        ["hostKubeconfig with a client certificate and key by file", { clusters: [], hostKubeconfig: hostUser({ "client-certificate": READABLE_FIXTURE_FILE, "client-key": READABLE_FIXTURE_FILE }) }],
        ["hostKubeconfig with a client certificate and key as data", { clusters: [], hostKubeconfig: hostUser({ "client-certificate-data": b64(fixtureCA("host")), "client-key-data": b64(fixturePrivateKey()) }) }],
        ["hostKubeconfig with a CA by file and a socks5 proxy", { clusters: [], hostKubeconfig: hostCluster((c) => { delete c["certificate-authority-data"]; c["certificate-authority"] = READABLE_FIXTURE_FILE; c["proxy-url"] = "socks5://bastion.example:1080"; }) }],
        ["hostKubeconfig of plain http with insecure-skip-tls-verify", { clusters: [], hostKubeconfig: hostCluster((c) => { delete c["certificate-authority-data"]; c.server = "http://127.0.0.1:8080"; c["insecure-skip-tls-verify"] = true; }) }],
        ["hostKubeconfig whose exec env is null and args absent", { clusters: [], hostKubeconfig: hostUser({ exec: { apiVersion: "client.authentication.k8s.io/v1", command: "kubelogin", env: null } }) }],
    ];
    test.each(accepted)("accepts %s", (_what, args) => {
        expect(() => validateFederationArgs("fed", args as never)).not.toThrow();
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

describe("Go's parsers, by hand", () => {
    test.each([
        ["https://h:6443", { scheme: "https", host: "h:6443", hostname: "h", port: "6443", path: "" }],
        ["https://[::1]:6443", { scheme: "https", host: "[::1]:6443", hostname: "::1", port: "6443", path: "" }],
        ["HTTPS://h/k8s", { scheme: "https", host: "h", hostname: "h", port: undefined, path: "/k8s" }],
        ["https://h?x@y", { scheme: "https", host: "h", hostname: "h", port: undefined, path: "", rawQuery: "x@y" }],
    ])("parseGoURL reads %j", (text, url) => {
        expect(parseGoURL(text)).toEqual({ url: expect.objectContaining(url) });
    });

    test.each([
        ["https://h\n", "control character"],
        ["https://h\u007f", "control character"],
        ["\thttps://h", "control character"],
        [" https://h", "whitespace"],
        ["https://h\u00a0", "whitespace"],
        ["https:host", '"//"'],
        ["https:/host", '"//"'],
        ["https:///path", "no host"],
        ["https://:6443", "no host"],
        ["//h:6443", "no scheme"],
        ["10.0.0.1:6443", "no scheme"],
        ["https://u:p@h", "user information"],
        ["https://u@h", "user information"],
        ["https://@h", "user information"],
        ["https://１２７.0.0.1", "non-ASCII"],
        ["https://h:６４４３", "port"],
        ["https://h:65536", "port"],
        ["https://h:-1", "port"],
        ["https://[::1", '"["'],
        ["https://[::1]x", "port"],
        ["https://[10.0.0.1]", "not an IPv6 address"],
        ["https://a:b:6443", '":"'],
        ["https://h%41", "%"],
        ["https://h h", "character"],
        ["https://h|h", "character"],
        ["https://0x7f.1", "ends in a number"],
        ["https://010.0.0.1", "ends in a number"],
        ["https://10.0.0.256", "ends in a number"],
        ["https://h/%zz", "%-escape"],
        ["https://h/a\\b", '"\\"'],
        [42, "not a string"],
        ["", "empty"],
    ])("parseGoURL refuses %j", (text, problem) => {
        const result = parseGoURL(text);
        expect(result.url).toBeUndefined();
        expect(result.problem).toContain(problem);
    });

    test.each(["::/0", "0.0.0.0/0", "10.0.0.0/8", "10.1.2.3/8", "fd00::/8", "::ffff:10.0.0.0/104", "1:2:3:4:5:6:7:8/128", "1:2:3:4:5:6:7::/64", "1:2:3:4:5:6:1.2.3.4/128", "2001:DB8::/32"])("parseGoCIDR accepts %s", (cidr) => {
        expect(parseGoCIDR(cidr).cidr).toBeDefined();
        expect(isCIDR(cidr)).toBe(true);
    });

    test.each(["10/8", "10.0/16", "010.0.0.0/8", "10.0.0.00/8", "fe80::1%eth0/64", "10.0.0.0/08", "10.0.0.0/+8", "10.0.0.0/-1", "10.0.0.0/33", "::/129", "10.0.0.0", "1::2::3/64", "1:2:3:4:5:6:7:8::/64", "1:2:3:4:5:6:7:1.2.3.4/128", ":::/0", "1:2/64", " 10.0.0.0/8", "10.0.0.0/8 ", "１0.0.0.0/8", "10.0.0.0/８"])("parseGoCIDR refuses %j", (cidr) => {
        expect(parseGoCIDR(cidr).problem).toBeDefined();
        expect(isCIDR(cidr)).toBe(false);
    });

    test.each([
        ["https://user:S3CR3T@h:6443/p?token=S3CR3T#S3CR3T", "https://***@h:6443/p"],
        ["https://u:pa/S3CR3T@h", "https://***@h"],
        ["https://u:pa?S3CR3T@h", "https://***@h"],
        ["https://u:pa#S3CR3T@h", "https://***@h"],
        ["user:S3CR3T@host:6443", "***@host:6443"],
        ["https://h\nS3CR3T", "https://h…"],
        ["https://h/?S3CR3T", "https://h/"],
        [`https://${"h".repeat(100)}`, `https://${"h".repeat(72)}…`],
        [undefined, "undefined"],
        [{ password: "S3CR3T" }, "a value of type object"],
    ])("redactURL(%j) is %j", (value, shown) => {
        expect(redactURL(value)).toBe(shown);
    });
});

describe("the size of the error", () => {
    /** A kubeconfig of about 2.4 MB with a problem in every one of its entries. */
    const hugeKubeconfig = () => {
        const doc = yaml.load(fixtureKubeconfig("m1")) as any;
        const bad = { server: `https://admin:pw@m1.example.com/${"p".repeat(40)}`, "certificate-authority-data": "not base64!" };
        doc.clusters = Array.from({ length: 24_000 }, (_, i) => ({ name: `c${i % 12_000}`, cluster: bad }));
        doc.contexts[0].context.cluster = "c0";
        return yaml.dump(doc, { lineWidth: -1, noRefs: true });
    };

    test("a 2.4 MB bad kubeconfig gives an error under 20 KB: lines of at most 300 characters, at most 50 of them", () => {
        const kubeconfig = hugeKubeconfig();
        expect(kubeconfig.length).toBeGreaterThan(2_400_000);
        let error: KubefedValidationError | undefined;
        try {
            validateFederationArgs("fed", { clusters: [member("m1", { kubeconfig }), member("m2", { kubeconfig, context: "x".repeat(1_000_000) })], hostKubeconfig: kubeconfig });
        } catch (e) {
            error = e as KubefedValidationError;
        }
        expect(error).toBeInstanceOf(KubefedValidationError);
        expect(error!.message.length).toBeLessThan(20_000);
        expect(error!.message).toContain("kubeconfig lists more than one cluster named");
        expect(error!.message).toMatch(/\n {2}- and \d+ more problems$/);
        for (const line of error!.message.split("\n")) {
            expect(line.length).toBeLessThanOrEqual(304);
        }
        expect(error!.problems.every((p) => p.length <= 300)).toBe(true);
    });

    test("one huge value is cut to 80 characters, and the error's lines to 300", () => {
        const { error } = (() => {
            try {
                validateFederationArgs("fed", { clusters: [member("m".repeat(2_400_000), { replicas: -1, apiEndpoint: `https://${"h".repeat(2_400_000)}:x` })] });
            } catch (e) {
                return { error: e as KubefedValidationError };
            }
            throw new Error("accepted");
        })();
        expect(error.message.length).toBeLessThan(2_000);
        expect(error.message).toContain(`member "${"m".repeat(79)}…: replicas -1 is not a non-negative integer`);
        expect(error.message).toContain(`apiEndpoint "https://${"h".repeat(72)}…" is not an http(s) URL with a host: its port is not a number from 0 to 65535`);
    });

    test("more than 50 problems: the first 50 and how many more", () => {
        const clusters = Array.from({ length: 120 }, (_, i) => member(`m${i}`, { replicas: -1 }));
        const error = (() => {
            try {
                validateFederationArgs("fed", { clusters });
            } catch (e) {
                return e as KubefedValidationError;
            }
            throw new Error("accepted");
        })();
        expect(error.problems).toHaveLength(120);
        expect(error.message.split("\n")).toHaveLength(52);
        expect(error.message).toMatch(/^KubefedFederation "fed" has 120 invalid arguments:\n/);
        expect(error.message.endsWith("\n  - and 70 more problems")).toBe(true);
    });
});

