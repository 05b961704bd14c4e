/**
 * Serialized providers kept across runs of the program. Pulumi's closure serialization of the dozen providers is most
 * of the program's work before its resources can register (2 s of CPU here), and its text depends only on the code:
 * the key is the content of every module of ours the program has loaded, Pulumi's version and the provider's type,
 * so any edit misses. Providers hold no state of their own in the program (a token reaches them only in the
 * provider process), which is what makes the text a function of the code.
 */
import { createHash, randomBytes } from "node:crypto";
import * as fs from "node:fs";
import * as path from "node:path";

export interface ProviderTextCache {
    get(type: string): string | undefined;
    set(type: string, text: string): void;
}

/** Modules of ours (outside node_modules) loaded so far, by file name. */
function ownModules(): string[] {
    return Object.keys(require.cache).filter((f) => !f.split(path.sep).includes("node_modules")).sort();
}

/** A file's bytes, or a marker when it is gone since it was loaded (the code is not what a file says any more). */
function readOrGone(file: string): Buffer | string {
    try {
        return fs.readFileSync(file);
    } catch {
        return "\0gone";
    }
}

export function providerTextCache(dir: string): ProviderTextCache {
    fs.mkdirSync(dir, { recursive: true });
    const pulumiVersion = (require("@pulumi/pulumi/package.json") as { version: string }).version;
    let loaded = "";
    let codeDigest = "";
    /** The digest of our code as loaded now, computed again only when more modules were loaded. */
    const code = (): string => {
        const modules = ownModules();
        if (modules.join("\n") !== loaded) {
            loaded = modules.join("\n");
            const h = createHash("sha256").update(pulumiVersion);
            for (const f of modules) h.update("\0").update(f).update("\0").update(readOrGone(f));
            codeDigest = h.digest("hex");
        }
        return codeDigest;
    };
    const file = (type: string): string => path.join(dir, `${type}.js`);
    const header = (type: string): string => `// ${createHash("sha256").update(code()).update(type).digest("hex")}\n`;
    return {
        get(type) {
            try {
                const text = fs.readFileSync(file(type), "utf8");
                const h = header(type);
                return text.startsWith(h) ? text.slice(h.length) : undefined;
            } catch {
                return undefined;
            }
        },
        set(type, text) {
            // written whole then renamed: a concurrent program reads an old entry or a new one, never half of one
            const tmp = `${file(type)}.${process.pid}.${randomBytes(4).toString("hex")}`;
            fs.writeFileSync(tmp, header(type) + text);
            fs.renameSync(tmp, file(type));
        },
    };
}
