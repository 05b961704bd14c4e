/**
 * The HTTP layer's cost: the same GETs against the sandbox through `HttpClient` and through raw `undici.request`,
 * interleaved in rounds so machine noise hits both alike. `http.client_overhead_ratio` near 1 means the layer adds
 * nothing measurable.
 */
import { request } from "undici";
import { HttpClient } from "../providers/http";
import { startSandbox } from "../sandbox";
import { SANDBOX_CREDENTIALS as C } from "../sandbox/credentials";
import type { Benchmark } from "./benchmark";

export const httpOverhead: Benchmark = {
    name: "http",
    description: "HttpClient vs raw undici.request, 10 rounds x 200 GETs",
    async run() {
        const sandbox = await startSandbox({ timeScale: 1e-6 }); // rate-limit windows out of the way
        try {
            const url = `${sandbox.urls.chatwoot}/api/v1/profile`;
            const headers = { api_access_token: C.chatwootAdminToken };
            const client = new HttpClient({ vendor: "Chatwoot", baseUrl: sandbox.urls.chatwoot, authHeaders: () => headers });
            const viaClient = async (): Promise<void> => { await client.send({ method: "GET", path: "/api/v1/profile" }); };
            const raw = async (): Promise<void> => {
                const res = await request(url, { headers: { accept: "application/json", ...headers } });
                JSON.parse(await res.body.text());
            };
            let clientMs = 0;
            let rawMs = 0;
            for (let round = 0; round < 10; round++) {
                for (const [fn, add] of [[raw, (ms: number) => { rawMs += ms; }], [viaClient, (ms: number) => { clientMs += ms; }]] as const) {
                    const t0 = performance.now();
                    for (let i = 0; i < 200; i++) await fn();
                    add(performance.now() - t0);
                }
            }
            return { "http.client_overhead_ratio": clientMs / rawMs };
        } finally {
            await sandbox.stop();
        }
    },
};
