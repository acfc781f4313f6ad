// What of an input an error message may show. Messages end up in the Pulumi CLI's output, CI logs
// and bug reports, so nothing that can hold a credential is shown: a URL loses its user
// information, query and fragment; every value is cut short. Pure.

/** The most characters of a value a message shows (then "…"). */
export const MAX_SHOWN = 80;

// Control characters (C0, DEL, C1) and the Unicode line and paragraph separators.
const CONTROL = /[\u0000-\u001f\u007f-\u009f\u2028\u2029]/;

/** `text` cut to `max` characters, "…" appended when cut (never between the halves of a surrogate pair). */
export function truncate(text: string, max = MAX_SHOWN): string {
    if (text.length <= max) {
        return text;
    }
    let cut = text.slice(0, max);
    if (/[\ud800-\udbff]$/.test(cut)) {
        cut = cut.slice(0, -1);
    }
    return `${cut}…`;
}

/**
 * A value as a message may show it: its JSON, cut to 80 characters. For values that are not
 * secrets (names, labels, numbers); anything that may hold a credential goes through redactURL or
 * is not shown at all.
 */
export function echo(value: unknown): string {
    if (value === undefined) {
        return "undefined";
    }
    if (typeof value === "function" || typeof value === "symbol" || typeof value === "bigint") {
        return `a ${typeof value}`;
    }
    let json: string | undefined;
    try {
        json = JSON.stringify(value);
    } catch {
        json = undefined; // a cycle, or an object whose toJSON throws
    }
    return json === undefined ? (Array.isArray(value) ? "an array" : "an object") : truncate(json);
}

/**
 * A URL (or what was meant to be one) as a message may show it: the scheme, host, port and path;
 * no user information (everything up to the last "@" becomes "***@", so a password holding "/",
 * "?" or "#" goes too), no query, no fragment; cut before the first control character and to 80
 * characters. Not quoted. A non-string shows as its type (numbers and booleans as themselves).
 */
export function redactURL(value: unknown): string {
    if (typeof value !== "string") {
        if (value === null || value === undefined || typeof value === "number" || typeof value === "boolean") {
            return String(value);
        }
        return Array.isArray(value) ? "an array" : `a value of type ${typeof value}`;
    }
    let text = value;
    let cut = false;
    const control = text.search(CONTROL);
    if (control >= 0) {
        // What follows a newline is not part of any URL, and may be anything.
        text = text.slice(0, control);
        cut = true;
    }
    // Only a scheme followed by "//" is kept as such: in "user:password@host", "user:" is no scheme.
    const scheme = /^[A-Za-z][A-Za-z0-9+.-]*:\/\//.exec(text)?.[0] ?? "";
    let rest = text.slice(scheme.length);
    const at = rest.lastIndexOf("@");
    if (at >= 0) {
        rest = `***@${rest.slice(at + 1)}`;
    }
    const queryOrFragment = rest.search(/[?#]/);
    if (queryOrFragment >= 0) {
        rest = rest.slice(0, queryOrFragment);
    }
    const shown = truncate(scheme + rest);
    return cut && !shown.endsWith("…") ? `${shown}…` : shown;
}

/** redactURL's result, quoted as JSON (so that the ends of the value are visible). */
export function quoteURL(value: unknown): string {
    return typeof value === "string" ? JSON.stringify(redactURL(value)) : redactURL(value);
}
