// No credential in any message: a distinctive marker is fed through every input an error can
// echo (URLs with user information or a query, CA bundles and data, kubeconfig users, YAML syntax
// errors next to a token), on both paths a value can take: validateFederationArgs for plain inputs,
// resolveMemberEndpoints for those known only at deploy time, and hostKubeconfigProblems. Each
// case must be refused (a problem is reported) without the marker appearing anywhere in it.
import { KubefedValidationError } from "../../src";
import { EndpointInputs, resolveMemberEndpoints } from "../../src/endpoint";
import { hostKubeconfigProblems } from "../../src/kubeconfig";
import { validateFederationArgs } from "../../src/validate";
import { b64, fixtureCA, fixtureKubeconfig, fixtureKubeconfigWith, fixturePrivateKey, refusal } from "../helpers/mocks";

const MARK = "S3CR3T-7f1d9c2e";
const CA = fixtureCA("member1");
/** A private key whose body holds the marker, as a careless CA bundle could carry one. */
const KEY_WITH_MARK = fixturePrivateKey().replace(/\n/, `\n${b64(MARK).replace(/=+$/, "")}${MARK}\n`);

/** The fixture kubeconfig of `name` with its current cluster entry changed. */
const withCluster = (name: string, change: (cluster: Record<string, unknown>) => void) => fixtureKubeconfigWith(name, (doc) => change(doc.clusters[0].cluster));
/** The fixture kubeconfig of `name` with its user changed. */
const withUser = (name: string, user: unknown) => fixtureKubeconfigWith(name, (doc) => (doc.users[0].user = user));
/** The fixture kubeconfig of `name` with its token line replaced by raw YAML (to break the syntax right there). */
const tokenLine = (name: string, line: string) => fixtureKubeconfig(name).replace(/token: .*/, line);

/** Kubeconfigs with the marker in a credential, each refused for one reason or another; for members and the host alike. */
const kubeconfigCases = (name: string): [string, string][] => [
    ["server with user information", withCluster(name, (c) => (c.server = `https://admin:${MARK}@${name}.example.com:6443`))],
    ["server with a user name only", withCluster(name, (c) => (c.server = `https://${MARK}@${name}.example.com:6443`))],
    ["server with the marker in the query and a bad port", withCluster(name, (c) => (c.server = `https://${name}.example.com:99999/?token=${MARK}`))],
    ["server with the marker in the fragment and a bad host", withCluster(name, (c) => (c.server = `https://${name}..ex ample.com#${MARK}`))],
    ["server with the marker after a newline", withCluster(name, (c) => (c.server = `https://${name}.example.com\n${MARK}`))],
    ["server with a password holding '/'", withCluster(name, (c) => (c.server = `https://admin:x/${MARK}@${name}.example.com`))],
    ["proxy-url with user information", withCluster(name, (c) => (c["proxy-url"] = `http://proxy:${MARK}@proxy.example:3128`))],
    ["proxy-url with the marker in the query and another scheme", withCluster(name, (c) => (c["proxy-url"] = `ftp://proxy.example/?key=${MARK}`))],
    ["CA data: a certificate, then a private key holding the marker", withCluster(name, (c) => (c["certificate-authority-data"] = b64(CA + KEY_WITH_MARK)))],
    ["CA data that is not base64", withCluster(name, (c) => (c["certificate-authority-data"] = `${MARK}!!`))],
    ["CA data that is the marker", withCluster(name, (c) => (c["certificate-authority-data"] = b64(MARK)))],
    ["CA data: a certificate block holding the marker", withCluster(name, (c) => (c["certificate-authority-data"] = b64(`-----BEGIN CERTIFICATE-----\n${MARK}\n-----END CERTIFICATE-----\n`)))],
    ["token that is a list", withUser(name, { token: [MARK] })],
    ["token that is a map", withUser(name, { token: { [MARK]: MARK } })],
    ["user that is a string", withUser(name, MARK)],
    ["client-key-data that is not base64", withUser(name, { "client-certificate-data": b64(CA), "client-key-data": `${MARK}!` })],
    ["client-certificate-data that is not base64", withUser(name, { "client-certificate-data": `${MARK}=`, "client-key-data": b64(fixturePrivateKey()) })],
    ["token in an unterminated quote", tokenLine(name, `token: "${MARK}`)],
    ["token with a tag", tokenLine(name, `token: !${MARK} x`)],
    ["token that is an unknown alias", tokenLine(name, `token: *${MARK}`)],
    ["token followed by a bad mapping", tokenLine(name, `token: ${MARK}: x: y`)],
    ["token badly indented", tokenLine(name, `token: ${MARK}\n   bad: indentation`)],
    ["token given twice", tokenLine(name, `token: ${MARK}\n      token: ${MARK}`)],
    ["token with a tab", tokenLine(name, `token:\t${MARK}\n\t- x`)],
    ["token in a flow mapping left open", tokenLine(name, `token: {${MARK}`)],
    ["token with a directive-looking line", fixtureKubeconfig(name).replace("apiVersion: v1", `%TAG !${MARK}! tag:x,2000:\n---\napiVersion: v1`).replace(/token: .*/, `token: !${MARK}!x y`)],
];

/** Member inputs with the marker in a URL or a CA bundle. */
const memberCases: [string, Partial<EndpointInputs>][] = [
    ["apiEndpoint with user information", { apiEndpoint: `https://admin:${MARK}@m1.example.com:6443` }],
    ["apiEndpoint with a user name only", { apiEndpoint: `https://${MARK}@m1.example.com` }],
    ["apiEndpoint with a password holding '/'", { apiEndpoint: `https://admin:a/${MARK}@m1.example.com` }],
    ["apiEndpoint with a password holding '?'", { apiEndpoint: `https://admin:a?${MARK}@m1.example.com` }],
    ["apiEndpoint with a password holding '#'", { apiEndpoint: `https://admin:a#${MARK}@m1.example.com` }],
    ["apiEndpoint with the marker in the query and a bad port", { apiEndpoint: `https://m1.example.com:99999/?token=${MARK}` }],
    ["apiEndpoint with the marker in the fragment and a bad port", { apiEndpoint: `https://m1.example.com:x#${MARK}` }],
    ["apiEndpoint without scheme, the marker in the query", { apiEndpoint: `m1.example.com:6443?token=${MARK}` }],
    ["apiEndpoint with the marker after a newline", { apiEndpoint: `https://m1.example.com\n${MARK}` }],
    ["apiEndpoint with the marker after a tab", { apiEndpoint: `https://m1.example.com/\t${MARK}` }],
    ["serverAddress with user information", { serverAddressByClientCIDRs: [{ clientCIDR: "0.0.0.0/0", serverAddress: `https://admin:${MARK}@10.0.0.1:6443` }] }],
    ["serverAddress with the marker in the query, bad host", { serverAddressByClientCIDRs: [{ clientCIDR: "0.0.0.0/0", serverAddress: `https://10.0.0.01/?token=${MARK}` }] }],
    ["proxyURL with user information", { proxyURL: `http://proxy:${MARK}@proxy.example:3128` }],
    ["proxyURL with a user name only", { proxyURL: `socks5://${MARK}@bastion.example:1080` }],
    ["proxyURL with the marker in the query and another scheme", { proxyURL: `ftp://proxy.example/?key=${MARK}` }],
    ["caBundle: a certificate, then a private key holding the marker", { caBundle: CA + KEY_WITH_MARK }],
    ["caBundle: the marker alone", { caBundle: MARK }],
    ["caBundle: a certificate block holding the marker", { caBundle: `-----BEGIN CERTIFICATE-----\n${MARK}\n-----END CERTIFICATE-----\n` }],
    ["caBundle: a block of the marker's type", { caBundle: `${CA}-----BEGIN ${MARK}-----\nAAAA\n-----END ${MARK}-----\n` }],
    ...kubeconfigCases("m1").map(([what, kubeconfig]): [string, Partial<EndpointInputs>] => [`kubeconfig ${what}`, { kubeconfig }]),
];

/** The host's kubeconfig with the marker where only the host checks look (its user). */
const hostOnlyCases: [string, string][] = [
    ["exec without command, the marker in its args and env", withUser("host", { exec: { apiVersion: "client.authentication.k8s.io/v1", args: ["--token", MARK], env: [{ name: "TOKEN", value: MARK }] } })],
    ["exec of an old apiVersion, the marker in its env", withUser("host", { exec: { apiVersion: "client.authentication.k8s.io/v1alpha1", command: "x", env: [{ name: "T", value: MARK }] } })],
    ["a token and a password", withUser("host", { token: MARK, username: "admin", password: MARK })],
    ["a client certificate without key", withUser("host", { "client-certificate-data": b64(MARK) })],
    ["a password without user name", withUser("host", { password: MARK })],
    ["auth-provider together with exec", withUser("host", { "auth-provider": { name: "oidc", config: { "id-token": MARK } }, exec: { apiVersion: "client.authentication.k8s.io/v1", command: "x" } })],
    ["plain http server with the marker in the query", withCluster("host", (c) => (c.server = `http://host.example.com/?token=${MARK}`))],
];

/** Everything of an error that could reach a log. */
function shown(error: unknown): string {
    const e = error as Error & { problems?: string[] };
    return [e.message, e.stack, String(e), JSON.stringify(e), ...(e.problems ?? [])].join("\n");
}

function refusedPlain(args: unknown): KubefedValidationError {
    try {
        validateFederationArgs("fed", args as never);
    } catch (e) {
        return e as KubefedValidationError;
    }
    throw new Error("accepted");
}

/** Whether `text` holds the marker, as it is or base64-encoded (inside CA or key data). */
const holdsMarker = (text: string) => text.includes(MARK) || [...text.matchAll(/[A-Za-z0-9+/=]{12,}/g)].some(([run]) => Buffer.from(run, "base64").toString("latin1").includes(MARK));

test("the marker is in every input", () => {
    for (const [what, inputs] of memberCases) {
        expect([what, holdsMarker(JSON.stringify(inputs).replace(/\\n/g, "\n"))]).toEqual([what, true]);
    }
    for (const [what, kubeconfig] of [...kubeconfigCases("host"), ...hostOnlyCases]) {
        expect([what, holdsMarker(kubeconfig)]).toEqual([what, true]);
    }
});

describe.each(memberCases)("member %s", (_what, inputs) => {
    const memberInputs = { kubeconfig: fixtureKubeconfig("m1"), ...inputs };

    test("plain (validateFederationArgs): refused, the marker nowhere in the error", () => {
        const error = refusedPlain({ clusters: [{ name: "m1", ...memberInputs }] });
        expect(error).toBeInstanceOf(KubefedValidationError);
        expect(error.problems.length).toBeGreaterThan(0);
        expect(shown(error)).not.toContain(MARK);
    });

    test("deploy time (resolveMemberEndpoints): refused, the marker nowhere in the problems or the error made of them", () => {
        const { endpoints, problems } = resolveMemberEndpoints([{ name: "m1", ...memberInputs }]);
        expect(endpoints.size).toBe(0);
        expect(problems.length).toBeGreaterThan(0);
        expect(problems.join("\n")).not.toContain(MARK);
        expect(shown(new KubefedValidationError("fed", problems))).not.toContain(MARK);
    });
});

describe.each([...kubeconfigCases("host"), ...hostOnlyCases])("hostKubeconfig %s", (_what, hostKubeconfig) => {
    test("validateFederationArgs and hostKubeconfigProblems: refused, the marker nowhere", () => {
        const problems = hostKubeconfigProblems(hostKubeconfig);
        expect(problems.length).toBeGreaterThan(0);
        expect(problems.join("\n")).not.toContain(MARK);
        const error = refusedPlain({ clusters: [], hostKubeconfig });
        expect(error.problems.some((p) => p.startsWith("hostKubeconfig: "))).toBe(true);
        expect(shown(error)).not.toContain(MARK);
    });
});

test("through the component: refused before anything is registered, the marker nowhere", async () => {
    const { error, registrations } = await refusal({
        hostKubeconfig: tokenLine("host", `token: !${MARK} x`),
        clusters: [
            { name: "m1", kubeconfig: fixtureKubeconfig("m1"), apiEndpoint: `https://admin:${MARK}@m1.example.com`, caBundle: CA + KEY_WITH_MARK, proxyURL: `http://u:${MARK}@p:3128` },
            { name: "m2", kubeconfig: tokenLine("m2", `token: "${MARK}`) },
        ],
    });
    expect(registrations).toHaveLength(0);
    expect((error as KubefedValidationError).problems).toHaveLength(5);
    expect(shown(error)).not.toContain(MARK);
});
