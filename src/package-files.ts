// The files the npm package and the plugin archive ship beside bin/: package.json and schema.json.
import * as fs from "fs";
import * as path from "path";

const PACKAGE_ROOT = path.join(__dirname, "..");

export const packageVersion = (): string => JSON.parse(fs.readFileSync(path.join(PACKAGE_ROOT, "package.json"), "utf8")).version;

export const schemaText = (): string => fs.readFileSync(path.join(PACKAGE_ROOT, "schema.json"), "utf8");

/** Where the engine downloads the plugin from, as schema.json says. */
export const pluginDownloadURL = (): string => JSON.parse(schemaText()).pluginDownloadURL;
