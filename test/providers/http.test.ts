/** The HTTP layer against faults the sandbox injects: retries, their bounds, POST safety, errors without tokens. */
import { strict as assert } from "node:assert";
import { backoffMs, type HttpClientOptions, HttpClient, isApiError, type RetryEvent, serverDelayMs } from "../../providers/http";
import { useSandbox } from "../helpers/sandbox";
import { SANDBOX_CREDENTIALS as C } from "../../sandbox/credentials";

const REF = C.supabaseProjectRef;
const SECRETS_PATH = `/v1/projects/${REF}/secrets`;

describe("HTTP layer", () => {
    const sandbox = useSandbox({ timeScale: 0.01 });
    let events: RetryEvent[];
    let sleeps: number[];

    beforeEach(() => {
        events = [];
        sleeps = [];
    });

    /** A Supabase client whose sleeps are recorded (and shortened) so delays can be asserted exactly. */
    function supabase(opts: Partial<HttpClientOptions> = {}): HttpClient {
        return new HttpClient({
            vendor: "Supabase Management API",
            baseUrl: sandbox().urls.supabase,
            authHeaders: () => ({ authorization: `Bearer ${C.supabaseAccessToken}` }),
            retry: { attempts: 4, baseDelayMs: 1, maxDelayMs: 4 },
            onRetry: (e) => events.push(e),
            sleep: async (ms) => { sleeps.push(ms); },
            ...opts,
        });
    }

    const sent = (method: string): number => sandbox().log.filter((r) => r.method === method && r.path === SECRETS_PATH).length;

    it("retries a GET through 429, 5xx and dropped connections", async () => {
        sandbox().faults.set({ seed: 1, rules: [
            { kind: "status", status: 429, times: 1 },
            { kind: "drop", times: 1 },
            { kind: "status", status: 502, times: 1 },
        ] });
        const secrets = await supabase().send<{ name: string }[]>({ method: "GET", path: SECRETS_PATH });
        assert.ok(Array.isArray(secrets));
        assert.equal(sent("GET"), 4);
        assert.deepEqual(events.map((e) => e.status ?? e.code), [429, "UND_ERR_SOCKET", 502]);
    });

    it("waits at least what Retry-After asks", async () => {
        sandbox().faults.set({ seed: 1, rules: [{ kind: "status", status: 503, retryAfterSeconds: 2, times: 1 }] });
        await supabase().send({ method: "GET", path: SECRETS_PATH });
        assert.deepEqual(sleeps, [2000]);
    });

    it("really sleeps for Retry-After when no sleep is injected", async () => {
        sandbox().faults.set({ seed: 1, rules: [{ kind: "status", status: 429, retryAfterSeconds: 1, times: 1 }] });
        const t0 = Date.now();
        await supabase({ sleep: undefined }).send({ method: "GET", path: SECRETS_PATH });
        assert.ok(Date.now() - t0 >= 1000, `returned after ${Date.now() - t0} ms`);
    });

    it("waits for Supabase's x-ratelimit-reset once the window is spent", async () => {
        const client = supabase({ retry: { attempts: 2, baseDelayMs: 1, maxDelayMs: 4 } });
        // the window's 120 requests at once: one after another they may not fit its 0.6 s on a busy machine
        await Promise.all(Array.from({ length: 120 }, () => client.send({ method: "GET", path: SECRETS_PATH })));
        await client.send({ method: "GET", path: SECRETS_PATH }).catch(() => undefined);
        assert.equal(events[0]?.status, 429);
        // the sandbox runs at 1/100 scale: its 60 s window lasts 0.6 s, and the client waited for it
        assert.ok(sleeps[0]! > 100 && sleeps[0]! <= 600, `slept ${sleeps[0]} ms`);
    });

    it("stops at the retry bound and says so", async () => {
        sandbox().faults.set({ seed: 1, rules: [{ kind: "status", status: 503 }] });
        await assert.rejects(supabase().send({ method: "GET", path: SECRETS_PATH }), (err: unknown) => {
            assert.ok(isApiError(err));
            assert.equal(err.status, 503);
            assert.equal(err.attempts, 4);
            assert.equal(err.message,
                `Supabase Management API GET ${SECRETS_PATH} failed with 503: injected fault: Service Unavailable (4 attempts); gave up after the retry limit`);
            return true;
        });
        assert.equal(sent("GET"), 4);
    });

    it("refuses to wait longer than the server-delay bound", async () => {
        sandbox().faults.set({ seed: 1, rules: [{ kind: "status", status: 429, retryAfterSeconds: 3600, times: 1 }] });
        await assert.rejects(supabase().send({ method: "GET", path: SECRETS_PATH }), /the server asks to wait 3600 s, more than the 60 s allowed$/);
        assert.equal(sent("GET"), 1);
    });

    for (const [label, rule] of [
        ["a 503", { kind: "status" as const, status: 503 }],
        ["a 429", { kind: "status" as const, status: 429 }],
        ["a dropped connection", { kind: "drop" as const }],
        ["a connection dropped after the server acted", { kind: "drop" as const, phase: "after" as const }],
    ] as const) {
        it(`never sends a POST twice blindly: ${label}`, async () => {
            sandbox().faults.set({ seed: 1, rules: [{ ...rule, times: 1, methods: ["POST"] }] });
            await assert.rejects(
                supabase().send({ method: "POST", path: SECRETS_PATH, body: [{ name: "FOO", value: "bar" }] }),
                /; not retried: the request is not idempotent$/,
            );
            assert.equal(sent("POST"), 1);
        });
    }

    it("asks the caller's check before sending a POST again, and trusts it when the effect is there", async () => {
        sandbox().faults.set({ seed: 1, rules: [{ kind: "drop", phase: "after", times: 1, methods: ["POST"] }] });
        const client = supabase();
        let checks = 0;
        const result = await client.send<string>({
            method: "POST", path: SECRETS_PATH, body: [{ name: "FOO", value: "bar" }],
            didItHappen: async () => {
                checks++;
                const list = await client.send<{ name: string }[]>({ method: "GET", path: SECRETS_PATH });
                return list.some((s) => s.name === "FOO") ? "found" : undefined;
            },
        });
        assert.equal(result, "found");
        assert.equal(checks, 1);
        assert.equal(sent("POST"), 1);
    });

    it("sends the POST again when the check finds no effect", async () => {
        sandbox().faults.set({ seed: 1, rules: [{ kind: "drop", times: 1, methods: ["POST"] }] });
        let checks = 0;
        await supabase().send({
            method: "POST", path: SECRETS_PATH, body: [{ name: "FOO", value: "bar" }],
            didItHappen: async () => { checks++; return undefined; },
        });
        assert.equal(checks, 1);
        assert.equal(sent("POST"), 2);
    });

    it("retries a POST the caller marks idempotent", async () => {
        sandbox().faults.set({ seed: 1, rules: [{ kind: "status", status: 500, times: 1, methods: ["POST"] }] });
        await supabase().send({ method: "POST", path: SECRETS_PATH, body: [{ name: "FOO", value: "bar" }], idempotent: true });
        assert.equal(sent("POST"), 2);
    });

    it("times out a slow answer and retries it", async () => {
        sandbox().faults.set({ seed: 1, rules: [{ kind: "latency", latencyMs: 300, times: 1 }] });
        await supabase({ timeoutMs: 100 }).send({ method: "GET", path: SECRETS_PATH });
        assert.equal(events.length, 1);
        assert.match(String(events[0]!.code), /TIMEOUT|ABORT/);
    });

    it("does not retry a 4xx, and names the vendor's message and request id", async () => {
        const fly = new HttpClient({
            vendor: "Fly Machines API", baseUrl: `${sandbox().urls.fly}/v1`,
            authHeaders: () => ({ authorization: `Bearer ${C.flyOrgToken}` }),
        });
        await assert.rejects(fly.send({ method: "GET", path: "/apps/nope" }), (err: unknown) => {
            assert.ok(isApiError(err));
            assert.equal(err.status, 404);
            assert.equal(err.vendorMessage, "app not found");
            assert.match(err.requestId ?? "", /-iad$/);
            assert.equal(err.message, `Fly Machines API GET /apps/nope failed with 404: app not found (1 attempt, request id ${err.requestId})`);
            return true;
        });
    });

    it("returns undefined for an allowed 404", async () => {
        const fly = new HttpClient({ vendor: "Fly", baseUrl: `${sandbox().urls.fly}/v1`, authHeaders: () => ({ authorization: `Bearer ${C.flyOrgToken}` }) });
        assert.equal(await fly.send({ method: "GET", path: "/apps/nope", allow404: true }), undefined);
    });

    it("never puts a token in an error or a retry event, even when the server echoes it", async () => {
        const token = "sbp_0123456789abcdef0123456789abcdef01234567";
        const client = new HttpClient({
            vendor: "Supabase Management API", baseUrl: sandbox().urls.supabase,
            authHeaders: () => ({ authorization: `Bearer ${token}` }),
            retry: { attempts: 2, baseDelayMs: 1, maxDelayMs: 1 },
            onRetry: (e) => events.push(e),
            // a vendor message that quotes the token back, as some gateways do
            errorMessage: () => `token ${token} rejected`,
        });
        const captured: string[] = [];
        sandbox().faults.set({ seed: 1, rules: [{ kind: "status", status: 503, times: 1 }] });
        await client.send({ method: "GET", path: SECRETS_PATH }).catch((e: Error) => captured.push(e.message, String(e.stack), JSON.stringify(e)));
        await client.send({ method: "GET", path: `/v1/projects/${REF}/nothing-here` }).catch((e: Error) => captured.push(e.message, String(e.stack), JSON.stringify(e)));
        captured.push(JSON.stringify(events));
        assert.ok(captured.length >= 5);
        assert.ok(captured.some((c) => c.includes("token [redacted] rejected")));
        for (const text of captured) {
            assert.ok(!text.includes(token), `token leaked: ${text}`);
            assert.ok(!text.includes(token.slice(4)), `token body leaked: ${text}`);
        }
    });

    it("redacts the secrets a request carries before the vendor's message is cut short", async () => {
        const secret = "sk-live-0123456789abcdef0123456789";
        sandbox().faults.set({ seed: 1, rules: [{ kind: "echo", methods: ["POST"] }] });
        // a vendor message that stops mid-body, as bodies cut at a length limit do: the cut falls inside the secret
        const cutAt = `invalid request body: [{"name":"A","value":"${secret.slice(0, 12)}`.length;
        const client = supabase({ errorMessage: (body) => String((body as { message: string }).message).slice(0, cutAt) });
        await assert.rejects(client.send({ method: "POST", path: SECRETS_PATH, body: [{ name: "A", value: secret }], idempotent: true, secrets: [secret] }), (err: Error) => {
            assert.ok(!err.message.includes(secret.slice(0, 12)), `a prefix of the secret leaked: ${err.message}`);
            assert.match(err.message, /failed with 422: invalid request body: \[\{"name":"A","value":"\[redacted\]/);
            return true;
        });
    });
});

describe("HTTP layer, pure parts", () => {
    it("reads Retry-After as seconds or an HTTP date, and Supabase's reset only when the quota is spent", () => {
        assert.equal(serverDelayMs(503, { "retry-after": "3" }), 3000);
        assert.equal(serverDelayMs(503, { "retry-after": new Date(11_000).toUTCString() }, 1_000), 10_000);
        assert.equal(serverDelayMs(429, { "x-ratelimit-reset": "42" }), 42_000);
        assert.equal(serverDelayMs(200, { "x-ratelimit-reset": "42", "x-ratelimit-remaining": "7" }), undefined);
        assert.equal(serverDelayMs(503, { "x-ratelimit-reset": "42", "x-ratelimit-remaining": "0" }), 42_000);
        assert.equal(serverDelayMs(503, {}), undefined);
    });

    it("backs off exponentially with jitter inside [ceiling/2, ceiling]", () => {
        const policy = { attempts: 5, baseDelayMs: 100, maxDelayMs: 1000, maxServerDelayMs: 60000 };
        assert.deepEqual([1, 2, 3, 4, 5].map((n) => backoffMs(n, policy, () => 0)), [50, 100, 200, 400, 500]);
        assert.deepEqual([1, 2, 3, 4, 5].map((n) => backoffMs(n, policy, () => 0.999999)), [100, 200, 400, 800, 1000]);
    });
});
