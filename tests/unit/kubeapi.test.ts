// The component's own API client, against stand-in API servers that answer well and badly.
import * as fs from "fs";
import * as http from "http";
import * as net from "net";
import * as os from "os";
import * as path from "path";
import * as tls from "tls";
import { hostKubeApi, kubeApi } from "../../src/kubeapi";
import { fixtureCA, FIXTURES } from "../helpers/mocks";
import { startApiServer, status, TEST_APISERVER_CA, TestApiServer } from "../helpers/apiserver";

const TEST_APISERVER_KEY = fs.readFileSync(path.join(FIXTURES, "test-apiserver-key.pem"), "utf8");

let server: TestApiServer;
beforeEach(async () => {
    server = await startApiServer((req) =>
        req.path.startsWith("/forbidden") ? status(403, 'namespaces "x" is forbidden') : { status: 200, body: { kind: "Namespace", echo: req.body ?? null } },
    );
});
afterEach(() => server.close());

const member = (access: Partial<Parameters<typeof kubeApi>[0]> = {}, deadlineMs?: number) =>
    kubeApi({ server: server.url, caPem: TEST_APISERVER_CA, token: "sa-token", ...access }, 'member "member2"', { deadlineMs });

test("sends the token, trusts the given CA, and writes PATCH bodies as JSON merge patches", async () => {
    const api = member();
    expect(await api.request("PATCH", "/api/v1/namespaces/shop", { metadata: { labels: { a: null } } })).toEqual({ kind: "Namespace", echo: { metadata: { labels: { a: null } } } });
    expect(await api.request("GET", "/api/v1/namespaces?labelSelector=a%3Db")).toEqual({ kind: "Namespace", echo: null });
    expect(server.requests.map((r) => [r.method, r.path, r.headers.authorization, r.headers["content-type"]])).toEqual([
        ["PATCH", "/api/v1/namespaces/shop", "Bearer sa-token", "application/merge-patch+json"],
        ["GET", "/api/v1/namespaces?labelSelector=a%3Db", "Bearer sa-token", undefined],
    ]);
});

test("an error answer rejects with the cluster's name, the method, path, status and the Status message", async () => {
    await expect(member().request("GET", "/forbidden/x")).rejects.toThrow('member "member2": GET /forbidden/x: 403 Forbidden: namespaces "x" is forbidden');
});

test("a server whose certificate the CA did not sign is refused before the token is sent, unless TLS validation is off", async () => {
    await expect(member({ caPem: fixtureCA("member1") }).request("GET", "/api")).rejects.toThrow(/^member "member2": GET https:\/\/127.0.0.1:\d+\/api: certificate refused: /);
    expect(server.requests).toHaveLength(0);
    await expect(member({ caPem: undefined, insecureSkipTLSVerify: true }).request("GET", "/api")).resolves.toEqual({ kind: "Namespace", echo: null });
});

test("a proxied member is refused at once, naming the member and not the proxy", () => {
    expect(() => kubeApi({ server: "https://m:6443", token: "t", proxyURL: "socks5://u:S3CR3T@p:1080" }, 'member "m"')).toThrow('member "m" is reached through a proxy, which the component\'s own client does not use');
});

test("unreachable(): any answer, even a refusal, is reachable; a closed port is not, with the reason", async () => {
    expect(await member().unreachable()).toBeUndefined();
    const forbidden = await startApiServer(() => status(403, "forbidden"));
    expect(await kubeApi({ server: forbidden.url, caPem: TEST_APISERVER_CA, token: "t" }, "m").unreachable()).toBeUndefined();
    const port = new URL(forbidden.url).port;
    await forbidden.close();
    expect(await kubeApi({ server: `https://127.0.0.1:${port}`, caPem: TEST_APISERVER_CA, token: "t" }, "m").unreachable()).toMatch(new RegExp(`^https://127.0.0.1:${port}: connect ECONNREFUSED`));
});

test("a path prefix in the member's server URL is kept, and an http:// endpoint is spoken to in http", async () => {
    await member({ server: `${server.url}/clusters/member1/` }).request("GET", "/api/v1/namespaces?labelSelector=a%3Db");
    expect(server.requests.map((r) => r.path)).toEqual(["/clusters/member1/api/v1/namespaces?labelSelector=a%3Db"]);
    const plain = await raw((socket) => answerWith(socket, 200, "application/json", JSON.stringify({ ok: true })), false);
    try {
        const overHttp = kubeApi({ server: `http://127.0.0.1:${plain.port}/prefix`, token: "t" }, "m");
        expect(await overHttp.request("GET", "/api")).toEqual({ ok: true });
        expect(plain.received()).toMatch(/^GET \/prefix\/api HTTP\/1.1\r\n[\s\S]*authorization: Bearer t/i);
    } finally {
        await plain.close();
    }
});

// ---- answers that are not a Kubernetes API server's ------------------------------------------

interface RawServer {
    port: number;
    received(): string;
    close(): Promise<void>;
}

/** A TCP (or TLS, with the fixture certificate) server that does whatever `onData` does with each connection's first bytes. */
async function raw(onData: (socket: net.Socket) => void, useTLS = true): Promise<RawServer> {
    let received = "";
    const sockets = new Set<net.Socket>();
    const handler = (socket: net.Socket) => {
        sockets.add(socket);
        socket.on("error", () => undefined);
        socket.once("data", (d) => {
            received += d.toString("utf8");
            onData(socket);
        });
    };
    const srv = useTLS ? tls.createServer({ cert: TEST_APISERVER_CA, key: TEST_APISERVER_KEY }, handler) : net.createServer(handler);
    await new Promise<void>((resolve) => srv.listen(0, "127.0.0.1", resolve));
    return {
        port: (srv.address() as net.AddressInfo).port,
        received: () => received,
        close: () =>
            new Promise((resolve) => {
                sockets.forEach((s) => s.destroy());
                srv.close(() => resolve());
            }),
    };
}

function answerWith(socket: net.Socket, code: number, type: string, body: string, extra = ""): void {
    socket.end(`HTTP/1.1 ${code} ${http.STATUS_CODES[code]}\r\nContent-Type: ${type}\r\nContent-Length: ${Buffer.byteLength(body)}\r\n${extra}Connection: close\r\n\r\n${body}`);
}

const misbehaving: [string, (socket: net.Socket) => void, RegExp][] = [
    ["a 200 HTML login page", (s) => answerWith(s, 200, "text/html", "<html>Sign in</html>"), /GET \/api: answered 200 with a body that is not JSON \(text\/html\): not a Kubernetes API server, or a proxy answers for it$/],
    ["a body cut short", (s) => s.end(`HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 1000\r\n\r\n{"items": [`), /GET https:\/\/127.0.0.1:\d+\/api: (the answer was cut short|the connection closed before the answer was complete)/],
    ["a redirect to a login page", (s) => answerWith(s, 302, "text/html", "", "Location: https://sso.example/login?token=S3CR3T\r\n"), /GET \/api: 302 Found: a redirect, not followed/],
    ["a 503 from a proxy", (s) => answerWith(s, 503, "text/html", "<html>upstream S3CR3T down</html>"), /GET \/api: 503 Service Unavailable \(text\/html\)$/],
    ["a connection closed at once", (s) => s.destroy(), /GET https:\/\/127.0.0.1:\d+\/api: (socket hang up|read ECONNRESET)/],
];

test.each(misbehaving)("%s rejects with an error naming the member, never an exception outside the promise", async (_what, answer, expected) => {
    const srv = await raw(answer);
    try {
        const error = await kubeApi({ server: `https://127.0.0.1:${srv.port}`, caPem: TEST_APISERVER_CA, token: "t" }, 'member "member2"', { deadlineMs: 3_000 })
            .request("GET", "/api")
            .then(() => undefined, (e: Error) => e);
        expect(error?.message).toMatch(/^member "member2": /);
        expect(error?.message).toMatch(expected);
        expect(error?.message).not.toContain("S3CR3T");
    } finally {
        await srv.close();
    }
});

test("a server that stalls mid-body, sending a byte at a time, is given up on at the overall deadline", async () => {
    const timers: NodeJS.Timeout[] = [];
    const srv = await raw((s) => {
        s.write("HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 100000\r\n\r\n");
        // Never idle for long, so an idle timeout would never fire.
        timers.push(setInterval(() => s.write(" "), 100));
    });
    const started = Date.now();
    try {
        await expect(kubeApi({ server: `https://127.0.0.1:${srv.port}`, caPem: TEST_APISERVER_CA, token: "t" }, 'member "member2"', { deadlineMs: 1_500 }).request("GET", "/api")).rejects.toThrow(
            /^member "member2": GET https:\/\/127.0.0.1:\d+\/api: no complete answer within 1.5 s$/,
        );
        expect(Date.now() - started).toBeLessThan(3_000);
        // unreachable() too: a server that answers nothing is unreachable, in bounded time.
        const silent = await raw(() => undefined);
        try {
            expect(await kubeApi({ server: `https://127.0.0.1:${silent.port}`, caPem: TEST_APISERVER_CA, token: "t" }, "m").unreachable(1_000)).toMatch(/no complete answer within 1 s/);
        } finally {
            await silent.close();
        }
    } finally {
        timers.forEach(clearInterval);
        await srv.close();
    }
});

test("several requests through one client each judge the certificate afresh (no TLS session resumed)", async () => {
    const api = member({ disabledTLSValidations: ["ValidityPeriod"] });
    for (let i = 0; i < 5; i++) {
        expect(await api.request("GET", `/api/${i}`)).toEqual({ kind: "Namespace", echo: null });
    }
    expect(server.requests).toHaveLength(5);
});

test("nothing, not even the request line, is written to a server whose certificate is refused", async () => {
    // A TLS server that records what it receives: with another CA's certificate expected, it receives nothing.
    const srv = await raw((s) => answerWith(s, 200, "application/json", "{}"));
    try {
        for (const disabled of [[], ["SubjectName"], ["ValidityPeriod"], ["SubjectName", "ValidityPeriod"]]) {
            await expect(kubeApi({ server: `https://127.0.0.1:${srv.port}`, caPem: fixtureCA("member1"), token: "S3CR3T-token", disabledTLSValidations: disabled }, "m").request("GET", "/api")).rejects.toThrow(
                /certificate refused/,
            );
        }
        expect(srv.received()).toBe("");
    } finally {
        await srv.close();
    }
});

// ---- the host, as kubectl reads hostKubeconfig ----------------------------------------------------

describe("hostKubeApi", () => {
    // The first test loads @kubernetes/client-node (about a thousand modules).
    jest.setTimeout(60_000);
    let dir: string;
    beforeEach(() => {
        dir = fs.mkdtempSync(path.join(os.tmpdir(), "kubefed-host-"));
    });
    afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

    const kubeconfig = (cluster: string, user: string) => `apiVersion: v1
kind: Config
clusters: [{name: host, cluster: ${cluster}}]
users: [{name: admin, user: ${user}}]
contexts: [{name: host, context: {cluster: host, user: admin}}]
current-context: host
`;

    test("an exec credential plugin and a CA by file: the plugin's token is sent", async () => {
        fs.writeFileSync(path.join(dir, "ca.crt"), TEST_APISERVER_CA);
        const plugin = path.join(dir, "credential.sh");
        fs.writeFileSync(plugin, `#!/bin/sh\necho '{"apiVersion":"client.authentication.k8s.io/v1","kind":"ExecCredential","status":{"token":"exec-token-'"$1"'"}}'\n`, { mode: 0o755 });
        const api = await hostKubeApi(
            kubeconfig(`{server: '${server.url}', certificate-authority: '${path.join(dir, "ca.crt")}'}`, `{exec: {apiVersion: client.authentication.k8s.io/v1, command: '${plugin}', args: [one], interactiveMode: Never}}`),
        );
        expect(api.who).toBe("the host");
        await api.request("GET", "/api/v1/namespaces");
        expect(server.requests.map((r) => r.headers.authorization)).toEqual(["Bearer exec-token-one"]);
    });

    test("a token file (client-go's tokenFile)", async () => {
        const ca = `{server: '${server.url}', certificate-authority-data: '${Buffer.from(TEST_APISERVER_CA).toString("base64")}'}`;
        fs.writeFileSync(path.join(dir, "token"), "first-token");
        const api = await hostKubeApi(kubeconfig(ca, `{tokenFile: '${path.join(dir, "token")}'}`));
        await api.request("GET", "/api");
        expect(server.requests.map((r) => r.headers.authorization)).toEqual(["Bearer first-token"]);
    });

    test("a client certificate and key by file", async () => {
        fs.writeFileSync(path.join(dir, "ca.crt"), TEST_APISERVER_CA);
        fs.writeFileSync(path.join(dir, "client.crt"), TEST_APISERVER_CA);
        fs.writeFileSync(path.join(dir, "client.key"), TEST_APISERVER_KEY);
        const https = await import("https");
        const seen: (string | undefined)[] = [];
        const mtls = https.createServer({ cert: TEST_APISERVER_CA, key: TEST_APISERVER_KEY, requestCert: true, rejectUnauthorized: false }, (req, res) => {
            seen.push((req.socket as tls.TLSSocket).getPeerCertificate()?.subject?.CN as string | undefined);
            res.end("{}");
        });
        await new Promise<void>((resolve) => mtls.listen(0, "127.0.0.1", resolve));
        try {
            const port = (mtls.address() as net.AddressInfo).port;
            const api = await hostKubeApi(
                kubeconfig(`{server: 'https://127.0.0.1:${port}', certificate-authority: '${path.join(dir, "ca.crt")}'}`, `{client-certificate: '${path.join(dir, "client.crt")}', client-key: '${path.join(dir, "client.key")}'}`),
            );
            await api.request("GET", "/api");
            expect(seen).toEqual(["test-apiserver"]);
        } finally {
            mtls.closeAllConnections();
            await new Promise((resolve) => mtls.close(resolve));
        }
    });

    test("a plugin that fails is an error naming the host, bounded by the deadline when it hangs", async () => {
        const failing = path.join(dir, "fail.sh");
        fs.writeFileSync(failing, "#!/bin/sh\necho 'no SSO session' >&2\nexit 1\n", { mode: 0o755 });
        const ca = `{server: '${server.url}', certificate-authority-data: '${Buffer.from(TEST_APISERVER_CA).toString("base64")}'}`;
        await expect((await hostKubeApi(kubeconfig(ca, `{exec: {apiVersion: client.authentication.k8s.io/v1, command: '${failing}'}}`))).request("GET", "/api")).rejects.toThrow(
            /^the host: GET https:\/\/127.0.0.1:\d+\/api: no credentials: no SSO session/,
        );
        const hanging = path.join(dir, "hang.sh");
        fs.writeFileSync(hanging, "#!/bin/sh\nexec sleep 4\n", { mode: 0o755 });
        const started = Date.now();
        await expect((await hostKubeApi(kubeconfig(ca, `{exec: {apiVersion: client.authentication.k8s.io/v1, command: '${hanging}'}}`), { deadlineMs: 1_000 })).request("GET", "/api")).rejects.toThrow(
            /no complete answer within 1 s/,
        );
        expect(Date.now() - started).toBeLessThan(2_500);
        expect(server.requests).toHaveLength(0);
    });
});
