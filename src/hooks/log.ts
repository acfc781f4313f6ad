// The engine's log for a resource hook. Hooks are called back outside the program's async
// context; in the provider plugin (other languages) only that context reaches the engine's log,
// so each writer is bound to the context it was made in (the component's constructor).
import { AsyncResource } from "async_hooks";
import * as pulumi from "@pulumi/pulumi";

export interface HookLog {
    info(message: string): void;
    warn(message: string): void;
    error(message: string): void;
}

export function hookLog(resource: pulumi.Resource): HookLog {
    return {
        info: AsyncResource.bind((message: string) => pulumi.log.info(message, resource)),
        warn: AsyncResource.bind((message: string) => pulumi.log.warn(message, resource)),
        error: AsyncResource.bind((message: string) => pulumi.log.error(message, resource)),
    };
}

/**
 * The value of an input, whether an output or not (the provider's inputs, hook arguments, where
 * secrets arrive as outputs). `promise()` is the SDK's own way to read an output's value, known or
 * not; `apply` would never run for an unknown value.
 */
export async function valueOf<T>(value: pulumi.Input<T> | undefined): Promise<T | undefined> {
    return pulumi.Output.isInstance(value) ? (value as unknown as { promise(): Promise<T> }).promise() : (value as T | undefined);
}
