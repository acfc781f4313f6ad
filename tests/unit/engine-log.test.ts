// The plugin's log to the engine, against a stand-in engine (the SDK's own Engine service definition).
import * as grpc from "@grpc/grpc-js";
import { engineAddress, engineLog } from "../../src/engine-log";

const engineProto = require("@pulumi/pulumi/proto/engine_pb");
const engineService = require("@pulumi/pulumi/proto/engine_grpc_pb");
const { Empty } = require("google-protobuf/google/protobuf/empty_pb");

test("the engine's address is the plugin's first argument that is not a flag", () => {
    expect(engineAddress(["127.0.0.1:4321"])).toBe("127.0.0.1:4321");
    expect(engineAddress(["--logtostderr", "-v=9", "--tracing", "127.0.0.1:9", "127.0.0.1:4321"])).toBe("127.0.0.1:4321");
    expect(engineAddress([])).toBeUndefined();
});

test("info and warn reach the engine with their severity and the resource's URN", async () => {
    const received: { severity: number; message: string; urn: string }[] = [];
    const server = new grpc.Server();
    server.addService(engineService.EngineService, {
        log: (call: any, callback: any) => {
            received.push({ severity: call.request.getSeverity(), message: call.request.getMessage(), urn: call.request.getUrn() });
            callback(null, new Empty());
        },
    });
    const port = await new Promise<number>((resolve, reject) => server.bindAsync("127.0.0.1:0", grpc.ServerCredentials.createInsecure(), (e, p) => (e ? reject(e) : resolve(p))));
    try {
        const log = engineLog(`127.0.0.1:${port}`);
        await log.info("waiting", "urn:a");
        await log.warn("left behind", "urn:a");
        expect(received).toEqual([
            { severity: engineProto.LogSeverity.INFO, message: "waiting", urn: "urn:a" },
            { severity: engineProto.LogSeverity.WARNING, message: "left behind", urn: "urn:a" },
        ]);
    } finally {
        server.forceShutdown();
    }
});

test("without an engine, or when it does not answer, the message goes to stderr rather than nowhere", async () => {
    const stderr = jest.spyOn(console, "error").mockImplementation(() => undefined);
    try {
        await engineLog(undefined).warn("left behind", "urn:a");
        await engineLog("127.0.0.1:1").info("waiting", "urn:a");
        expect(stderr.mock.calls.map((c) => c[0])).toEqual(["warning: left behind", "waiting"]);
    } finally {
        stderr.mockRestore();
    }
});
