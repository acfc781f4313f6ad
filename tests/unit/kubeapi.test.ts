// The component's own API client, against a stand-in HTTPS API server.
import * as http from "http";
import { kubeApi } from "../../src/kubeapi";
import { fixtureCA } from "../helpers/mocks";
import { startApiServer, status, TEST_APISERVER_CA, TestApiServer } from "../helpers/apiserver";

let server: TestApiServer;
beforeEach(async () => {
    server = await startApiServer((req) =>
        req.path.startsWith("/forbidden") ? status(403, 'namespaces "x" is forbidden') : { status: 200, body: { kind: "Namespace", echo: req.body ?? null } },
    );
});
afterEach(() => server.close());

test("sends the token, trusts the given CA, and writes PATCH bodies as JSON merge patches", async () => {
    const api = kubeApi({ server: server.url, caPem: TEST_APISERVER_CA, token: "sa-token" });
    expect(await api.request("PATCH", "/api/v1/namespaces/shop", { metadata: { labels: { a: null } } })).toEqual({ kind: "Namespace", echo: { metadata: { labels: { a: null } } } });
    expect(await api.request("GET", "/api/v1/namespaces?labelSelector=a%3Db")).toEqual({ kind: "Namespace", echo: null });
    expect(server.requests.map((r) => [r.method, r.path, r.headers.authorization, r.headers["content-type"]])).toEqual([
        ["PATCH", "/api/v1/namespaces/shop", "Bearer sa-token", "application/merge-patch+json"],
        ["GET", "/api/v1/namespaces?labelSelector=a%3Db", "Bearer sa-token", undefined],
    ]);
});

test("an error answer rejects with the method, path, status and the Status message", async () => {
    const api = kubeApi({ server: server.url, caPem: TEST_APISERVER_CA, token: "t" });
    await expect(api.request("GET", "/forbidden/x")).rejects.toThrow('GET /forbidden/x: 403 Forbidden: namespaces "x" is forbidden');
});

test("a server whose certificate the CA did not sign is refused, unless TLS validation is off", async () => {
    await expect(kubeApi({ server: server.url, caPem: fixtureCA("member1"), token: "t" }).request("GET", "/api")).rejects.toThrow(/self[- ]signed certificate/);
    expect(server.requests).toHaveLength(0);
    await expect(kubeApi({ server: server.url, token: "t", insecureSkipTLSVerify: true }).request("GET", "/api")).resolves.toEqual({ kind: "Namespace", echo: null });
});

test("an unreachable server and a proxy are reported, not hung on", async () => {
    const port = new URL(server.url).port;
    await server.close();
    await expect(kubeApi({ server: `https://127.0.0.1:${port}`, caPem: TEST_APISERVER_CA, token: "t" }).request("GET", "/api")).rejects.toThrow(/ECONNREFUSED/);
    expect(() => kubeApi({ server: "https://m:6443", token: "t", proxyURL: "socks5://p:1080" })).toThrow("https://m:6443 is reached through the proxy socks5://p:1080, which this client does not support");
    server = await startApiServer(() => ({ status: 200 }));
});

test("unreachable(): any answer, even a refusal, is reachable; a closed port is not, with the reason", async () => {
    const api = kubeApi({ server: server.url, caPem: TEST_APISERVER_CA, token: "t" });
    expect(await api.unreachable()).toBeUndefined();
    const forbidden = await startApiServer(() => status(403, "forbidden"));
    expect(await kubeApi({ server: forbidden.url, caPem: TEST_APISERVER_CA, token: "t" }).unreachable()).toBeUndefined();
    const port = new URL(forbidden.url).port;
    await forbidden.close();
    expect(await kubeApi({ server: `https://127.0.0.1:${port}`, caPem: TEST_APISERVER_CA, token: "t" }).unreachable()).toMatch(new RegExp(`^https://127.0.0.1:${port}: connect ECONNREFUSED`));
});

test("a path prefix in the member's server URL is kept, and an http:// endpoint is spoken to in http", async () => {
    const api = kubeApi({ server: `${server.url}/clusters/member1/`, caPem: TEST_APISERVER_CA, token: "t" });
    await api.request("GET", "/api/v1/namespaces?labelSelector=a%3Db");
    expect(server.requests.map((r) => r.path)).toEqual(["/clusters/member1/api/v1/namespaces?labelSelector=a%3Db"]);

    const plain = http.createServer((req, res) => res.end(JSON.stringify({ path: req.url, auth: req.headers.authorization })));
    await new Promise<void>((resolve) => plain.listen(0, "127.0.0.1", resolve));
    try {
        const address = plain.address() as { port: number };
        const overHttp = kubeApi({ server: `http://127.0.0.1:${address.port}/prefix`, token: "t" });
        expect(await overHttp.request("GET", "/api")).toEqual({ path: "/prefix/api", auth: "Bearer t" });
        expect(await overHttp.unreachable()).toBeUndefined();
    } finally {
        await new Promise((resolve) => plain.close(resolve));
    }
});

test("a client certificate is presented instead of a token when the access has one", async () => {
    const fs = await import("fs");
    const https = await import("https");
    const { FIXTURES } = await import("../helpers/mocks");
    const path = await import("path");
    const key = fs.readFileSync(path.join(FIXTURES, "test-apiserver-key.pem"), "utf8");
    const seen: { subject?: string; auth?: string }[] = [];
    const mtls = https.createServer({ cert: TEST_APISERVER_CA, key, requestCert: true, rejectUnauthorized: false }, (req, res) => {
        const peer = (req.socket as import("tls").TLSSocket).getPeerCertificate();
        seen.push({ subject: peer?.subject?.CN as string | undefined, auth: req.headers.authorization });
        res.end("{}");
    });
    await new Promise<void>((resolve) => mtls.listen(0, "127.0.0.1", resolve));
    const port = (mtls.address() as import("net").AddressInfo).port;
    try {
        await kubeApi({ server: `https://127.0.0.1:${port}`, caPem: TEST_APISERVER_CA, clientCertPem: TEST_APISERVER_CA, clientKeyPem: key }).request("GET", "/api");
        expect(seen).toEqual([{ subject: "test-apiserver", auth: undefined }]);
    } finally {
        mtls.closeAllConnections();
        await new Promise((resolve) => mtls.close(resolve));
    }
});

const ok = () => ({ status: 200, body: { ok: true } });

test("disabledTLSValidations SubjectName: a certificate for another name is accepted, its chain still checked", async () => {
    // The fixture certificate names 127.0.0.1 and localhost: served at 127.0.0.2, its name does not match.
    const other = await startApiServer(ok, { host: "127.0.0.2" });
    const url = other.url;
    try {
        await expect(kubeApi({ server: url, caPem: TEST_APISERVER_CA, token: "t" }).request("GET", "/api")).rejects.toThrow(/IP: 127.0.0.2 is not in the cert's list/);
        expect(await kubeApi({ server: url, caPem: TEST_APISERVER_CA, token: "t", disabledTLSValidations: ["SubjectName"] }).request("GET", "/api")).toEqual({ ok: true });
        // The chain is still checked.
        await expect(kubeApi({ server: url, caPem: fixtureCA("member1"), token: "t", disabledTLSValidations: ["SubjectName"] }).request("GET", "/api")).rejects.toThrow(/self[- ]signed certificate/);
    } finally {
        await other.close();
    }
});

test("disabledTLSValidations ValidityPeriod: an expired certificate is accepted, its chain and name still checked", async () => {
    const fs = await import("fs");
    const path = await import("path");
    const { FIXTURES } = await import("../helpers/mocks");
    // Issued by expired-ca.pem for 127.0.0.1 and localhost, valid from 2020-01-01 to 2021-01-01.
    const ca = fs.readFileSync(path.join(FIXTURES, "expired-ca.pem"), "utf8");
    const expired = { certFile: "expired-apiserver.pem", keyFile: "expired-apiserver-key.pem" };
    const own = await startApiServer(ok, expired);
    const misnamed = await startApiServer(ok, { ...expired, host: "127.0.0.2" });
    // A certificate that is in date.
    const fresh = await startApiServer(ok);
    try {
        // Checked as usual, it is refused for its dates.
        await expect(kubeApi({ server: own.url, caPem: ca, token: "t" }).request("GET", "/api")).rejects.toThrow(/certificate has expired/);
        expect(await kubeApi({ server: own.url, caPem: ca, token: "t", disabledTLSValidations: ["ValidityPeriod"] }).request("GET", "/api")).toEqual({ ok: true });
        expect(await kubeApi({ server: own.url, caPem: ca, token: "t", disabledTLSValidations: ["ValidityPeriod"] }).unreachable()).toBeUndefined();
        // Another CA: refused, dates or not.
        await expect(kubeApi({ server: own.url, caPem: fixtureCA("member1"), token: "t", disabledTLSValidations: ["ValidityPeriod"] }).request("GET", "/api")).rejects.toThrow(
            /certificate refused \(disabledTLSValidations ValidityPeriod: dates not checked\): its certificate is not issued by a trusted CA/,
        );
        expect(await kubeApi({ server: own.url, caPem: fixtureCA("member1"), token: "t", disabledTLSValidations: ["ValidityPeriod"] }).unreachable()).toMatch(/not issued by a trusted CA/);
        // Another name: refused unless SubjectName is disabled too.
        await expect(kubeApi({ server: misnamed.url, caPem: ca, token: "t", disabledTLSValidations: ["ValidityPeriod"] }).request("GET", "/api")).rejects.toThrow(/IP: 127.0.0.2 is not in the cert's list/);
        expect(await kubeApi({ server: misnamed.url, caPem: ca, token: "t", disabledTLSValidations: ["SubjectName", "ValidityPeriod"] }).request("GET", "/api")).toEqual({ ok: true });
        // In date, it passes as it would have anyway; its chain is still checked.
        expect(await kubeApi({ server: fresh.url, caPem: TEST_APISERVER_CA, token: "t", disabledTLSValidations: ["ValidityPeriod"] }).request("GET", "/api")).toEqual({ ok: true });
        await expect(kubeApi({ server: fresh.url, caPem: ca, token: "t", disabledTLSValidations: ["ValidityPeriod"] }).request("GET", "/api")).rejects.toThrow(/the certificate is not trusted \(OpenSSL: DEPTH_ZERO_SELF_SIGNED_CERT\)/);
    } finally {
        await Promise.all([own, misnamed, fresh].map((s) => s.close()));
    }
});
