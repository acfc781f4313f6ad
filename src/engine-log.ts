// What the plugin says while it serves a resource (a delete, which runs without a program): to the
// engine's log, attached to the resource, as `pulumi.log` does in a program. The SDK's `pulumi.log`
// reaches the engine only inside a `construct`; outside, it would print to the plugin's stderr,
// which the CLI does not show.
import * as grpc from "@grpc/grpc-js";

// The SDK's generated protocol, as its own runtime uses it.
const engineProto = require("@pulumi/pulumi/proto/engine_pb");
const engineService = require("@pulumi/pulumi/proto/engine_grpc_pb");

export interface EngineLog {
    info(message: string, urn: string): Promise<void>;
    warn(message: string, urn: string): Promise<void>;
}

/** The engine's address among a plugin's arguments: the first that is not a flag (as the SDK's provider server reads it). */
export function engineAddress(args: string[]): string | undefined {
    const clean: string[] = [];
    for (let i = 0; i < args.length; i++) {
        if (args[i] === "--tracing") {
            i++;
        } else if (args[i] !== "--logtostderr" && !args[i].startsWith("-v=")) {
            clean.push(args[i]);
        }
    }
    return clean[0];
}

/** A log to the engine at `address`; without one (a test), to stderr. */
export function engineLog(address: string | undefined): EngineLog {
    if (!address) {
        return {
            info: async (message) => void console.error(message),
            warn: async (message) => void console.error(`warning: ${message}`),
        };
    }
    const client = new engineService.EngineClient(address, grpc.credentials.createInsecure());
    const send = (severity: number, message: string, urn: string) =>
        new Promise<void>((resolve) => {
            const request = new engineProto.LogRequest();
            request.setSeverity(severity);
            request.setMessage(message);
            request.setUrn(urn);
            // Undelivered: say it on stderr rather than lose it.
            client.log(request, (error: Error | null) => resolve(error ? void console.error(message) : undefined));
        });
    return {
        info: (message, urn) => send(engineProto.LogSeverity.INFO, message, urn),
        warn: (message, urn) => send(engineProto.LogSeverity.WARNING, message, urn),
    };
}
