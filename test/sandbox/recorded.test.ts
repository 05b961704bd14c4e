/**
 * Replays the real Management API request/response pairs (test/fixtures/recorded/supabase) against the sandbox:
 * same status, the same headers, the same body shape, and error bodies word for word.
 */
import { strict as assert } from "node:assert";
import * as fs from "node:fs";
import * as path from "node:path";
import { call, useSandbox } from "../helpers/sandbox";
import { SANDBOX_CREDENTIALS as C } from "../../sandbox/credentials";

const DIR = path.join(__dirname, "../fixtures/recorded/supabase");

interface Recorded {
    readonly request: { method: string; path: string; query: Record<string, string>; body: unknown };
    readonly response: { status: number; headers: Record<string, string>; body: unknown };
}

function pairs(dir: string): Recorded[] {
    const names = fs.readdirSync(path.join(DIR, dir)).filter((f) => f.endsWith(".request.json")).map((f) => f.replace(".request.json", ""));
    names.sort((a, b) => (a === "default" ? -1 : b === "default" ? 1 : Number(a) - Number(b)));
    const read = (f: string): unknown => JSON.parse(fs.readFileSync(path.join(DIR, dir, f), "utf8").replace(/__PROJECT_REF__/g, C.supabaseProjectRef));
    return names.map((n) => ({ request: read(`${n}.request.json`), response: read(`${n}.response.json`) }) as Recorded);
}

/** The JSON type skeleton of a value: what a client parsing it depends on. */
function shape(v: unknown): unknown {
    if (Array.isArray(v)) return v.length ? [shape(v[0])] : [];
    if (v !== null && typeof v === "object") return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, shape(x)]));
    return v === null ? "null" : typeof v;
}

/** Every key the recording has, ours has too with the same type (ours may say more). */
function assertShapeCovers(ours: unknown, recorded: unknown, where: string): void {
    if (Array.isArray(recorded)) {
        assert.ok(Array.isArray(ours), `${where}: expected an array`);
        if (recorded.length && ours.length) assertShapeCovers(ours[0], recorded[0], `${where}[0]`);
        return;
    }
    if (recorded !== null && typeof recorded === "object") {
        assert.ok(ours !== null && typeof ours === "object", `${where}: expected an object, got ${JSON.stringify(shape(ours))}`);
        for (const [k, v] of Object.entries(recorded)) assertShapeCovers((ours as Record<string, unknown>)[k], v, `${where}.${k}`);
        return;
    }
    assert.equal(shape(ours), shape(recorded), `${where}: type`);
}

describe("sandbox Supabase against recorded real responses", () => {
    const sandbox = useSandbox({ timeScale: 1 });
    const dirs = fs.readdirSync(DIR).filter((d) => fs.statSync(path.join(DIR, d)).isDirectory());

    it("has recordings to replay", () => assert.ok(dirs.length >= 13));

    for (const dir of dirs) {
        it(dir, async () => {
            for (const { request, response } of pairs(dir)) {
                const qs = new URLSearchParams(request.query).toString();
                const r = await call(`${sandbox().urls.supabase}${request.path}${qs ? `?${qs}` : ""}`, {
                    method: request.method,
                    headers: { authorization: `Bearer ${C.supabaseAccessToken}` },
                    ...(request.body !== null ? { body: request.body } : {}),
                });
                const where = `${request.method} ${request.path}`;
                assert.equal(r.status, response.status, `${where}: status`);
                for (const h of Object.keys(response.headers)) {
                    if (h === "x-gotrue-id") assert.match(r.headers[h] ?? "", /^[0-9a-f-]{36}$/, `${where}: ${h}`);
                    else if (h.startsWith("x-ratelimit-")) assert.match(r.headers[h] ?? "", /^\d+$/, `${where}: ${h}`);
                    else assert.equal(r.headers[h], response.headers[h], `${where}: ${h}`);
                }
                if (response.body === null) assert.equal(r.text, "", `${where}: empty body`);
                else if (response.status >= 400) assert.deepEqual(r.body, response.body, `${where}: error body`);
                else assertShapeCovers(r.body, response.body, where);
            }
        });
    }
});
