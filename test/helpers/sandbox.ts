/** Starts one sandbox for a `describe` block on free ports, resets it after each test and stops it at the end. */
import { type Sandbox, type SandboxOptions, startSandbox } from "../../sandbox";

export function useSandbox(opts: SandboxOptions = { timeScale: 0.01 }): () => Sandbox {
    const sandbox = useSharedSandbox(opts);
    afterEach(() => sandbox().reset());
    return sandbox;
}

/** One sandbox for a `describe` block, kept as each test leaves it: a stack's life told step by step. */
export function useSharedSandbox(opts: SandboxOptions = { timeScale: 0.01 }): () => Sandbox {
    let sandbox: Sandbox | undefined;
    before(async () => {
        sandbox = await startSandbox(opts);
    });
    after(async () => {
        await sandbox?.stop();
    });
    return () => {
        if (!sandbox) throw new Error("sandbox not started");
        return sandbox;
    };
}

/** One raw request, no retries: what a vendor's own client would see. */
export async function call(url: string, init: { method?: string; headers?: Record<string, string>; body?: unknown } = {}): Promise<{ status: number; headers: Record<string, string>; body: unknown; text: string }> {
    const { request } = await import("undici");
    const res = await request(url, {
        method: (init.method ?? "GET") as "GET",
        headers: { ...(init.body !== undefined ? { "content-type": "application/json" } : {}), ...init.headers },
        ...(init.body !== undefined ? { body: JSON.stringify(init.body) } : {}),
    });
    const text = await res.body.text();
    let body: unknown = text;
    try {
        body = text ? JSON.parse(text) : undefined;
    } catch {
        // not JSON
    }
    const headers: Record<string, string> = {};
    for (const [k, v] of Object.entries(res.headers)) if (typeof v === "string") headers[k] = v;
    return { status: res.statusCode, headers, body, text };
}
