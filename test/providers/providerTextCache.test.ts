/**
 * The serialized providers the program keeps across runs: a hit only while every module of ours it has loaded is
 * unchanged, so an edit anywhere (or a module loaded since) serializes afresh.
 */
import { strict as assert } from "node:assert";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { providerTextCache } from "../../providers/providerTextCache";

describe("providers/providerTextCache", () => {
    let dir: string;
    beforeEach(() => {
        dir = fs.mkdtempSync(path.join(os.tmpdir(), "hotdash-provider-cache-"));
    });
    afterEach(() => {
        for (const f of Object.keys(require.cache)) if (f.startsWith(dir)) delete require.cache[f];
        fs.rmSync(dir, { recursive: true, force: true });
    });

    /** A module of ours, loaded into this process. */
    const load = (name: string, body: string): string => {
        const file = path.join(dir, `${name}.js`);
        fs.writeFileSync(file, body);
        require(file);
        return file;
    };

    it("gives back a provider's text, by type, in a later run on the same code", () => {
        load("same", "exports.a = 1;");
        providerTextCache(path.join(dir, "cache")).set("FlyApp", "exports.handler = 1;");
        const later = providerTextCache(path.join(dir, "cache"));
        assert.equal(later.get("FlyApp"), "exports.handler = 1;");
        assert.equal(later.get("FlyIps"), undefined);
    });

    it("misses once a loaded module of ours has changed", () => {
        const file = load("edited", "exports.a = 1;");
        providerTextCache(path.join(dir, "cache")).set("FlyApp", "old text");
        fs.writeFileSync(file, "exports.a = 2;");
        assert.equal(providerTextCache(path.join(dir, "cache")).get("FlyApp"), undefined);
    });

    it("misses once the program has loaded a module more", () => {
        const cache = providerTextCache(path.join(dir, "cache"));
        cache.set("FlyApp", "old text");
        assert.equal(cache.get("FlyApp"), "old text");
        load("added", "exports.b = 1;");
        assert.equal(cache.get("FlyApp"), undefined);
    });
});
